// Which shards of a sharded run have finished: each finished shard leaves a small record in the cache folder,
// `shards/<run>/<K>-of-<N>.json`, where <run> hashes the recipe as run (its text after --set). The merge reads
// them to name a shard that never finished (a task killed, still queued or failed) before doing any work.
// The records are bookkeeping, not results: the results are the cache entries, checked on every read.
import Formats
import Foundation

public struct ShardRecord: Codable, Equatable, Sendable {
    public var format = ShardLedger.format
    public var run: String
    public var shard: Int
    public var shards: Int
    /// The recipe as given on the command line (for people reading the folder).
    public var recipe: String
    /// The costly elements this shard owns ("samples[3]"), each now in the cache.
    public var elements: [String]
    /// Costly bindings with elements that need other shards' elements: those are left to the merge.
    public var deferred: [String]
    /// Of those, computed by this run (the rest were in the cache already).
    public var computed: Int
    /// Cache hits of the run (its own elements and the other shards' it could use).
    public var cached: Int
}

public struct ShardLedger: Sendable {
    static let format = "lorweb-shard/1"
    /// The folder of this run's records.
    public let directory: String
    public let run: String

    public init(cacheDirectory: String, program: CheckedProgram) {
        var hasher = SHA256.Hasher()
        hasher.update("\(Self.format)\n\(ProgramVersion.string)\n")
        hasher.update(Printer.program(program.statements))
        run = hasher.finalizeHex()
        directory = Paths.join(Paths.join(cacheDirectory, "shards"), run)
    }

    public func path(of shard: ShardSpec) -> String {
        Paths.join(directory, "\(shard.index)-of-\(shard.count).json")
    }

    public func write(_ record: ShardRecord) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let shard = try ShardSpec(index: record.shard, count: record.shards)
        try AtomicWrite.write(Array(try encoder.encode(record)) + [0x0A], to: path(of: shard))
    }

    /// What the records say: per shard count, the finished shards; and the records that cannot be read.
    public struct Survey: Sendable {
        public var finished: [Int: Set<Int>] = [:]
        public var damaged: [String] = []
        /// Per shard count, the bindings the shards deferred (in part) to the merge.
        public var deferred: [Int: Set<String>] = [:]

        /// The shards of `count` with no record.
        public func missing(of count: Int) -> [Int] {
            (0..<count).filter { !(finished[count]?.contains($0) ?? false) }
        }
    }

    public func survey() -> Survey {
        var survey = Survey()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return survey }
        for name in names.sorted() where name.hasSuffix(".json") {
            let parts = name.dropLast(5).split(separator: "-")
            guard parts.count == 3, parts[1] == "of", let k = Int(parts[0]), let n = Int(parts[2]) else { continue }
            let path = Paths.join(directory, name)
            guard let data = FileManager.default.contents(atPath: path),
                  let record = try? JSONDecoder().decode(ShardRecord.self, from: data),
                  record.format == Self.format, record.run == run, record.shard == k, record.shards == n else {
                survey.damaged.append(path)
                continue
            }
            survey.finished[n, default: []].insert(k)
            survey.deferred[n, default: []].formUnion(record.deferred)
        }
        return survey
    }
}
