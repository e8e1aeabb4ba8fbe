// Foundation's errors in a user's words: "path: cause". Foundation prints its errors as
// `Error Domain=NSCocoaErrorDomain Code=4 "…" UserInfo={…}`, which names the cause only deep inside;
// every front end turns them into one short line here instead.
import Foundation

public enum SystemErrorText {
    /// "path: cause" for Foundation file errors, a short reason for JSON decoding errors; nil for
    /// errors that already describe themselves (the project's own error types).
    public static func describe(_ error: Error) -> String? {
        guard let cause = cause(of: error) else { return nil }
        let ns = error as NSError
        let path = ns.userInfo[NSFilePathErrorKey] as? String ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
        return path.map { "\($0): \(cause)" } ?? cause
    }

    /// The cause alone ("permission denied", "not valid JSON at 'cell'"), for callers that name the path.
    public static func cause(of error: Error) -> String? {
        if let decoding = error as? DecodingError { return describe(decoding) }
        let ns = error as NSError
        guard ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain else { return nil }
        return posixCause(of: ns) ?? cocoaCause(code: ns.code, domain: ns.domain) ?? "error \(ns.code)"
    }

    /// `error` described for a user: `describe` when it applies, else its own description.
    public static func message(for error: Error) -> String { describe(error) ?? "\(error)" }

    private static func posixCause(of error: NSError) -> String? {
        if error.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(error.code))) }
        guard let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError,
              underlying.domain == NSPOSIXErrorDomain else { return nil }
        return String(cString: strerror(Int32(underlying.code)))
    }

    private static func cocoaCause(code: Int, domain: String) -> String? {
        guard domain == NSCocoaErrorDomain else { return nil }
        switch CocoaError.Code(rawValue: code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or folder"
        case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
        case .fileWriteOutOfSpace: return "no space left on the device"
        case .fileWriteVolumeReadOnly: return "the file system is read-only"
        case .fileWriteFileExists: return "the file already exists"
        case .fileReadCorruptFile: return "the file is corrupt"
        case .fileReadInapplicableStringEncoding, .fileReadUnknownStringEncoding: return "not text in the expected encoding"
        case .fileReadTooLarge: return "the file is too large"
        default: return nil
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func at(_ path: [CodingKey]) -> String {
            path.isEmpty ? "" : " at '" + path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".") + "'"
        }
        switch error {
        case .dataCorrupted(let context): return "not valid JSON\(at(context.codingPath))"
        case .keyNotFound(let key, let context): return "missing key '\(key.stringValue)'\(at(context.codingPath))"
        case .typeMismatch(let type, let context): return "expected \(type)\(at(context.codingPath))"
        case .valueNotFound(let type, let context): return "missing \(type) value\(at(context.codingPath))"
        @unknown default: return "not the expected JSON"
        }
    }
}
