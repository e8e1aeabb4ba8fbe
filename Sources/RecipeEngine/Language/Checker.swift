// Checker (the resolver stage): everything that can be known before running. Unknown steps and
// names (with "did you mean"), names bound twice, cycles, argument names/counts/types against each
// step's signature (with list broadcasting), string choices and missing input files.
import Foundation

/// A step call with its arguments matched to the step's parameters.
public struct ResolvedCall: Sendable {
    public var step: StepDefinition
    public var call: StepCall
    /// Parameter name -> the expression given for it (defaults are not listed).
    public var arguments: [String: Expr]
}

/// A checked recipe: statements plus the side tables the evaluator needs.
public struct CheckedProgram: Sendable {
    public var statements: [Statement]
    public var seed: UInt64
    /// Binding name -> index into `statements`.
    public var bindings: [String: Int]
    /// Statement index -> its resolved call (bindings and bare steps).
    public var calls: [Int: ResolvedCall]
    /// Binding name -> static type.
    public var types: [String: ValueType]
    /// Param names in source order.
    public var params: [String]
    /// Bare statements (outputs) in source order.
    public var effects: [Int]
}

public struct Checker {
    private let statements: [Statement]
    private let library: StepLibrary
    private var diagnostics = Diagnostics()
    private var bindings: [String: Int] = [:]
    private var calls: [Int: ResolvedCall] = [:]
    private var types: [String: ValueType] = [:]
    private var inProgress: [String] = []

    public init(statements: [Statement], library: StepLibrary = .standard) {
        self.statements = statements
        self.library = library
    }

    public static func check(_ statements: [Statement], library: StepLibrary = .standard,
                             warnUnused: Bool = true) -> (CheckedProgram, Diagnostics) {
        var checker = Checker(statements: statements, library: library)
        return checker.run(warnUnused: warnUnused)
    }

    mutating func run(warnUnused: Bool) -> (CheckedProgram, Diagnostics) {
        var seed: UInt64 = 0
        var seedToken: Token?
        var params: [String] = []
        var effects: [Int] = []
        for (index, statement) in statements.enumerated() {
            switch statement {
            case .seed(let keyword, let value):
                if let previous = seedToken {
                    diagnostics.error("the seed is already set at \(previous.location)", at: keyword.span)
                }
                seedToken = keyword
                if let parsed = WholeNumber.seed(value.numberValue) {
                    seed = parsed
                } else {
                    diagnostics.error(WholeNumber.seedRule, at: value.span)
                }
            case .include(let keyword, _):
                diagnostics.error("include was not expanded", at: keyword.span)
            case .run, .expression:
                effects.append(index)
            case .param(_, let name, _):
                params.append(name.lexeme)
            default:
                break
            }
            if let name = statement.boundName {
                if let previous = bindings[name.lexeme] {
                    let where_ = statements[previous].token
                    diagnostics.error("'\(Echo.short(name.lexeme))' is already bound at \(where_.file.name):\(where_.location) (a name is bound once)",
                                      at: name.span)
                } else {
                    if library.stepWords.contains(name.lexeme) || ["seed", "param", "include"].contains(name.lexeme) {
                        diagnostics.error("'\(Echo.short(name.lexeme))' is a step or keyword; choose another name", at: name.span)
                    }
                    bindings[name.lexeme] = index   // bound anyway, so its uses do not report again
                }
            }
        }
        for (index, statement) in statements.enumerated() {
            switch statement {
            case .bind(_, let call), .run(let call):
                if let resolved = resolve(call) { calls[index] = resolved }
            default:
                break
            }
        }
        for name in bindings.keys.sorted() { typeBindings(from: name) }
        for index in effects {
            switch statements[index] {
            case .run: _ = typeOfCall(at: index)
            case .expression(let e): _ = type(of: e)
            default: break
            }
        }
        if warnUnused { warnAboutUnused(effects: effects) }
        let program = CheckedProgram(statements: statements, seed: seed, bindings: bindings, calls: calls,
                                     types: types, params: params, effects: effects)
        return (program, diagnostics)
    }

    // MARK: steps and arguments

