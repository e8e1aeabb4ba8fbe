// Reading a recipe file as text. A recipe is UTF-8 without NUL bytes; anything else (an image given
// by mistake, a binary) is refused in one line instead of being scanned into thousands of errors.
import Formats
import Foundation

public enum RecipeText {
    public enum Failure: Error, Equatable {
        case missing
        /// Not a regular file (a FIFO would block), a NUL byte in the path, or too large; the reason says which.
        case unreadable(String)
        /// The file exists but is not recipe text; the reason names what was found.
        case notText(String)

        /// What went wrong, naming the file once.
        public func message(_ path: String) -> String {
            switch self {
            case .missing: return "file not found: \(Echo.short(path, limit: 200))"
            case .unreadable(let reason): return reason
            case .notText(let reason): return "\(Echo.short(path, limit: 200)): \(reason)"
            }
        }

        /// A file that is not text is a recipe error (65); one that cannot be read, an input error (66).
        public var category: DiagnosticCategory {
            if case .notText = self { return .recipe }
            return .missingInput
        }
    }

    public static func read(_ path: String) -> Result<String, Failure> {
        guard FileManager.default.fileExists(atPath: path) || path.utf8.contains(0) else { return .failure(.missing) }
        do {
            try FileChecks.checkRegular(path)
        } catch {
            return .failure(.unreadable(Echo.short("\(error)", limit: 300)))
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { return .failure(.missing) }
        defer { try? handle.close() }
        let limit = ProgramLoader.maxSourceBytes
        let data = (try? handle.read(upToCount: limit + 1)) ?? Data()
        if data.count > limit {
            return .failure(.unreadable("\(Echo.short(path, limit: 200)): a recipe file may have at most \(limit) bytes"))
        }
        if let reason = notTextReason(data) { return .failure(.notText(reason)) }
        return .success(String(decoding: data, as: UTF8.self))
    }

    /// nil for UTF-8 text without NUL bytes; else what the bytes are.
    static func notTextReason(_ data: Data) -> String? {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "it is a PNG image, not recipe text" }
        if let nul = bytes.firstIndex(of: 0) { return "it is binary (a NUL byte at offset \(nul)), not recipe text" }
        if let bad = firstInvalidUTF8Offset(bytes) { return "it is not UTF-8 text (invalid byte at offset \(bad))" }
        return nil
    }

    /// The offset of the first scalar that does not decode as UTF-8 (the standard library's parser).
    private static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .error: return offset
            case .emptyInput: return nil
            }
        }
    }
}
