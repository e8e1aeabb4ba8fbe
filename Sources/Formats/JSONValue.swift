// A small strict JSON parser (RFC 8259) for safetensors headers and checkpoint indexes.
// Own code rather than Foundation so that integers stay exact Int64s, booleans are never numbers,
// nesting depth is bounded (hostile files cannot exhaust the stack) and errors say where they are.

public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    /// A number written without fraction or exponent that fits in Int64.
    case int(Int64)
    /// Any other number.
    case double(Double)
    case string(String)
    case array([JSONValue])
    /// Members in file order (duplicates are rejected by the parser).
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.double(x), .double(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case let .object(members) = self { return members.first { $0.0 == key }?.1 }
        return nil
    }

    public var objectMembers: [(String, JSONValue)]? {
        if case let .object(m) = self { return m }
        return nil
    }

    public var stringValue: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    public var intValue: Int64? {
        if case let .int(i) = self { return i }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case let .array(a) = self { return a }
        return nil
    }
}

public struct JSONParseError: Error, CustomStringConvertible, Sendable {
    public let offset: Int
    public let reason: String
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

public enum JSONParser {
    public static let maxDepth = 64

    /// `maxValues` bounds the tree built (every value, container or not, counts one): a header of
    /// millions of tiny values would otherwise cost tens of bytes of memory per byte of input.
    public static func parse(_ bytes: UnsafeRawBufferPointer, maxValues: Int = .max) throws -> JSONValue {
        var parser = Parser(bytes: bytes)
        parser.valuesLeft = maxValues
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        if parser.i != bytes.count { throw parser.fail("unexpected data after the JSON value") }
        return value
    }

    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try bytes.withUnsafeBytes { try parse($0) }
    }

    private struct Parser {
        let bytes: UnsafeRawBufferPointer
        var i = 0
        var valuesLeft = Int.max

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        func fail(_ reason: String) -> JSONParseError { JSONParseError(offset: i, reason: reason) }

        mutating func skipSpace() {
            while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
        }

        func peek() -> UInt8? { i < bytes.count ? bytes[i] : nil }

        mutating func expect(_ literal: String) throws {
            for b in literal.utf8 {
                guard peek() == b else { throw fail("expected \"\(literal)\"") }
                i += 1
            }
        }

        mutating func value(depth: Int) throws -> JSONValue {
            guard depth < JSONParser.maxDepth else { throw fail("nested deeper than \(JSONParser.maxDepth) levels") }
            guard valuesLeft > 0 else { throw fail("more values than the limit for this file") }
            valuesLeft -= 1
            guard let c = peek() else { throw fail("unexpected end of input") }
            switch c {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "n"): try expect("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            default:
                throw fail(c >= 0x20 && c < 0x7F ? "unexpected character '\(Unicode.Scalar(c))'"
                                                 : "unexpected byte 0x\(String(c, radix: 16, uppercase: true))")
            }
        }

        mutating func object(depth: Int) throws -> JSONValue {
            i += 1
            var members: [(String, JSONValue)] = []
            var keys = Set<String>()
            skipSpace()
            if peek() == UInt8(ascii: "}") { i += 1; return .object(members) }
            while true {
                skipSpace()
                guard peek() == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                let start = i
                let key = try string()
                guard keys.insert(key).inserted else {
                    throw JSONParseError(offset: start, reason: "duplicate key \"\(key)\"")
                }
                skipSpace()
                guard peek() == UInt8(ascii: ":") else { throw fail("expected ':'") }
                i += 1
                skipSpace()
                members.append((key, try value(depth: depth + 1)))
                skipSpace()
                guard let c = peek() else { throw fail("unterminated object") }
                i += 1
                if c == UInt8(ascii: "}") { return .object(members) }
                guard c == UInt8(ascii: ",") else { i -= 1; throw fail("expected ',' or '}'") }
            }
        }

        mutating func array(depth: Int) throws -> JSONValue {
            i += 1
            var items: [JSONValue] = []
            skipSpace()
            if peek() == UInt8(ascii: "]") { i += 1; return .array(items) }
            while true {
                skipSpace()
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard let c = peek() else { throw fail("unterminated array") }
                i += 1
                if c == UInt8(ascii: "]") { return .array(items) }
                guard c == UInt8(ascii: ",") else { i -= 1; throw fail("expected ',' or ']'") }
            }
        }

        mutating func hex4() throws -> UInt32 {
            var v: UInt32 = 0
            for _ in 0..<4 {
                guard let c = peek() else { throw fail("unterminated \\u escape") }
                let d: UInt32
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
                default: throw fail("bad hex digit in \\u escape")
                }
                v = v << 4 | d
                i += 1
            }
            return v
        }

        mutating func string() throws -> String {
            i += 1
            var out: [UInt8] = []
            while true {
                guard let c = peek() else { throw fail("unterminated string") }
                i += 1
                switch c {
                case UInt8(ascii: "\""):
                    // Validate UTF-8 strictly: a replacement character would hide corruption.
                    guard let s = String(validating: out, as: UTF8.self) else { throw fail("string is not valid UTF-8") }
                    return s
                case UInt8(ascii: "\\"):
                    guard let e = peek() else { throw fail("unterminated escape") }
                    i += 1
                    switch e {
                    case UInt8(ascii: "\""): out.append(0x22)
                    case UInt8(ascii: "\\"): out.append(0x5C)
                    case UInt8(ascii: "/"): out.append(0x2F)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var code = try hex4()
                        if (0xD800...0xDBFF).contains(code) {
                            guard peek() == UInt8(ascii: "\\") else { throw fail("lone high surrogate") }
                            i += 1
                            guard peek() == UInt8(ascii: "u") else { throw fail("lone high surrogate") }
                            i += 1
                            let low = try hex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw fail("bad low surrogate") }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00...0xDFFF).contains(code) {
                            throw fail("lone low surrogate")
                        }
                        out.append(contentsOf: Array(String(Unicode.Scalar(code)!).utf8))
                    default: throw fail("unknown escape")
                    }
                case 0..<0x20: i -= 1; throw fail("control character in string")
                default: out.append(c)
                }
            }
        }

        mutating func number() throws -> JSONValue {
            let start = i
            if peek() == UInt8(ascii: "-") { i += 1 }
            func isDigit(_ c: UInt8?) -> Bool { c.map { (0x30...0x39).contains($0) } ?? false }
            guard isDigit(peek()) else { throw fail("expected a digit") }
            if peek() == UInt8(ascii: "0") { i += 1 } else { while isDigit(peek()) { i += 1 } }
            var integral = true
            if peek() == UInt8(ascii: ".") {
                integral = false; i += 1
                guard isDigit(peek()) else { throw fail("expected a digit after '.'") }
                while isDigit(peek()) { i += 1 }
            }
            if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
                integral = false; i += 1
                if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { i += 1 }
                guard isDigit(peek()) else { throw fail("expected a digit in the exponent") }
                while isDigit(peek()) { i += 1 }
            }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            if integral, let v = Int64(text) { return .int(v) }
            guard let d = Double(text) else { throw JSONParseError(offset: start, reason: "bad number") }
            return .double(d)
        }
    }
}
