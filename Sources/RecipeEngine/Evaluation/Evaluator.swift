// Evaluator (the interpreter stage): runs what the outputs need, in dependency order, each binding
// once. Lists broadcast: a step given a list where it takes a single value runs once per element
// (several such lists are zipped and must have equal lengths). Random steps get a seed and a stream
// id from their binding name and broadcast index; costly deterministic steps go through the cache.
import Formats
import Foundation
import Numerics
import Pipeline

/// A computed value and where it came from.
public struct Evaluated: Sendable {
    public var value: Value
    public var lineage: Lineage
    /// The value's logical size, counted against the run's memory budget (ResourceBudget).
    public var bytes = ResourceBudget.scalarBytes
}

public final class Evaluator {
    public private(set) var program: CheckedProgram
    public let options: RunOptions
    public let library: StepLibrary
    public var provenance: ProvenanceBase
    private var memo: [String: Evaluated] = [:]
    private var fileHashes: [String: String] = [:]
    /// Bytes of the step results computed so far (ResourceBudget).
    var liveBytes = 0
    /// Counters for the front end ("3 cached, 2 computed").
    public private(set) var cacheHits = 0
    public private(set) var stepsRun = 0
    /// How many of `stepsRun` were costly (cacheable) elements: what a rerun or a merge should not repeat.
    public private(set) var costlyRun = 0
    /// In a `--shard` run: the costly elements this shard owns ("samples[3]"), computed or found in the cache.
    public private(set) var ownedElements: [String] = []
    /// In a `--shard` run: costly bindings with elements that need other shards' results (the merge computes those).
    public private(set) var deferredBindings: Set<String> = []

    public init(program: CheckedProgram, options: RunOptions, library: StepLibrary = .standard,
                recipeName: String) {
        self.program = program
        self.options = options
        self.library = library
        self.provenance = ProvenanceBase(recipeText: Printer.program(program.statements), recipeName: recipeName,
                                         seed: program.seed, params: [], backend: options.execution.provenanceBackend)
        self.provenance.params = program.params.compactMap { name in
            guard let index = program.bindings[name], case .param(_, _, let value) = program.statements[index] else { return nil }
            return (name, Printer.expression(value))
        }
    }

    /// Replaces the program (the REPL grows it line by line); computed values are kept.
    public func update(_ program: CheckedProgram) {
        self.program = program
        provenance.recipeText = Printer.program(program.statements)
        provenance.seed = program.seed
        provenance.params = program.params.compactMap { name in
            guard let index = program.bindings[name], case .param(_, _, let value) = program.statements[index] else { return nil }
            return (name, Printer.expression(value))
        }
    }

    /// Runs every output line (save, show, assert, ...) in source order. A shard runs none: it computes
    /// what they need (its share of it) and leaves the outputs to the merge.
    public func runOutputs() throws {
        for index in program.effects {
            if case .shard = options.mode { try prepareStatement(at: index) } else { try runStatement(at: index) }
        }
    }

    /// Evaluates what a bare statement needs without running it (a shard's pass over the output lines).
    private func prepareStatement(at index: Int) throws {
        switch program.statements[index] {
        case .run(let call):
            guard let resolved = program.calls[index] else { throw failure("'\(call.name)' was not checked", at: call.span) }
            for parameter in resolved.step.parameters {
                if let expr = resolved.arguments[parameter.name] { _ = try evaluate(expr) }
            }
        case .expression(let e):
            _ = try evaluate(e)
        default:
            break
        }
    }

    /// Runs one bare statement.
    public func runStatement(at index: Int) throws {
        switch program.statements[index] {
        case .run(let call):
            guard let resolved = program.calls[index] else { throw failure("'\(call.name)' was not checked", at: call.span) }
            _ = try evaluateCall(resolved, bindingName: Printer.call(call))
        case .expression(let e):
            let evaluated = try evaluate(e)
            options.output("\(Printer.expression(e)) = \(describe(evaluated.value, name: Printer.expression(e)))")
        default:
            break
        }
    }

