// The content-hash cache: step results stored under a key made from the step, its normalised
// arguments (values hashed by content), input file bytes, seed/stream and the program version.
// Each entry carries its own key and a SHA-256 of key and payload; a damaged entry, or one that
// belongs to another key, is reported and recomputed.
import Formats
import Foundation
import Pipeline
import TensorCore

public enum ProgramVersion {
    /// Part of every cache key and of every PNG's provenance.
    public static let string = "0.1.0"
}

public final class StepCache: Sendable {
    public let directory: String
    /// Entry layout: magic, the entry's own key, the SHA-256 of key + payload, then the payload.
    /// The key inside makes an entry copied (or renamed) over another key's file a miss, not a
    /// wrong answer; "LWC1" entries (no key inside) are ignored and rewritten.
    private static let magic = Array("LWC2\n".utf8)
    private static let olderMagics = [Array("LWC1\n".utf8)]
    private static let headerLength = magic.count + 65 + 65
    /// Temporary files older than this are leftovers of a killed run (a live write takes seconds).
    public static let staleTemporaryAge: Double = 3600

    public enum Lookup {
        case hit(Value)
        case miss
        case damaged(String)
    }

    public init(directory: String) {
        self.directory = directory
        sweepStaleTemporaries()
    }

    public func path(for key: String) -> String {
        Paths.join(Paths.join(directory, String(key.prefix(2))), key + ".entry")
    }

    public func lookup(_ key: String) -> Lookup {
        let path = path(for: key)
        guard FileManager.default.fileExists(atPath: path) else { return .miss }
        do { try FileChecks.checkRegular(path) } catch { return .damaged("not a regular file") }
        guard let data = FileManager.default.contents(atPath: path) else { return .miss }
        let bytes = [UInt8](data)
        if Self.olderMagics.contains(where: { bytes.starts(with: $0) }) { return .miss }
        guard bytes.count >= Self.headerLength, bytes.starts(with: Self.magic),
              bytes[Self.magic.count + 64] == 0x0A, bytes[Self.headerLength - 1] == 0x0A else {
            return .damaged("bad header")
        }
        let storedKey = String(decoding: bytes[Self.magic.count..<(Self.magic.count + 64)], as: UTF8.self)
        let checksum = String(decoding: bytes[(Self.magic.count + 65)..<(Self.headerLength - 1)], as: UTF8.self)
        let payload = Array(bytes[Self.headerLength...])
        guard storedKey == key else { return .damaged("entry belongs to another key") }
        guard Self.checksum(key: storedKey, payload: payload) == checksum else { return .damaged("checksum mismatch") }
        guard let value = try? ValueCodec.decode(payload) else { return .damaged("undecodable payload") }
        return .hit(value)
    }

    /// Stores a value (values that cannot be encoded are silently not cached).
    public func store(_ value: Value, for key: String) throws {
        guard let payload = ValueCodec.encode(value) else { return }
        let path = path(for: key)
        try FileManager.default.createDirectory(atPath: Paths.directory(of: path), withIntermediateDirectories: true)
        let entry = Self.magic + Array(key.utf8) + [0x0A] + Array(Self.checksum(key: key, payload: payload).utf8) + [0x0A] + payload
        try AtomicWrite.write(entry, to: path)
    }

    private static func checksum(key: String, payload: [UInt8]) -> String {
        var hasher = SHA256.Hasher()
        hasher.update(key + "\n")
        hasher.update(payload)
        return hasher.finalizeHex()
    }

