// A small JSON file (a config, an index) read whole and parsed; every failure a FormatError naming the file.
public enum JSONFile {
    public static func read(_ path: String, limit: Int = 64 << 20) throws -> JSONValue {
        let bytes = try readWholeFile(path, limit: limit)
        do { return try JSONParser.parse(bytes) } catch { throw FormatError(path: path, "not valid JSON: \(error)") }
    }
}
