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
        if String(validating: bytes, as: UTF8.self) == nil {
            return "it is not UTF-8 text (\(firstInvalidUTF8Offset(bytes).map { "invalid byte at offset \($0)" } ?? "invalid bytes"))"
        }
        return nil
    }

    /// The offset of the first byte that does not start or continue a valid UTF-8 sequence.
    private static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int? {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length = b < 0x80 ? 1 : b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0
            guard length > 0, i + length <= bytes.count else { return i }
            if length > 1, String(validating: bytes[i..<(i + length)], as: UTF8.self) == nil { return i }
            i += length
        }
        return nil
    }
}
