// The order bindings are computed in, found with an explicit stack: a chain of thousands of names
// (`x1 = x2`, ... or `x1 = [x2]`, ...) is computed deepest first, so evaluating one binding never
// recurses into another and the call depth does not follow the input's size.

extension Evaluator {
    /// The uncomputed bindings `name` depends on, each after its own dependencies, in the order the
    /// recursive evaluation would reach them (so side effects and first errors are unchanged).
    func uncomputedDependencies(of name: String) -> [String] {
        var order: [String] = []
        var entered: Set<String> = [name]
        var path: [[Token]] = [uses(of: name).reversed()]
        var names: [String] = [name]
        while !path.isEmpty {
            if let use = path[path.count - 1].popLast() {
                let next = use.lexeme
                guard !isComputed(next), program.bindings[next] != nil, entered.insert(next).inserted else { continue }
                path.append(uses(of: next).reversed())
                names.append(next)
            } else {
                path.removeLast()
                let done = names.removeLast()
                if !path.isEmpty { order.append(done) }
            }
        }
        return order
    }

    private func uses(of name: String) -> [Token] {
        guard let index = program.bindings[name] else { return [] }
        return Checker.dependencies(of: program.statements[index], call: program.calls[index])
    }
}
