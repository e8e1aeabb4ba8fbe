// Printer: statements back to canonical recipe text (one spacing, one number format). The
// normalised recipe in provenance and the REPL's `:save` both come from here.

public enum Printer {
    public static func number(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }

    public static func string(_ s: String) -> String {
        var out = "\""
        for c in s {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.append(c)
            }
        }
        return out + "\""
    }

    public static func expression(_ e: Expr) -> String {
        switch e {
        case .number(let x, _): return number(x)
        case .string(let s, _): return string(s)
        case .bool(let b, _): return b ? "true" : "false"
        case .name(let t): return t.lexeme
        case .list(let items, _): return "[" + items.map(expression).joined(separator: ", ") + "]"
        case .range(let start, let end, let step, _):
            return expression(start) + ".." + expression(end) + (step.map { " step " + expression($0) } ?? "")
        }
    }

    public static func call(_ c: StepCall) -> String {
        var parts = [c.name]
        for argument in c.arguments {
            let value = expression(argument.value)
            parts.append(argument.label.map { "\($0.lexeme): \(value)" } ?? value)
        }
        return parts.joined(separator: " ")
    }

    public static func statement(_ s: Statement) -> String {
        switch s {
        case .seed(_, let value): return "seed \(value.lexeme)"
        case .param(_, let name, let value): return "param \(name.lexeme) = \(expression(value))"
        case .include(_, let path): return "include \(string(path.stringValue))"
        case .bind(let name, let c): return "\(name.lexeme) = \(call(c))"
        case .alias(let name, let value): return "\(name.lexeme) = \(expression(value))"
        case .run(let c): return call(c)
        case .expression(let e): return expression(e)
        }
    }

    public static func program(_ statements: [Statement]) -> String {
        statements.map(statement).joined(separator: "\n") + "\n"
    }

    /// A value as recipe text, when it has one (numbers, strings, booleans, lists of them).
    public static func literal(_ v: Value) -> String? { literal(v, maxLength: .max) }

    /// The same, or nil as soon as the text would be longer than `maxLength` characters (`show`
    /// asks for a short one: a list of a billion numbers is not printed to be thrown away).
    public static func literal(_ v: Value, maxLength: Int) -> String? {
        var out = ""
        return append(v, to: &out, maxLength: maxLength) ? out : nil
    }

    private static func append(_ v: Value, to out: inout String, maxLength: Int) -> Bool {
        switch v {
        case .number(let x): out += number(x)
        case .string(let s): out += string(s)
        case .bool(let b): out += b ? "true" : "false"
        case .list(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += ", " }
                guard append(item, to: &out, maxLength: maxLength) else { return false }
            }
            out += "]"
        default: return false
        }
        return out.utf8.count <= maxLength || out.count <= maxLength
    }
}
