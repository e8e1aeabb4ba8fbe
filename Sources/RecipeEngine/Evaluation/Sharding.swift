// Sharded runs: `lorweb run R --shard K/N` computes a share of the recipe's costly work into the cache,
// `--merge` finishes the recipe from the cache. The costly work is the elements of cacheable steps (the
// samples of a sweep): element i of every cacheable binding (its broadcast index, the index its random
// stream is named by) belongs to shard i mod N, so a chain of costly steps along one broadcast index stays in
// one shard. Results meet in the content-hash cache, so nothing depends on which worker computed an element
// or in which order the shards ran; the merge is a whole run whose costly elements all come from the cache,
// hence the same bytes, provenance included.

/// One shard of N: `K/N` with 0 ≤ K < N.
public struct ShardSpec: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int
    /// More shards than this is a typing mistake, not a cluster.
    public static let maxCount = 100_000

    public init(index: Int, count: Int) throws {
        guard count >= 1, count <= Self.maxCount else {
            throw ShardSpecError("the shard count must be from 1 to \(Self.maxCount), got \(count)")
        }
        guard index >= 0, index < count else {
            throw ShardSpecError("shard \(index)/\(count) does not exist: shards are numbered 0 to \(count - 1)")
        }
        self.index = index
        self.count = count
    }

    /// Parses `K/N` (Slurm's `$SLURM_ARRAY_TASK_ID/N`).
    public static func parse(_ text: String) throws -> ShardSpec {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else {
            throw ShardSpecError("--shard expects K/N (shard K of N, K from 0 to N-1), got '\(text)'")
        }
        return try ShardSpec(index: k, count: n)
    }

    /// The shard that computes broadcast element `element` when there are `count` shards.
    public static func owner(ofElement element: Int, count: Int) -> Int { element % count }

    public func owns(element: Int) -> Bool { Self.owner(ofElement: element, count: count) == index }

    public var description: String { "\(index)/\(count)" }
}

public struct ShardSpecError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// How a run treats its costly elements.
public enum RunMode: Sendable, Equatable {
    /// Compute everything (the cache answers what it can).
    case whole
    /// Compute this shard's elements (and whatever cheap steps they need); run no output line.
    case shard(ShardSpec)
    /// Run the output lines with every costly element from the cache. `shards`: how many shards computed them
    /// (a missing element's error names its shard); `fillMissing`: compute what is missing or damaged instead;
    /// `deferred`: costly bindings whose missing elements the shards left to the merge because they need other
    /// shards' elements (a costly step fed by another costly step along a different index).
    case merge(shards: Int?, fillMissing: Bool, deferred: Set<String> = [])
}
