// Which statements use which names: what the REPL recomputes when a name is rebound, refuses to
// unbind, and prints for `:deps`. Walks are iterative (worklists), so long chains cost no stack.

extension Expr {
    /// The names this expression refers to, in order of appearance (repeats kept once).
    public var referencedNames: [String] {
        var names: [String] = []
        var seen = Set<String>()
        var pending: [Expr] = [self]
        while let e = pending.popLast() {
            switch e {
            case .name(let token):
                if seen.insert(token.lexeme).inserted { names.append(token.lexeme) }
            case .list(let items, _):
                pending.append(contentsOf: items.reversed())
            case .range(let start, let end, let step, _):
                if let step { pending.append(step) }
                pending.append(end)
                pending.append(start)
            case .number, .string, .bool:
                break
            }
        }
        return names
    }
}

extension Statement {
    /// The names this statement reads (its arguments or right-hand side), once each, in order.
    public var referencedNames: [String] {
        let expressions: [Expr]
        switch self {
        case .bind(_, let call), .run(let call): expressions = call.arguments.map(\.value)
        case .param(_, _, let e), .alias(_, let e), .expression(let e): expressions = [e]
        case .seed, .include: expressions = []
        }
        var names: [String] = []
        for name in expressions.flatMap(\.referencedNames) where !names.contains(name) { names.append(name) }
        return names
    }
}

/// The use graph of a list of statements: binding names and statement indices.
public struct DependencyGraph {
    public let statements: [Statement]
    /// Binding name -> index of the statement that binds it.
    public let bindings: [String: Int]
    /// Binding name -> indices of the statements that refer to it directly.
    private let users: [String: [Int]]

    public init(_ statements: [Statement]) {
        self.statements = statements
        var bindings: [String: Int] = [:]
        var users: [String: [Int]] = [:]
        for (index, statement) in statements.enumerated() {
            if let name = statement.boundName?.lexeme { bindings[name] = index }
            for name in statement.referencedNames { users[name, default: []].append(index) }
        }
        self.bindings = bindings
        self.users = users
    }

    /// The names `name`'s definition reads directly.
    public func uses(of name: String) -> [String] {
        guard let index = bindings[name] else { return [] }
        return statements[index].referencedNames
    }

    /// Every statement that depends on any of `names`, directly or through other bindings, in source
    /// order (the statements binding `names` themselves are not included unless a cycle leads back).
    public func dependents(of names: [String]) -> [Int] {
        var found = Set<Int>()
        var pending = names
        var visited = Set(names)
        while let name = pending.popLast() {
            for index in users[name] ?? [] where found.insert(index).inserted {
                if let bound = statements[index].boundName?.lexeme, visited.insert(bound).inserted {
                    pending.append(bound)
                }
            }
        }
        return found.sorted()
    }
}