    /// The value of a binding, computing it (and what it needs) on first use.
    public func value(of name: String) throws -> Evaluated {
        if let known = memo[name] { return known }
        guard let index = program.bindings[name] else {
            throw RecipeFailure(Diagnostic("unknown name '\(name)'", at: nil))
        }
        for dependency in uncomputedDependencies(of: name) { _ = try value(of: dependency) }
        let result: Evaluated
        switch program.statements[index] {
        case .param(_, _, let e), .alias(_, let e):
            result = try evaluate(e)
        case .bind(let token, let call):
            guard let resolved = program.calls[index] else { throw failure("'\(call.name)' was not checked", at: call.span) }
            result = try evaluateCall(resolved, bindingName: token.lexeme)
        default:
            throw RecipeFailure(Diagnostic("'\(name)' is not a binding", at: nil))
        }
        memo[name] = result
        return result
    }

    public func isComputed(_ name: String) -> Bool { memo[name] != nil }

    /// Drops computed values (the REPL rolls back a failed line).
    public func forget(_ names: [String]) {
        for name in names { memo[name] = nil }
    }

    /// Removes and returns the computed values of `names` (the REPL recomputes them after a rebinding
    /// and puts them back with `restore` if that fails).
    public func take(_ names: [String]) -> [String: Evaluated] {
        var taken: [String: Evaluated] = [:]
        for name in names { taken[name] = memo.removeValue(forKey: name) }
        return taken
    }

    public func restore(_ values: [String: Evaluated]) {
        memo.merge(values) { _, restored in restored }
    }

    /// Input files are hashed once per run; a REPL line may follow an edit of the file on disk.
    public func forgetFileHashes() {
        fileHashes = [:]
    }

    /// `show`'s text for a value: one line, plus a preview PNG for images when enabled.
    public func describe(_ value: Value, name: String) -> String {
        Previews.describe(value, name: name, options: options)
    }

    // MARK: expressions

    func evaluate(_ e: Expr) throws -> Evaluated {
        switch e {
        case .number(let x, _): return Evaluated(value: .number(x), lineage: Lineage())
        case .string(let s, _): return Evaluated(value: .string(s), lineage: Lineage(), bytes: ResourceBudget.bytes(of: .string(s)))
        case .bool(let b, _): return Evaluated(value: .bool(b), lineage: Lineage())
        case .name(let token): return try value(of: token.lexeme)
        case .list(let items, let open):
            var values: [Value] = []
            var lineage = Lineage()
            var bytes = ResourceBudget.scalarBytes
            for item in items {
                let v = try evaluate(item)
                values.append(v.value)
                lineage.merge(v.lineage)
                bytes = bytes &+ v.bytes
                try checkList(bytes: bytes, at: open.span)
            }
            return Evaluated(value: .list(values), lineage: lineage, bytes: bytes)
        case .range(let start, let end, let step, let op):
            let a = try numberValue(start), b = try numberValue(end)
            let s = try step.map(numberValue) ?? 1
            do {
                let numbers = try Ranges.expand(from: a, to: b, step: s)
                return Evaluated(value: .list(numbers.map(Value.number)), lineage: Lineage(),
                                 bytes: ResourceBudget.scalarBytes * (numbers.count + 1))
            } catch let error as RangeError {
                throw failure(error.description, at: op.span)
            }
        }
    }

    private func numberValue(_ e: Expr) throws -> Double {
        guard case .number(let x) = try evaluate(e).value else {
            throw failure("a range needs numbers", at: e.token.span)
        }
        return x
    }

    // MARK: step calls and broadcasting

