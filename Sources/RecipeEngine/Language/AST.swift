// The syntax tree: what the parser builds and the checker, evaluator and printer read.

/// An argument or a right-hand side that is not a step call.
public indirect enum Expr: Sendable {
    case number(Double, Token)
    case string(String, Token)
    case bool(Bool, Token)
    /// A reference to a binding or a param.
    case name(Token)
    /// `[e1, e2, ...]`; the token is the opening bracket.
    case list([Expr], open: Token)
    /// `start..end` or `start..end step s` (inclusive both ends); the token is `..`.
    case range(start: Expr, end: Expr, step: Expr?, op: Token)

    /// The token diagnostics point at.
    public var token: Token {
        switch self {
        case .number(_, let t), .string(_, let t), .bool(_, let t), .name(let t): return t
        case .list(_, let open): return open
        case .range(let start, _, _, _): return start.token
        }
    }
}

/// `value` or `label: value`.
public struct CallArgument: Sendable {
    public var label: Token?
    public var value: Expr
}

/// `step words  positional...  label: value...`
public struct StepCall: Sendable {
    /// The step's full name ("load image"); for an unknown step, its first word.
    public var name: String
    /// The tokens that spell the name.
    public var nameTokens: [Token]
    public var arguments: [CallArgument]
    /// For an unknown step: the identifiers that followed its first word (for "did you mean").
    public var followingWords: [String] = []

    public var token: Token { nameTokens[0] }
    public var span: SourceSpan {
        let first = nameTokens[0], last = nameTokens[nameTokens.count - 1]
        return SourceSpan(file: first.file, location: first.location,
                          length: last.location.offset - first.location.offset + last.lexeme.count)
    }
}

public enum Statement: Sendable {
    /// `seed N`: the recipe seed (0 when absent).
    case seed(keyword: Token, value: Token)
    /// `param name = literal`: a binding that `--set name=value` may override.
    case param(keyword: Token, name: Token, value: Expr)
    /// `include "file.recipe"`: the statements of another recipe, inlined here.
    case include(keyword: Token, path: Token)
    /// `name = step ...`
    case bind(name: Token, call: StepCall)
    /// `name = expression` (a literal, list, range or another name).
    case alias(name: Token, value: Expr)
    /// A bare step: `save b' "out.png"`, `show mix`, `assert ...`.
    case run(StepCall)
    /// A bare expression: shown, as `show` would.
    case expression(Expr)

    public var token: Token {
        switch self {
        case .seed(let k, _), .param(let k, _, _), .include(let k, _): return k
        case .bind(let n, _), .alias(let n, _): return n
        case .run(let call): return call.token
        case .expression(let e): return e.token
        }
    }

    /// The name this statement binds, if any.
    public var boundName: Token? {
        switch self {
        case .param(_, let name, _), .bind(let name, _), .alias(let name, _): return name
        default: return nil
        }
    }
}