    private mutating func resolve(_ call: StepCall) -> ResolvedCall? {
        guard let step = library.step(named: call.name) else {
            var message = "unknown step '\(Echo.short(call.name))'"
            var candidates = [call.name]
            if !call.followingWords.isEmpty {
                for n in 1...call.followingWords.count {
                    candidates.append(([call.name] + call.followingWords.prefix(n)).joined(separator: " "))
                }
            }
            var best: (String, Int)?
            for candidate in candidates {
                if let hit = Suggestions.closest(to: candidate, in: library.names) {
                    let d = Suggestions.distance(candidate, hit)
                    if d < (best?.1 ?? Int.max) { best = (hit, d) }
                }
            }
            if let best { message += " (did you mean '\(best.0)'?)" }
            diagnostics.error(message, at: call.token.span)
            return nil
        }
        var arguments: [String: Expr] = [:]
        let positional = step.parameters.filter(\.positional)
        var nextPositional = 0
        for argument in call.arguments {
            if let label = argument.label {
                guard let parameter = step.parameter(named: label.lexeme) else {
                    var message = "'\(step.name)' has no argument '\(Echo.short(label.lexeme))'"
                    if let hit = Suggestions.closest(to: label.lexeme, in: step.parameters.map(\.name)) {
                        message += " (did you mean '\(hit)'?)"
                    }
                    diagnostics.error(message, at: label.span)
                    continue
                }
                if arguments[parameter.name] != nil {
                    diagnostics.error("argument '\(parameter.name)' is given twice", at: label.span)
                    continue
                }
                arguments[parameter.name] = argument.value
            } else {
                while nextPositional < positional.count, arguments[positional[nextPositional].name] != nil {
                    nextPositional += 1
                }
                guard nextPositional < positional.count else {
                    diagnostics.error("too many arguments for '\(step.name)' (usage: \(step.signature))",
                                      at: argument.value.token.span)
                    continue
                }
                arguments[positional[nextPositional].name] = argument.value
                nextPositional += 1
            }
        }
        for parameter in step.parameters where !parameter.isOptional && arguments[parameter.name] == nil {
            diagnostics.error("'\(step.name)' needs its argument \(parameter.name.uppercased()) (usage: \(step.signature))",
                              at: call.span)
        }
        return ResolvedCall(step: step, call: call, arguments: arguments)
    }

    // MARK: types

    private mutating func type(ofBinding name: String, at use: Token?) -> ValueType {
        if let known = types[name] { return known }
        guard let index = bindings[name] else { return .any }
        if let cycleStart = inProgress.firstIndex(of: name) {
            let cycle = (inProgress[cycleStart...] + [name]).joined(separator: " -> ")
            diagnostics.error("'\(name)' depends on itself (\(cycle))", at: (use ?? statements[index].token).span)
            types[name] = .any
            return .any
        }
        inProgress.append(name)
        let result: ValueType
        switch statements[index] {
        case .param(_, _, let value), .alias(_, let value): result = type(of: value)
        case .bind: result = typeOfCall(at: index)
        default: result = .any
        }
        inProgress.removeLast()
        types[name] = result
        return result
    }

    /// Types `root` and every binding it depends on, deepest first, with an explicit stack: a chain
    /// of thousands of names (`x1 = x2`, `x2 = x3`, ...) costs memory, not call depth. Each binding is
    /// then typed by `type(ofBinding:)` with its dependencies known, so that recursion stays one level.
    /// Dependencies are visited in the order the recursive typing would meet them (same messages).
    private mutating func typeBindings(from root: String) {
        guard types[root] == nil, bindings[root] != nil else { return }
        var path: [(name: String, uses: [Token])] = [(root, dependencies(of: root).reversed())]
        while !path.isEmpty {
            if let use = path[path.count - 1].uses.popLast() {
                let name = use.lexeme
                guard types[name] == nil, bindings[name] != nil else { continue }
                if let cycleStart = path.firstIndex(where: { $0.name == name }) {
                    let cycle = (path[cycleStart...].map(\.name) + [name]).joined(separator: " -> ")
                    diagnostics.error("'\(name)' depends on itself (\(cycle))", at: use.span)
                    types[name] = .any
                    continue
                }
                path.append((name, dependencies(of: name).reversed()))
            } else {
                let name = path.removeLast().name
                // A cycle marked it .any for the bindings inside the cycle; now its own type (as the
                // recursive typing did, which overwrote the mark when it returned).
                types[name] = nil
                _ = type(ofBinding: name, at: nil)
            }
        }
    }