    private func evaluateCall(_ resolved: ResolvedCall, bindingName: String) throws -> Evaluated {
        var values: [String: Value] = [:]
        var names: [String: String] = [:]
        var lineage = Lineage()
        for parameter in resolved.step.parameters {
            if let expr = resolved.arguments[parameter.name] {
                let evaluated = try evaluate(expr)
                values[parameter.name] = evaluated.value
                lineage.merge(evaluated.lineage)
                names[parameter.name] = Printer.expression(expr)
            } else {
                values[parameter.name] = parameter.defaultValue ?? .nothing
            }
        }
        var counter = 0
        var leafLineage = lineage
        let value = try broadcast(resolved, values: values, names: names, bindingName: bindingName,
                                  lineage: lineage, mapped: [], counter: &counter, resultLineage: &leafLineage)
        return Evaluated(value: value, lineage: leafLineage,
                         bytes: ResourceBudget.bytes(of: value, stoppingAbove: options.maxMemory))
    }

    private func broadcast(_ resolved: ResolvedCall, values: [String: Value], names: [String: String],
                           bindingName: String, lineage: Lineage, mapped: Set<String>,
                           counter: inout Int, resultLineage: inout Lineage) throws -> Value {
        var lists: [(String, [Value])] = []
        for parameter in resolved.step.parameters {
            guard let v = values[parameter.name], case .list(let items) = v, !parameter.type.accepts(value: v) else { continue }
            lists.append((parameter.name, items))
        }
        guard let first = lists.first else {
            let leaf = try runLeaf(resolved, values: values, names: names, bindingName: bindingName,
                                   lineage: lineage, mapped: mapped, index: counter)
            counter += 1
            resultLineage.merge(leaf.lineage)
            return leaf.value
        }
        for (name, items) in lists.dropFirst() where items.count != first.1.count {
            throw failure("cannot zip lists of different lengths: '\(first.0)' has \(first.1.count) items, '\(name)' has \(items.count)",
                          at: resolved.call.span)
        }
        var results: [Value] = []
        for i in 0..<first.1.count {
            var element = values
            var elementNames = names
            for (name, items) in lists {
                element[name] = items[i]
                if let n = names[name] { elementNames[name] = "\(n)[\(i)]" }
            }
            results.append(try broadcast(resolved, values: element, names: elementNames, bindingName: bindingName,
                                         lineage: lineage, mapped: mapped.union(lists.map(\.0)),
                                         counter: &counter, resultLineage: &resultLineage))
        }
        return .list(results)
    }

