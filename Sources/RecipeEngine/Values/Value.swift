// Runtime values: what bindings hold and steps take and return.
import Formats
import Pipeline
import TensorCore

/// Rows of cells with column names; saved as CSV or Markdown.
public struct TableValue: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[String]]

    public init(columns: [String], rows: [[String]]) {
        self.columns = columns
        self.rows = rows
    }
}

public enum Value: Sendable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case list([Value])
    case image(RGBImage)
    case tensor(Tensor)
    case model(LoadedModel)
    case basis(LoadedBasis)
    case query(Query)
    case mix(Mix)
    case table(TableValue)
    case nothing
    /// Only inside a `--shard` run: an element another shard computes (Sharding.swift). Steps never see it:
    /// a step given one is not run and yields `pending` itself; nothing pending is saved or cached.
    case pending

    /// The most specific static type of this value.
    public var type: ValueType {
        switch self {
        case .number(let x): return WholeNumber.isWhole(x) ? .integer : .number
        case .string: return .string
        case .bool: return .bool
        case .list(let items): return .list(ValueType.join(items.map(\.type)))
        case .image: return .image
        case .tensor: return .tensor
        case .model: return .model
        case .basis: return .basis
        case .query: return .query
        case .mix: return .mix
        case .table: return .table
        case .nothing, .pending: return .nothing
        }
    }

    /// A short name of the kind of value, for messages ("image", "list").
    public var kindName: String {
        switch self {
        case .list: return "list"
        default: return type == .integer ? "number" : type.description
        }
    }

    /// Whether the value is, or holds, an element another shard computes.
    public var containsPending: Bool {
        switch self {
        case .pending: return true
        case .list(let items): return items.contains { $0.containsPending }
        default: return false
        }
    }

    public var listItems: [Value]? {
        if case .list(let items) = self { return items }
        return nil
    }
}

extension ValueType {
    /// Whether `value` fits this type as is (no broadcasting).
    public func accepts(value: Value) -> Bool {
        switch (self, value) {
        case (.any, _): return true
        // A pending element stands for a value of the right type (so a shard broadcasts as a whole run would).
        case (_, .pending): return true
        case (.either(let options), _): return options.contains { $0.accepts(value: value) }
        case (.integer, .number(let x)): return WholeNumber.isWhole(x)
        case (.number, .number), (.string, .string), (.bool, .bool), (.image, .image), (.tensor, .tensor),
             (.model, .model), (.basis, .basis), (.query, .query), (.mix, .mix), (.table, .table),
             (.nothing, .nothing):
            return true
        case (.list(let element), .list(let items)): return items.allSatisfy { element.accepts(value: $0) }
        default: return false
        }
    }
}