    /// Removes `*.tmp` files that a killed run left in the cache folders (older than `staleTemporaryAge`,
    /// so a concurrent run's write in progress is never touched).
    public func sweepStaleTemporaries(now: Date = Date()) {
        let manager = FileManager.default
        guard let folders = try? manager.contentsOfDirectory(atPath: directory) else { return }
        for folder in [""] + folders.map({ "/" + $0 }) {
            let dir = directory + folder
            guard let names = try? manager.contentsOfDirectory(atPath: dir) else { continue }
            for name in names where name.hasSuffix(".tmp") {
                let path = dir + "/" + name
                guard let attributes = try? manager.attributesOfItem(atPath: path),
                      attributes[.type] as? FileAttributeType == .typeRegular,
                      let modified = attributes[.modificationDate] as? Date,
                      now.timeIntervalSince(modified) > Self.staleTemporaryAge else { continue }
                try? manager.removeItem(atPath: path)
            }
        }
    }
}

public enum CacheKey {
    public static func make(step: StepDefinition, arguments: [String: Value], inputDigests: [String: String],
                            seed: UInt64?, stream: UInt64?) -> String {
        var hasher = SHA256.Hasher()
        hasher.update("lorweb-cache/1\n\(ProgramVersion.string)\n\(step.name)\n")
        for name in arguments.keys.sorted() {
            hasher.update("\(name)=")
            if let digest = inputDigests[name] {
                hasher.update("file:\(digest)")
            } else {
                arguments[name]!.digest(into: &hasher)
            }
            hasher.update("\n")
        }
        if let seed { hasher.update("seed=\(seed)\n") }
        if let stream { hasher.update("stream=\(stream)\n") }
        return hasher.finalizeHex()
    }
}

extension Value {
    /// Feeds a content description of the value (not its identity) into a hash.
    public func digest(into hasher: inout SHA256.Hasher) {
        switch self {
        case .number(let x): hasher.update("n\(x.bitPattern);")
        case .string(let s): hasher.update("s\(s.utf8.count):"); hasher.update(s)
        case .bool(let b): hasher.update(b ? "T" : "F")
        case .nothing: hasher.update("_")
        case .pending: hasher.update("?")     // never part of a key: a step given a pending value does not run
        case .list(let items):
            hasher.update("[\(items.count):")
            for item in items { item.digest(into: &hasher) }
            hasher.update("]")
        case .image(let image):
            hasher.update("i\(image.width)x\(image.height):")
            hasher.update(image.pixels)
        case .tensor(let t): Self.digest(t, into: &hasher)
        case .model(let m): hasher.update("model:\(m.name):\(m.sha256);")
        case .basis(let b): hasher.update("basis:\(b.name):\(b.sha256);")
        case .query(let q):
            hasher.update("query:")
            Self.digest(q.embedding, into: &hasher)
            for image in [q.a, q.aPrime, q.b] { Value.image(image).digest(into: &hasher) }
        case .mix(let m):
            hasher.update("mix:\(m.basis.sha256):\(m.layers.count);")
            for (layer, row) in zip(m.layers, m.coefficients) {
                hasher.update(layer)
                hasher.update(":" + row.map { String($0.bitPattern, radix: 16) }.joined(separator: ",") + ";")
            }
        case .table(let t):
            hasher.update("table:")
            Value.list(t.columns.map(Value.string)).digest(into: &hasher)
            Value.list(t.rows.map { .list($0.map(Value.string)) }).digest(into: &hasher)
        }
    }

    private static func digest(_ t: Tensor, into hasher: inout SHA256.Hasher) {
        hasher.update("t\(t.shape):")
        t.data.withUnsafeBytes { hasher.update($0) }
    }
}

/// The pipeline's intermediate results (prompt embeddings, reference latents) live in the same cache folder,
/// as lists of tensors under their own keys, with the same checks on read.
extension StepCache: StageCache {
    public func tensors(for key: String) -> [Tensor]? {
        guard case .hit(.list(let items)) = lookup(key) else { return nil }
        let tensors = items.compactMap { item -> Tensor? in if case .tensor(let t) = item { return t } else { return nil } }
        return tensors.count == items.count ? tensors : nil
    }

    public func store(_ tensors: [Tensor], for key: String) {
        try? store(.list(tensors.map(Value.tensor)), for: key)
    }
}