    private func runLeaf(_ resolved: ResolvedCall, values: [String: Value], names: [String: String],
                         bindingName: String, lineage: Lineage, mapped: Set<String>, index: Int) throws -> Evaluated {
        let step = resolved.step
        let span = resolved.call.span
        if options.isInterrupted() { throw RecipeFailure(Diagnostic("interrupted", at: span, category: .interrupted)) }
        // A shard cannot run a step on another shard's element: the step's result is pending too. A costly step fed
        // so is left to the merge, by binding name (a pending value can stand for a list, so the shard cannot know
        // the indices): the shard's record lists the binding as deferred.
        if case .shard = options.mode, values.values.contains(where: \.containsPending) {
            if step.cacheable { deferredBindings.insert(bindingName) }
            return Evaluated(value: .pending, lineage: lineage)
        }
        for parameter in step.parameters {
            guard let v = values[parameter.name], !(v.isNothing && parameter.isOptional) else { continue }
            if !parameter.type.accepts(value: v) {
                let at = resolved.arguments[parameter.name]?.token.span ?? span
                throw failure("argument '\(parameter.name)' of '\(step.name)' expects \(parameter.type), got \(v.kindName)", at: at)
            }
        }
        var lineage = lineage
        var inputDigests: [String: String] = [:]
        for parameter in step.parameters where parameter.role == .inputFile {
            guard case .string(let path)? = values[parameter.name] else { continue }
            let full = Paths.join(resolved.call.token.file.directory, path)
            let digest = try hashFile(full, at: resolved.arguments[parameter.name]?.token.span ?? span)
            inputDigests[parameter.name] = digest
            lineage.inputs[path] = digest
        }
        for v in values.values { lineage.noteWeights(in: v) }
        let arguments = StepArguments(values)
        var seed = program.seed
        var stream: UInt64 = 0
        if step.usesRandomness {
            if case .number(let s)? = values["seed"] {
                guard let whole = WholeNumber.seed(s) else { throw failure(WholeNumber.seedRule, at: span) }
                seed = whole
            }
            if case .string(let shared)? = values["stream"] {
                stream = StreamNames.stream(name: shared, index: 0)
            } else {
                stream = StreamNames.stream(name: bindingName, index: index)
            }
        }
        if let summary = step.provenanceSummary { lineage.sampling.append(summary(arguments, seed)) }

        var cacheKey: String?
        if step.cacheable, let cache = options.cache {
            let key = CacheKey.make(step: step, arguments: values, inputDigests: inputDigests,
                                    seed: step.usesRandomness ? seed : nil, stream: step.usesRandomness ? stream : nil)
            cacheKey = key
            let element = elementName(bindingName, index, mapped)
            if case .shard(let shard) = options.mode, shard.owns(element: index) { ownedElements.append(element) }
            let found = cache.lookup(key)
            if case .hit(let value) = found {
                cacheHits += 1
                lineage.noteWeights(in: value)
                return Evaluated(value: value, lineage: lineage, bytes: try charge(value, at: span))
            }
            var damage: String?
            if case .damaged(let reason) = found { damage = reason }
            switch options.mode {
            case .whole:
                break
            case .shard(let shard):
                // Another shard's element: left to it (the merge reads it from the cache).
                if !shard.owns(element: index) { return Evaluated(value: .pending, lineage: lineage) }
            case .merge(let shards, let fillMissing, let deferred):
                if damage == nil && deferred.contains(bindingName) {
                    options.notes("note: computing '\(element)' here: it needs elements of other shards")
                } else if fillMissing {
                    options.notes("note: computing '\(element)' here (--fill-missing): its cache entry was \(damage.map { "damaged (\($0))" } ?? "missing")")
                } else {
                    throw missingElement(element, index: index, damage: damage, shards: shards, at: span)
                }
                damage = nil
            }
            if let damage { options.output("note: cache entry for '\(bindingName)' was damaged (\(damage)); recomputing") }
        }
        let context = StepContext(seed: seed, stream: stream, streamName: bindingName, broadcastIndex: index,
                                  options: options, baseDirectory: resolved.call.token.file.directory,
                                  provenance: provenance, lineage: lineage, argumentNames: names,
                                  mappedParameters: mapped)
        let result: Value
        do {
            result = try step.body(arguments, context)
        } catch {
            throw translate(error, resolved: resolved)
        }
        stepsRun += 1
        if step.cacheable { costlyRun += 1 }
        let bytes = try charge(result, at: span)
        var resultLineage = context.lineage
        resultLineage.noteWeights(in: result)
        if let key = cacheKey, let cache = options.cache {
            do { try cache.store(result, for: key) } catch {
                options.output("note: could not write cache entry (\(error))")
            }
        }
        return Evaluated(value: result, lineage: resultLineage, bytes: bytes)
    }

    /// How shard records and messages name a costly element: the binding, with its broadcast index if it has one.
    private func elementName(_ bindingName: String, _ index: Int, _ mapped: Set<String>) -> String {
        mapped.isEmpty ? bindingName : "\(bindingName)[\(index)]"
    }

    /// The merge found a costly element missing (or damaged) in the cache: name it and the shard that owns it.
    private func missingElement(_ element: String, index: Int, damage: String?, shards: Int?, at span: SourceSpan) -> RecipeFailure {
        let state = damage.map { "is damaged in the cache (\($0))" } ?? "is missing from the cache"
        var message = "cannot merge: the result of '\(element)' \(state)"
        if let shards {
            let owner = ShardSpec.owner(ofElement: index, count: shards)
            message += "; it is shard \(owner)/\(shards)'s: rerun `lorweb run \(provenance.recipeName) --shard \(owner)/\(shards)`"
                + " (it recomputes only what is missing or damaged), or merge with --fill-missing to compute it here"
        } else {
            message += "; rerun its shard, or merge with --fill-missing to compute it here"
        }
        return RecipeFailure(Diagnostic(message, at: span, category: .missingInput))
    }