    private func dependencies(of name: String) -> [Token] {
        guard let index = bindings[name] else { return [] }
        return Self.dependencies(of: statements[index], call: calls[index])
    }

    /// The names a binding's value reads, in evaluation order (a call's in parameter order); the
    /// checker and the evaluator both walk bindings in this order.
    static func dependencies(of statement: Statement, call: ResolvedCall?) -> [Token] {
        switch statement {
        case .param(_, _, let value), .alias(_, let value): return nameTokens(in: value)
        case .bind:
            guard let resolved = call else { return [] }
            return resolved.step.parameters.flatMap { parameter in
                resolved.arguments[parameter.name].map(nameTokens) ?? []
            }
        default: return []
        }
    }

    static func nameTokens(in e: Expr) -> [Token] {
        switch e {
        case .name(let t): return [t]
        case .list(let items, _): return items.flatMap(nameTokens)
        case .range(let a, let b, let c, _): return nameTokens(in: a) + nameTokens(in: b) + (c.map(nameTokens) ?? [])
        default: return []
        }
    }

    /// How many list levels a type has, counted without recursion.
    static func listDepth(_ t: ValueType) -> Int {
        var depth = 0
        var current = t
        while case .list(let element) = current {
            depth += 1
            current = element
        }
        return depth
    }

    private mutating func type(of e: Expr) -> ValueType {
        switch e {
        case .number(let x, _): return WholeNumber.isWhole(x) ? .integer : .number
        case .string: return .string
        case .bool: return .bool
        case .name(let token):
            guard bindings[token.lexeme] != nil else {
                var message = "unknown name '\(Echo.short(token.lexeme))'"
                if let hit = Suggestions.closest(to: token.lexeme, in: Array(bindings.keys)) {
                    message += " (did you mean '\(hit)'?)"
                } else if library.stepWords.contains(token.lexeme) {
                    message += " (steps start a line: bind the step to a name first)"
                }
                diagnostics.error(message, at: token.span)
                return .any
            }
            return type(ofBinding: token.lexeme, at: token)
        case .list(let items, open: let open):
            let result = ValueType.list(ValueType.join(items.map { type(of: $0) }))
            // Names can stack lists deeper than the parser's limit (`x1 = [x2]`, `x2 = [x3]`, ...):
            // the same limit holds for the value, so nothing downstream recurses without bound.
            if Self.listDepth(result) > Parser.maxNesting {
                diagnostics.error("lists nested too deeply (at most \(Parser.maxNesting) levels, counting those reached through names)",
                                  at: open.span)
                return .any
            }
            return result
        case .range(let start, let end, let step, _):
            var all = [start, end]
            if let step { all.append(step) }
            var elementType = ValueType.integer
            for part in all {
                let t = type(of: part)
                if !ValueType.number.accepts(t) {
                    diagnostics.error("a range needs numbers, got \(t)", at: part.token.span)
                }
                if t != .integer { elementType = .number }
            }
            return .list(elementType)
        }
    }

    private mutating func typeOfCall(at index: Int) -> ValueType {
        guard let resolved = calls[index] else { return .any }
        var depth = 0
        var argumentTypes: [String: ValueType] = [:]
        for parameter in resolved.step.parameters {
            guard let expr = resolved.arguments[parameter.name] else { continue }
            let actual = type(of: expr)
            argumentTypes[parameter.name] = Self.unwrap(actual, parameter.type.broadcastDepth(for: actual) ?? 0)
            guard let d = parameter.type.broadcastDepth(for: actual) else {
                diagnostics.error("argument '\(parameter.name)' of '\(resolved.step.name)' expects \(parameter.type), got \(actual)",
                                  at: expr.token.span)
                continue
            }
            depth = max(depth, d)
            checkLiteral(expr, for: parameter, step: resolved.step)
        }
        let result = resolved.step.refineResult?(argumentTypes) ?? resolved.step.result
        return result == .nothing ? .nothing : result.wrapped(inLists: depth)
    }

    /// The element type `depth` list levels down.
    static func unwrap(_ t: ValueType, _ depth: Int) -> ValueType {
        guard depth > 0 else { return t }
        if case .list(let element) = t { return unwrap(element, depth - 1) }
        return .any
    }

