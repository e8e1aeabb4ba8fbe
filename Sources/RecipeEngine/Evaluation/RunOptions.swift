// How a recipe runs: where outputs go, the cache, overrides and the callbacks the front end supplies.
import Pipeline

/// One progress report from a long step (sampling): `step` of `total` done.
public struct ProgressEvent: Sendable {
    public var binding: String
    public var step: String
    public var completed: Int
    public var total: Int
}

public struct RunOptions: Sendable {
    public var execution: ExecutionContext
    /// Relative `save` paths resolve here.
    public var outputDirectory: String
    /// nil: no cache.
    public var cache: StepCache?
    /// `--set name=value` texts, applied to `param` lines (and `seed`).
    public var overrides: [(name: String, value: String)]
    /// Where `show` writes image previews (nil: no previews).
    public var previewDirectory: String?
    /// Lines for the user (`show`, notes about the cache).
    public var output: @Sendable (String) -> Void
    /// Informational lines ("wrote out/x.png", cache notes); silenced by --quiet.
    public var notes: @Sendable (String) -> Void
    /// Progress of long steps; return false to cancel the step.
    public var progress: (@Sendable (ProgressEvent) -> Bool)?
    /// Polled between steps and broadcast elements: true stops the run (Ctrl-C).
    public var isInterrupted: @Sendable () -> Bool
    /// The run's memory budget in bytes (`--max-memory`): step results and lists beyond it are refused.
    public var maxMemory = ResourceBudget.defaultBytes
    /// Whole run, one shard of a sharded run, or the merge that finishes one (Sharding.swift).
    public var mode = RunMode.whole

    public init(execution: ExecutionContext = ExecutionContext(), outputDirectory: String = ".",
                cache: StepCache? = nil, overrides: [(name: String, value: String)] = [],
                previewDirectory: String? = nil,
                output: @escaping @Sendable (String) -> Void = { print($0) },
                notes: @escaping @Sendable (String) -> Void = { _ in },
                progress: (@Sendable (ProgressEvent) -> Bool)? = nil,
                isInterrupted: @escaping @Sendable () -> Bool = { false }) {
        self.execution = execution
        self.outputDirectory = outputDirectory
        self.cache = cache
        self.overrides = overrides
        self.previewDirectory = previewDirectory
        self.output = output
        self.notes = notes
        self.progress = progress
        self.isInterrupted = isInterrupted
    }
}

/// Where a value came from: the files, weights and sampler settings behind it (for provenance).
public struct Lineage: Sendable, Equatable {
    /// Input file path (as written in the recipe) -> SHA-256 of its bytes.
    public var inputs: [String: String] = [:]
    /// Model name -> SHA-256.
    public var models: [String: String] = [:]
    /// Basis name -> SHA-256.
    public var bases: [String: String] = [:]
    /// A1111-style settings of the sampling behind the value ("Steps: 20, CFG scale: 2.5, ...").
    public var sampling: [String] = []

    public init() {}

    public mutating func merge(_ other: Lineage) {
        inputs.merge(other.inputs) { a, _ in a }
        models.merge(other.models) { a, _ in a }
        bases.merge(other.bases) { a, _ in a }
        for s in other.sampling where !sampling.contains(s) { sampling.append(s) }
    }
}

/// The recipe-level facts every saved PNG records.
public struct ProvenanceBase: Sendable {
    public var recipeText: String
    public var recipeName: String
    public var seed: UInt64
    public var params: [(name: String, value: String)]
    public var backend: String
}

/// What a running step can see and report.
public final class StepContext {
    public let seed: UInt64
    public let stream: UInt64
    public let streamName: String
    public let broadcastIndex: Int
    public let options: RunOptions
    /// The folder relative input paths resolve against (the recipe's folder).
    public let baseDirectory: String
    public let provenance: ProvenanceBase
    /// Lineage of the arguments, plus what the step adds (files it reads).
    public var lineage: Lineage
    /// For each argument given as a name: that name (with `[i]` for broadcast elements).
    public let argumentNames: [String: String]
    /// Parameters whose list was broadcast to reach this run (`save` numbers its files then).
    public let mappedParameters: Set<String>

    init(seed: UInt64, stream: UInt64, streamName: String, broadcastIndex: Int, options: RunOptions,
         baseDirectory: String, provenance: ProvenanceBase, lineage: Lineage, argumentNames: [String: String],
         mappedParameters: Set<String>) {
        self.seed = seed
        self.stream = stream
        self.streamName = streamName
        self.broadcastIndex = broadcastIndex
        self.options = options
        self.baseDirectory = baseDirectory
        self.provenance = provenance
        self.lineage = lineage
        self.argumentNames = argumentNames
        self.mappedParameters = mappedParameters
    }

    public func inputPath(_ path: String) -> String { Paths.join(baseDirectory, path) }
    public func outputPath(_ path: String) -> String { Paths.join(options.outputDirectory, path) }

    /// Reports progress; false means the user asked to stop.
    public func progress(_ completed: Int, of total: Int, step: String) -> Bool {
        if options.isInterrupted() { return false }
        guard let report = options.progress else { return true }
        return report(ProgressEvent(binding: streamName, step: step, completed: completed, total: total))
    }

    public func emit(_ line: String) { options.output(line) }
    public func note(_ line: String) { options.notes(line) }
}

public enum Paths {
    public static func join(_ base: String, _ path: String) -> String {
        if path.hasPrefix("/") || base.isEmpty || base == "." { return path }
        return base.hasSuffix("/") ? base + path : base + "/" + path
    }

    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    public static func fileName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    public static func fileExtension(of path: String) -> String {
        let name = fileName(of: path)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return String(name[name.index(after: dot)...]).lowercased()
    }
}