    private func hashFile(_ path: String, at span: SourceSpan) throws -> String {
        if let known = fileHashes[path] { return known }
        guard FileManager.default.fileExists(atPath: path) else {
            throw RecipeFailure(Diagnostic("file not found: \(path)", at: span, category: .missingInput))
        }
        do {
            let digest = try SHA256.hex(fileAt: path)
            fileHashes[path] = digest
            return digest
        } catch {
            // FormatError and Foundation's errors name the path themselves: say it once.
            let described = SystemErrorText.describe(error) ?? "\(error)"
            let message = described.hasPrefix(path) ? "cannot read " + described : "cannot read \(path): \(described)"
            throw RecipeFailure(Diagnostic(message, at: span, category: .missingInput))
        }
    }

    private func translate(_ error: Error, resolved: ResolvedCall) -> RecipeFailure {
        let span = resolved.call.span
        switch error {
        case let failure as RecipeFailure:
            return failure
        case StepError.argument(let name, let message), PipelineError.argument(let name, let message):
            let at = resolved.arguments[name]?.token.span ?? span
            return failure("argument '\(name)' of '\(resolved.step.name)': \(message)", at: at)
        case StepError.failed(let message):
            return failure("'\(resolved.step.name)' failed: \(message)", at: span)
        case StepError.missingFile(let path):
            return RecipeFailure(Diagnostic("file not found: \(path)", at: span, category: .missingInput))
        case StepError.cancelled, PipelineError.cancelled:
            return RecipeFailure(Diagnostic("interrupted", at: span, category: .interrupted))
        default:
            // A file the step reads that exists but cannot be used (corrupt PNG or safetensors, a model
            // folder without its files) is an input problem like a missing file: exit 66, not 1.
            let category: DiagnosticCategory = resolved.step.readsFiles && UnusableInput.describes(error) ? .missingInput : .runtime
            return RecipeFailure(Diagnostic("'\(resolved.step.name)' failed: \(SystemErrorText.message(for: error))",
                                            at: span, category: category))
        }
    }


    func failure(_ message: String, at span: SourceSpan?) -> RecipeFailure {
        RecipeFailure(Diagnostic(message, at: span, category: .runtime))
    }
}

extension Value {
    var isNothing: Bool { if case .nothing = self { return true } else { return false } }
}

extension Lineage {
    /// Records the model and basis behind a value.
    mutating func noteWeights(in value: Value) {
        switch value {
        case .model(let m): models[m.name] = m.sha256
        case .basis(let b): bases[b.name] = b.sha256
        case .mix(let m): bases[m.basis.name] = m.basis.sha256
        case .list(let items): for item in items { noteWeights(in: item) }
        default: break
        }
    }
}

/// `a..b step s`: inclusive, computed as a + i*s (no accumulated rounding).
public enum Ranges {
    public static let maxCount = 100_000

    public static func expand(from a: Double, to b: Double, step s: Double) throws -> [Double] {
        guard s != 0, s.isFinite else { throw RangeError("a range step must be a non-zero number") }
        guard (b - a) / s >= 0 || a == b else { throw RangeError("the range \(Printer.number(a))..\(Printer.number(b)) never reaches its end with step \(Printer.number(s))") }
        let n = ((b - a) / s * (1 + 1e-12)).rounded(.down)
        guard n.isFinite, n < Double(maxCount) else { throw RangeError("a range may have at most \(maxCount) values") }
        return (0...Int(n)).map { a + Double($0) * s }
    }
}

public struct RangeError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
