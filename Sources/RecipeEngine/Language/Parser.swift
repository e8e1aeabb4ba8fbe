// Parser: tokens -> statements, one per line. On an error it reports, skips to the next line
// (`synchronize`) and goes on, so one run shows every syntax error.
//
// Step names may have several words ("load image"); the parser takes the longest known name at the
// start of a call. An unknown word there becomes an unknown step for the checker to explain.

public struct Parser {
    /// Deepest list nesting accepted (keeps recursion bounded on hostile input).
    public static let maxNesting = 32
    /// Most items in one list literal (as many as a range may have); each costs memory before any check.
    public static let maxListItems = Ranges.maxCount

    private let tokens: [Token]
    private var current = 0
    private let stepNames: [[String]]
    private var diagnostics = Diagnostics()

    public init(tokens: [Token], stepNames: [String]) {
        self.tokens = tokens
        // Longest first so "load image" wins over a hypothetical "load".
        self.stepNames = stepNames.map { $0.split(separator: " ").map(String.init) }
            .sorted { $0.count > $1.count }
    }

    /// Scans and parses a whole text.
    public static func parse(_ file: SourceFile, stepNames: [String]) -> (statements: [Statement], diagnostics: Diagnostics) {
        var scanner = Scanner(file: file)
        let (tokens, scanDiagnostics) = scanner.scan()
        var parser = Parser(tokens: tokens, stepNames: stepNames)
        let statements = parser.parse()
        var all = scanDiagnostics
        all.merge(parser.diagnostics)
        return (statements, all)
    }

    public mutating func parse() -> [Statement] {
        var statements: [Statement] = []
        while !check(.endOfFile) {
            if match(.newline) { continue }
            do {
                statements.append(try statement())
            } catch {
                synchronize()
            }
        }
        return statements
    }

    private struct ParseError: Error {}

    // MARK: statements

    private mutating func statement() throws -> Statement {
        let first = peek()
        if first.kind == .identifier, peek(1).kind != .equal {
            switch first.lexeme {
            case "seed":
                advance()
                let value = try consume(.number, "expected a whole number after 'seed'")
                try endOfStatement()
                return .seed(keyword: first, value: value)
            case "param":
                advance()
                let name = try consume(.identifier, "expected a parameter name after 'param'")
                try consume(.equal, "expected '=' after the parameter name")
                let value = try expression(depth: 0)
                try endOfStatement()
                return .param(keyword: first, name: name, value: value)
            case "include":
                advance()
                let path = try consume(.string, "expected a quoted file name after 'include'")
                try endOfStatement()
                return .include(keyword: first, path: path)
            default:
                break
            }
        }
        if first.kind == .identifier, peek(1).kind == .equal {
            advance(); advance()
            if check(.newline) || check(.endOfFile) {
                throw error(at: peek(), "expected a step or a value after '='")
            }
            let statement: Statement
            if let call = try callIfPresent() {
                statement = .bind(name: first, call: call)
            } else {
                statement = .alias(name: first, value: try expression(depth: 0))
            }
            try endOfStatement()
            return statement
        }
        if let call = try callIfPresent() {
            try endOfStatement()
            return .run(call)
        }
        let value = try expression(depth: 0)
        try endOfStatement()
        return .expression(value)
    }

    /// A step call if the line continues with a step name, or with an unknown word followed by more
    /// on the line (an unknown step); nil for a plain expression.
    private mutating func callIfPresent() throws -> StepCall? {
        guard check(.identifier) else { return nil }
        for words in stepNames where matchesWords(words) {
            var nameTokens: [Token] = []
            for _ in words { nameTokens.append(advance()) }
            return StepCall(name: words.joined(separator: " "), nameTokens: nameTokens, arguments: try arguments())
        }
        // A lone identifier is a name; an identifier with more after it is a call of an unknown step.
        if peek(1).kind == .newline || peek(1).kind == .endOfFile { return nil }
        let head = advance()
        var following: [String] = []
        var i = 0
        while peek(i).kind == .identifier, following.count < 2 { following.append(peek(i).lexeme); i += 1 }
        var call = StepCall(name: head.lexeme, nameTokens: [head], arguments: try arguments())
        call.followingWords = following
        return call
    }

    private func matchesWords(_ words: [String]) -> Bool {
        for (i, word) in words.enumerated() {
            let t = peek(i)
            guard t.kind == .identifier, t.lexeme == word else { return false }
        }
        // `show x` is a call, but in `x = sample` followed by ':' the word is a label: not here.
        return peek(words.count).kind != .colon
    }

