// What a step is: its signature (the single documentation source for :help, `lorweb steps` and the
// README), its flags, and the function that runs it.
import Formats
import Pipeline
import TensorCore

/// How the checker treats a string argument beyond its type.
public enum ParameterRole: Sendable, Equatable {
    case plain
    /// A file the step reads: checked to exist before anything runs; cache keys use its bytes.
    case inputFile
    /// A file the step writes (relative to the output folder).
    case outputFile
    /// A model or basis: a registry name, or a path that must exist.
    case weightsReference
}

public struct StepParameter: Sendable {
    public var name: String
    public var type: ValueType
    /// Positional parameters may also be given by label; labelled-only ones must be.
    public var positional: Bool
    /// nil: required.
    public var defaultValue: Value?
    public var doc: String
    /// Allowed values of a string parameter (checked on literals before running).
    public var choices: [String]?
    public var role: ParameterRole

    public init(_ name: String, _ type: ValueType, positional: Bool = true, default defaultValue: Value? = nil,
                choices: [String]? = nil, role: ParameterRole = .plain, doc: String) {
        self.name = name
        self.type = type
        self.positional = positional
        self.defaultValue = defaultValue
        self.doc = doc
        self.choices = choices
        self.role = role
    }

    public var isOptional: Bool { defaultValue != nil }
}

/// What a failing step throws; the evaluator turns it into a diagnostic pointing at the call or at
/// the named argument.
public enum StepError: Error, Sendable {
    case failed(String)
    case argument(String, String)
    case missingFile(String)
    case cancelled
}

public struct StepDefinition: Sendable {
    public typealias Body = @Sendable (StepArguments, StepContext) throws -> Value

    /// One or more words: "load image".
    public var name: String
    public var parameters: [StepParameter]
    /// `.nothing` for effect steps.
    public var result: ValueType
    /// One sentence or two, for :help and the README.
    public var doc: String
    /// A line of recipe using the step.
    public var example: String
    /// Draws random numbers: gets `seed:` and a stream from its binding name and broadcast index.
    public var usesRandomness: Bool
    /// Deterministic and costly: results are kept in the content-hash cache.
    public var cacheable: Bool
    public var body: Body
    /// A more precise result type from the argument types (after broadcasting), when the step
    /// returns part of an argument (`pick`).
    public var refineResult: (@Sendable ([String: ValueType]) -> ValueType?)?
    /// A1111-style settings this step contributes to the provenance of what it makes.
    public var provenanceSummary: (@Sendable (StepArguments, UInt64) -> String)?

    public init(_ name: String, parameters: [StepParameter], result: ValueType, doc: String, example: String,
                usesRandomness: Bool = false, cacheable: Bool = false,
                provenanceSummary: (@Sendable (StepArguments, UInt64) -> String)? = nil, body: @escaping Body) {
        self.provenanceSummary = provenanceSummary
        self.name = name
        self.parameters = usesRandomness
            ? parameters + [StepParameter("seed", .integer, positional: false, default: .nothing,
                                          doc: "overrides the recipe seed for this step"),
                            StepParameter("stream", .string, positional: false, default: .nothing,
                                          doc: "draw from this named stream (index 0) instead of the binding name and broadcast index: shared noise across a sweep")]
            : parameters
        self.result = result
        self.doc = doc
        self.example = example
        self.usesRandomness = usesRandomness
        self.cacheable = cacheable
        self.body = body
    }

    public func parameter(named name: String) -> StepParameter? {
        parameters.first { $0.name == name }
    }

    /// Reads input files or weights: its failures on unusable files are input errors (exit 66).
    public var readsFiles: Bool {
        parameters.contains { $0.role == .inputFile || $0.role == .weightsReference }
    }

    /// `sample MODEL QUERY MIX [steps: integer] ...`
    public var signature: String {
        var parts = [name]
        for p in parameters {
            if p.positional && !p.isOptional {
                parts.append(p.name.uppercased())
            } else if p.positional {
                parts.append("[\(p.name.uppercased())]")
            } else {
                parts.append("[\(p.name): \(p.type)]")
            }
        }
        return parts.joined(separator: " ")
    }
}

/// The evaluated arguments of one (non-broadcast) step run, with typed accessors.
public struct StepArguments: Sendable {
    public var values: [String: Value]

    public init(_ values: [String: Value]) { self.values = values }

    public subscript(_ name: String) -> Value? {
        if case .nothing? = values[name] { return nil }
        return values[name]
    }

    /// The argument `name` as one kind of value. The checker proved each argument's type, so the error is
    /// for a step called outside a checked recipe.
    private func unwrap<T>(_ name: String, _ expected: String, _ pick: (Value) -> T?) throws -> T {
        guard let value = values[name], let picked = pick(value) else { throw StepError.argument(name, "expected \(expected)") }
        return picked
    }

    public func number(_ name: String) throws -> Double {
        try unwrap(name, "a number") { if case .number(let x) = $0 { x } else { nil } }
    }

    public func int(_ name: String) throws -> Int {
        let x = try number(name)
        guard let whole = WholeNumber.exact(x) else { throw StepError.argument(name, "expected a whole number, got \(Printer.number(x))") }
        return Int(whole)
    }

    public func string(_ name: String) throws -> String {
        try unwrap(name, "a string") { if case .string(let s) = $0 { s } else { nil } }
    }

    public func bool(_ name: String) throws -> Bool {
        try unwrap(name, "true or false") { if case .bool(let b) = $0 { b } else { nil } }
    }

    public func image(_ name: String) throws -> RGBImage {
        try unwrap(name, "an image") { if case .image(let i) = $0 { i } else { nil } }
    }

    public func model(_ name: String) throws -> LoadedModel {
        try unwrap(name, "a model") { if case .model(let m) = $0 { m } else { nil } }
    }

    public func basis(_ name: String) throws -> LoadedBasis {
        try unwrap(name, "a basis") { if case .basis(let b) = $0 { b } else { nil } }
    }

    public func query(_ name: String) throws -> Query {
        try unwrap(name, "a query") { if case .query(let q) = $0 { q } else { nil } }
    }

    public func mix(_ name: String) throws -> Mix {
        try unwrap(name, "a mix") { if case .mix(let m) = $0 { m } else { nil } }
    }

    public func tensor(_ name: String) throws -> Tensor {
        try unwrap(name, "a tensor") { if case .tensor(let t) = $0 { t } else { nil } }
    }

    public func list(_ name: String) throws -> [Value] {
        try unwrap(name, "a list") { if case .list(let items) = $0 { items } else { nil } }
    }
}
