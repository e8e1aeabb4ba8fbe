// The scanner's output: one token per word, literal or punctuation, each with its location.

public enum TokenKind: Sendable, Equatable {
    /// A name or a word of a step name: letters, digits, `_`, inner `-`, trailing primes (`b'`, `a''`).
    case identifier
    case string
    case number
    case trueLiteral
    case falseLiteral
    case equal
    case colon
    case comma
    case leftBracket
    case rightBracket
    case leftParen
    case rightParen
    /// `..` between the ends of a range.
    case dotDot
    case newline
    case endOfFile
}

public struct Token: Sendable, CustomStringConvertible {
    public var kind: TokenKind
    /// The exact source text of the token.
    public var lexeme: String
    public var location: SourceLocation
    public var file: SourceFile
    /// Decoded contents of a string literal; the value of a number literal.
    public var stringValue: String = ""
    public var numberValue: Double = 0

    public init(kind: TokenKind, lexeme: String, location: SourceLocation, file: SourceFile) {
        self.kind = kind
        self.lexeme = lexeme
        self.location = location
        self.file = file
    }

    public var span: SourceSpan { SourceSpan(file: file, location: location, length: max(1, lexeme.count)) }

    public var description: String {
        switch kind {
        case .newline: return "end of line"
        case .endOfFile: return "end of file"
        case .string: return "string \(lexeme)"
        case .number: return "number \(lexeme)"
        default: return "'\(lexeme)'"
        }
    }
}