    private mutating func arguments() throws -> [CallArgument] {
        var arguments: [CallArgument] = []
        while !check(.newline) && !check(.endOfFile) {
            if check(.identifier), peek(1).kind == .colon {
                let label = advance()
                advance()
                if check(.newline) || check(.endOfFile) {
                    throw error(at: peek(), "expected a value after '\(label.lexeme):'")
                }
                arguments.append(CallArgument(label: label, value: try expression(depth: 0)))
            } else {
                arguments.append(CallArgument(label: nil, value: try expression(depth: 0)))
            }
        }
        return arguments
    }

    // MARK: expressions

    private mutating func expression(depth: Int) throws -> Expr {
        let start = try primary(depth: depth)
        guard check(.dotDot) else { return start }
        let op = advance()
        let end = try primary(depth: depth)
        var step: Expr?
        if check(.identifier), peek().lexeme == "step" {
            advance()
            step = try primary(depth: depth)
        }
        return .range(start: start, end: end, step: step, op: op)
    }

    private mutating func primary(depth: Int) throws -> Expr {
        let token = peek()
        switch token.kind {
        case .number: advance(); return .number(token.numberValue, token)
        case .string: advance(); return .string(token.stringValue, token)
        case .trueLiteral: advance(); return .bool(true, token)
        case .falseLiteral: advance(); return .bool(false, token)
        case .identifier: advance(); return .name(token)
        case .leftBracket:
            guard depth < Self.maxNesting else { throw error(at: token, "lists nested too deeply (at most \(Self.maxNesting) levels)") }
            advance()
            var elements: [Expr] = []
            skipNewlines()
            while !check(.rightBracket) {
                if check(.endOfFile) { throw error(at: token, "unclosed '[' (expected ']')") }
                if elements.count == Self.maxListItems {
                    throw error(at: token, "a list may have at most \(Self.maxListItems) items (a range can hold more)")
                }
                elements.append(try expression(depth: depth + 1))
                // A list may continue on the next line only after a ',' or with its ']'.
                if check(.newline), [.comma, .rightBracket].contains(peekPastNewlines().kind) { skipNewlines() }
                if match(.comma) {
                    skipNewlines()
                } else if !check(.rightBracket) {
                    if check(.newline) || check(.endOfFile) { throw error(at: token, "unclosed '[' (expected ']' on this line or after a ',')") }
                    throw error(at: peek(), "expected ',' or ']' in the list, found \(peek())")
                }
            }
            advance()
            return .list(elements, open: token)
        case .leftParen, .rightParen:
            throw error(at: token, "parentheses are not part of the recipe language: bind the step to a name on its own line")
        case .newline, .endOfFile:
            throw error(at: token, "expected a value, found \(token)")
        default:
            throw error(at: token, "expected a value, found \(token)")
        }
    }

    // MARK: helpers

    private mutating func endOfStatement() throws {
        if check(.endOfFile) { return }
        if !match(.newline) {
            throw error(at: peek(), "expected the end of the line, found \(peek()) (one statement per line)")
        }
    }

    private mutating func synchronize() {
        while !check(.endOfFile) {
            if advance().kind == .newline { return }
        }
    }

    private func peek(_ ahead: Int = 0) -> Token {
        tokens[min(current + ahead, tokens.count - 1)]
    }

    private func check(_ kind: TokenKind) -> Bool { peek().kind == kind }

    private mutating func skipNewlines() {
        while check(.newline) { advance() }
    }

    private func peekPastNewlines() -> Token {
        var i = 0
        while peek(i).kind == .newline { i += 1 }
        return peek(i)
    }

    @discardableResult
    private mutating func advance() -> Token {
        let token = peek()
        if current < tokens.count - 1 { current += 1 }
        return token
    }

    private mutating func match(_ kind: TokenKind) -> Bool {
        guard check(kind) else { return false }
        advance()
        return true
    }

    @discardableResult
    private mutating func consume(_ kind: TokenKind, _ message: String) throws -> Token {
        if check(kind) { return advance() }
        throw error(at: peek(), message + ", found \(peek())")
    }

    private mutating func error(at token: Token, _ message: String) -> ParseError {
        diagnostics.error(message, at: token.span)
        return ParseError()
    }
}
