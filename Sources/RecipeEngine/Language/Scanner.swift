// Scanner: recipe text -> tokens. Newlines end statements (the parser lets lists span lines). `#` starts a comment that runs to the end of the line.

public struct Scanner {
    private let file: SourceFile
    private let scalars: [Unicode.Scalar]
    private var start = 0
    private var current = 0
    private var line = 1
    private var column = 1
    private var offset = 0
    private var startLocation = SourceLocation(line: 1, column: 1, offset: 0)
    private var tokens: [Token] = []
    private var diagnostics = Diagnostics()

    public init(file: SourceFile) {
        self.file = file
        self.scalars = Array(file.text.unicodeScalars)
    }

    /// All tokens (ending with `.endOfFile`) and the lexical errors found on the way.
    public mutating func scan() -> (tokens: [Token], diagnostics: Diagnostics) {
        while !isAtEnd {
            start = current
            startLocation = SourceLocation(line: line, column: column, offset: offset)
            scanToken()
        }
        startLocation = SourceLocation(line: line, column: column, offset: offset)
        if tokens.last.map({ $0.kind != .newline }) ?? false {
            tokens.append(Token(kind: .newline, lexeme: "", location: startLocation, file: file))
        }
        tokens.append(Token(kind: .endOfFile, lexeme: "", location: startLocation, file: file))
        return (tokens, diagnostics)
    }

    private var isAtEnd: Bool { current >= scalars.count }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        current + ahead < scalars.count ? scalars[current + ahead] : nil
    }

    @discardableResult
    private mutating func advance() -> Unicode.Scalar {
        let c = scalars[current]
        current += 1
        offset += c.value < 0x80 ? 1 : c.value < 0x800 ? 2 : c.value < 0x10000 ? 3 : 4
        if c == "\n" { line += 1; column = 1 } else { column += 1 }
        return c
    }

    private var lexeme: String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars[start..<current])
        return String(s)
    }

    private mutating func add(_ kind: TokenKind) -> Token {
        let token = Token(kind: kind, lexeme: lexeme, location: startLocation, file: file)
        tokens.append(token)
        return token
    }

    private mutating func error(_ message: String, length: Int = 1) {
        diagnostics.error(message, at: SourceSpan(file: file, location: startLocation, length: length))
    }

    private mutating func scanToken() {
        let c = advance()
        switch c {
        case " ", "\t", "\r": break
        case "\n":
            // The parser skips newlines inside lists itself, so an unclosed '[' cannot swallow the file.
            if let last = tokens.last, last.kind != .newline { _ = add(.newline) }
        case "#":
            while let n = peek(), n != "\n" { advance() }
        case "=": _ = add(.equal)
        case ":": _ = add(.colon)
        case ",": _ = add(.comma)
        case "[": _ = add(.leftBracket)
        case "]": _ = add(.rightBracket)
        case "(": _ = add(.leftParen)
        case ")": _ = add(.rightParen)
        case ".":
            if peek() == "." { advance(); _ = add(.dotDot) } else { error("unexpected '.'") }
        case "\"": scanString()
        case "-":
            if let n = peek(), Self.isDigit(n) { scanNumber() } else { error("unexpected '-'") }
        default:
            if Self.isDigit(c) {
                scanNumber()
            } else if Self.isLetter(c) || c == "_" {
                scanIdentifier()
            } else {
                let shown = c.isASCII && c.value >= 32 ? "'\(c)'" : "character U+\(String(c.value, radix: 16, uppercase: true))"
                error("unexpected \(shown)")
            }
        }
    }

    private mutating func scanString() {
        var value = String.UnicodeScalarView()
        while let c = peek(), c != "\"" {
            if c == "\n" { break }
            advance()
            if c == "\\" {
                guard let e = peek(), e != "\n" else { break }
                advance()
                switch e {
                case "n": value.append("\n")
                case "t": value.append("\t")
                case "\"": value.append("\"")
                case "\\": value.append("\\")
                default:
                    error("unknown escape '\\\(e)' in string (use \\\\, \\\", \\n or \\t)")
                }
            } else {
                value.append(c)
            }
        }
        guard peek() == "\"" else {
            error("unterminated string (a string ends with \" on the same line)", length: current - start)
            _ = add(.string)
            return
        }
        advance()
        var token = add(.string)
        token.stringValue = String(value)
        tokens[tokens.count - 1] = token
    }

    private mutating func scanNumber() {
        while let c = peek(), Self.isDigit(c) { advance() }
        // A '.' belongs to the number only when a digit follows: `1..4` is a range.
        if peek() == ".", let d = peek(1), Self.isDigit(d) {
            advance()
            while let c = peek(), Self.isDigit(c) { advance() }
        }
        if let e = peek(), e == "e" || e == "E" {
            var ahead = 1
            if let s = peek(1), s == "+" || s == "-" { ahead = 2 }
            if let d = peek(ahead), Self.isDigit(d) {
                for _ in 0..<ahead { advance() }
                while let c = peek(), Self.isDigit(c) { advance() }
            }
        }
        if let c = peek(), Self.isLetter(c) || c == "_" {
            while let c = peek(), Self.isLetter(c) || Self.isDigit(c) || c == "_" { advance() }
            error("malformed number '\(lexeme)'", length: current - start)
            _ = add(.number)   // keep the token so the parser does not report the line again
            return
        }
        let text = lexeme
        guard let value = Double(text), value.isFinite else {
            error("number '\(text.prefix(40))' is out of range", length: current - start)
            _ = add(.number)
            return
        }
        var token = add(.number)
        token.numberValue = value
        tokens[tokens.count - 1] = token
    }

    private mutating func scanIdentifier() {
        while let c = peek() {
            if Self.isLetter(c) || Self.isDigit(c) || c == "_" {
                advance()
            } else if c == "-", let n = peek(1), Self.isLetter(n) || Self.isDigit(n) {
                advance()   // inner hyphen: `top-k`, `torch-cpu`
            } else {
                break
            }
        }
        while peek() == "'" { advance() }   // primes: a', b''
        switch lexeme {
        case "true": _ = add(.trueLiteral)
        case "false": _ = add(.falseLiteral)
        default: _ = add(.identifier)
        }
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
    static func isLetter(_ c: Unicode.Scalar) -> Bool { (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") }
}
