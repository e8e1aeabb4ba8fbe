// Static types: what the checker infers for each binding and what each step parameter takes.

public indirect enum ValueType: Sendable, Equatable, CustomStringConvertible {
    case number
    /// A number that must be whole (steps, seeds, sizes).
    case integer
    case string
    case bool
    case image
    case tensor
    case model
    case basis
    case query
    case mix
    case table
    /// What effect steps (save, show, assert) return.
    case nothing
    /// Unknown or anything (an empty list's elements; `show` takes any value).
    case any
    case list(ValueType)
    case either([ValueType])

    public var description: String {
        switch self {
        case .number: return "number"
        case .integer: return "integer"
        case .string: return "string"
        case .bool: return "bool"
        case .image: return "image"
        case .tensor: return "tensor"
        case .model: return "model"
        case .basis: return "basis"
        case .query: return "query"
        case .mix: return "mix"
        case .table: return "table"
        case .nothing: return "nothing"
        case .any: return "any value"
        case .list(let element): return "list of \(element.plural)"
        case .either(let options): return options.map(\.description).joined(separator: " or ")
        }
    }

    var plural: String {
        switch self {
        case .any: return "values"
        case .list: return "(\(description))"
        case .either: return "(\(description))"
        default: return description + "s"
        }
    }

    /// Whether a value of static type `actual` can be passed where `self` is expected, as is.
    public func accepts(_ actual: ValueType) -> Bool {
        switch (self, actual) {
        case (.any, _), (_, .any): return true
        case (.number, .integer), (.integer, .number): return true
        case (.either(let options), _): return options.contains { $0.accepts(actual) }
        case (_, .either(let options)): return options.allSatisfy { self.accepts($0) }
        case (.list(let e), .list(let a)): return e.accepts(a)
        default: return self == actual
        }
    }

    /// How many list levels must be mapped over for `actual` to fit `self` (nil: it never fits).
    public func broadcastDepth(for actual: ValueType) -> Int? {
        if accepts(actual) { return 0 }
        if case .list(let element) = actual, let inner = broadcastDepth(for: element) { return inner + 1 }
        return nil
    }

    public func wrapped(inLists depth: Int) -> ValueType {
        depth == 0 ? self : ValueType.list(self).wrapped(inLists: depth - 1)
    }

    /// The common type of list elements.
    static func join(_ types: [ValueType]) -> ValueType {
        guard var result = types.first else { return .any }
        for t in types.dropFirst() where t != result {
            if (result == .integer && t == .number) || (result == .number && t == .integer) { result = .number; continue }
            if case .list(let a) = result, case .list(let b) = t { result = .list(join([a, b])); continue }
            return .any
        }
        return result
    }
}
