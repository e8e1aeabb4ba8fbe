// Reading a tokenizer's files: a regular file of bounded size, strict JSON, and errors that name the file.

import Foundation
import Formats

enum TokenizerFile {
    /// The largest tokenizer file read (the real T5 tokenizer.json is 2.4 MB, CLIP's vocab.json 1.6 MB).
    static let maxBytes = 256 << 20

    static func bytes(_ path: String) throws -> [UInt8] {
        guard FileManager.default.fileExists(atPath: path) else { throw FormatError(path: path, "missing (the tokenizer needs this file)") }
        try FileChecks.checkRegular(path)
        guard let handle = FileHandle(forReadingAtPath: path) else { throw FormatError(path: path, "cannot open for reading") }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.read(upToCount: maxBytes + 1) ?? Data() } catch {
            throw FormatError(path: path, "cannot read: \(error.localizedDescription)")
        }
        guard data.count <= maxBytes else { throw FormatError(path: path, "larger than \(maxBytes >> 20) MiB: not a tokenizer file") }
        return [UInt8](data)
    }

    static func text(_ path: String) throws -> String {
        let b = try bytes(path)
        guard let s = String(validating: b, as: UTF8.self) else { throw FormatError(path: path, "not valid UTF-8 text") }
        return s
    }

    static func json(_ path: String) throws -> JSONValue {
        let b = try bytes(path)
        do { return try JSONParser.parse(b) } catch let e as JSONParseError {
            throw FormatError(path: path, "\(e) (truncated or not JSON)")
        }
    }

    /// `json` when the file exists, nil when it does not (optional files such as special_tokens_map.json).
    static func optionalJSON(_ path: String) throws -> JSONValue? {
        FileManager.default.fileExists(atPath: path) ? try json(path) : nil
    }

    static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}

/// Typed reads of JSON members, each failure a FormatError naming the file and the member.
struct JSONReader {
    let path: String

    func fail(_ problem: String) -> FormatError { FormatError(path: path, problem) }

    func object(_ v: JSONValue?, _ what: String) throws -> [(String, JSONValue)] {
        guard let m = v?.objectMembers else { throw fail("\(what) is missing or not an object") }
        return m
    }

    func array(_ v: JSONValue?, _ what: String) throws -> [JSONValue] {
        guard let a = v?.arrayValue else { throw fail("\(what) is missing or not an array") }
        return a
    }

    func string(_ v: JSONValue?, _ what: String) throws -> String {
        guard let s = v?.stringValue else { throw fail("\(what) is missing or not a string") }
        return s
    }

    func int(_ v: JSONValue?, _ what: String) throws -> Int {
        guard let i = v?.intValue, let n = Int(exactly: i) else { throw fail("\(what) is missing or not a whole number") }
        return n
    }

    func number(_ v: JSONValue?, _ what: String) throws -> Double {
        switch v {
        case let .int(i)?: return Double(i)
        case let .double(d)? where d.isFinite: return d
        default: throw fail("\(what) is missing or not a finite number")
        }
    }

    /// A boolean member, `default` when absent.
    func bool(_ v: JSONValue?, _ what: String, default value: Bool) throws -> Bool {
        switch v {
        case nil, .null?: return value
        case let .bool(b)?: return b
        default: throw fail("\(what) is not true or false")
        }
    }

    /// A token named by a string or by an object with "content" (both spellings occur in tokenizer_config.json).
    func tokenName(_ v: JSONValue?, _ what: String) throws -> String? {
        switch v {
        case nil, .null?: return nil
        case let .string(s)?: return s
        case .object?: return try string(v?["content"], "\(what).content")
        default: throw fail("\(what) is neither a string nor an object with \"content\"")
        }
    }
}
