// Public entry to the atomic file write (temporary file in the same folder, then rename).

public enum AtomicWrite {
    /// Writes `bytes` to `path`; on any error the old file (if any) is untouched.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try bytes.withUnsafeBytes { try AtomicFile.write($0, to: path) }
    }

    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }
}