    /// Choices, whole numbers and input files, for arguments whose value is known now.
    private mutating func checkLiteral(_ expr: Expr, for parameter: StepParameter, step: StepDefinition) {
        guard let value = literalValue(expr, depth: 0) else { return }
        for leaf in Self.leaves(value) {
            switch leaf {
            case .number(let x) where parameter.type == .integer && parameter.name == "seed" && step.usesRandomness:
                // The same rule and words as the `seed` header line.
                if WholeNumber.seed(x) == nil {
                    diagnostics.error("argument 'seed' of '\(step.name)': \(WholeNumber.seedRule)", at: expr.token.span)
                    return
                }
            case .number(let x) where parameter.type == .integer:
                if !WholeNumber.isWhole(x) {
                    diagnostics.error("argument '\(parameter.name)' of '\(step.name)' must be a whole number, got \(Printer.number(x))",
                                      at: expr.token.span)
                    return
                }
            case .string(let s):
                if let choices = parameter.choices, !choices.contains(s) {
                    var message = "argument '\(parameter.name)' of '\(step.name)' must be one of \(choices.map { "\"\($0)\"" }.joined(separator: ", ")), got \"\(s)\""
                    if let hit = Suggestions.closest(to: s, in: choices) { message += " (did you mean \"\(hit)\"?)" }
                    diagnostics.error(message, at: expr.token.span)
                    return
                }
                // C file calls would stop at the NUL and open (or write) another file.
                if parameter.role != .plain, s.utf8.contains(0) {
                    diagnostics.error("argument '\(parameter.name)' of '\(step.name)': the file name contains a NUL byte",
                                      at: expr.token.span)
                    return
                }
                if parameter.role == .inputFile || (parameter.role == .weightsReference && StepLibrary.looksLikePath(s)) {
                    let path = Paths.join(expr.token.file.directory, s)
                    if !FileManager.default.fileExists(atPath: path) {
                        diagnostics.error("file not found: \(path)", at: expr.token.span, category: .missingInput)
                        return
                    }
                }
            default:
                break
            }
        }
    }

    /// The value of an expression made only of literals (following names bound to literals).
    private func literalValue(_ e: Expr, depth: Int) -> Value? {
        guard depth < 64 else { return nil }
        switch e {
        case .number(let x, _): return .number(x)
        case .string(let s, _): return .string(s)
        case .bool(let b, _): return .bool(b)
        case .list(let items, _):
            let values = items.compactMap { literalValue($0, depth: depth + 1) }
            return values.count == items.count ? .list(values) : nil
        case .range: return nil
        case .name(let token):
            guard let index = bindings[token.lexeme] else { return nil }
            switch statements[index] {
            case .param(_, _, let value), .alias(_, let value): return literalValue(value, depth: depth + 1)
            default: return nil
            }
        }
    }

    static func leaves(_ v: Value) -> [Value] {
        if case .list(let items) = v { return items.flatMap(leaves) }
        return [v]
    }

    // MARK: unused bindings

    private mutating func warnAboutUnused(effects: [Int]) {
        guard !statements.isEmpty else { return }
        if effects.isEmpty {
            diagnostics.warning("nothing to do: the recipe has no save, show or other output line", at: nil)
            return
        }
        var used = Set<String>()
        var stack: [Int] = effects
        var seen = Set<Int>()
        while let index = stack.popLast() {
            guard seen.insert(index).inserted else { continue }
            for name in Self.names(in: statements[index]) where !used.contains(name) {
                used.insert(name)
                if let b = bindings[name] { stack.append(b) }
            }
        }
        for (name, index) in bindings.sorted(by: { $0.value < $1.value }) where !used.contains(name) {
            if case .param = statements[index] { continue }
            diagnostics.warning("'\(name)' is never used (it will not be computed)", at: statements[index].token.span)
        }
    }

    static func names(in statement: Statement) -> [String] {
        switch statement {
        case .param(_, _, let e), .alias(_, let e), .expression(let e): return names(in: e)
        case .bind(_, let call), .run(let call): return call.arguments.flatMap { names(in: $0.value) }
        default: return []
        }
    }

    static func names(in e: Expr) -> [String] { nameTokens(in: e).map(\.lexeme) }
}
