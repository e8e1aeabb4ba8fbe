// The content-hash cache: step results stored under a key made from the step, its normalised
// arguments (values hashed by content), input file bytes, seed/stream and the program version.
// Each entry carries a SHA-256 of its payload; a damaged entry is reported and recomputed.
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
    private static let magic = Array("LWC1\n".utf8)

    public enum Lookup {
        case hit(Value)
        case miss
        case damaged(String)
    }

    public init(directory: String) {
        self.directory = directory
    }

    public func path(for key: String) -> String {
        Paths.join(Paths.join(directory, String(key.prefix(2))), key + ".entry")
    }

    public func lookup(_ key: String) -> Lookup {
        let path = path(for: key)
        guard let data = FileManager.default.contents(atPath: path) else { return .miss }
        let bytes = [UInt8](data)
        let headerLength = Self.magic.count + 65
        guard bytes.count >= headerLength, Array(bytes[0..<Self.magic.count]) == Self.magic else {
            return .damaged("bad header")
        }
        let stored = String(decoding: bytes[Self.magic.count..<(Self.magic.count + 64)], as: UTF8.self)
        let payload = Array(bytes[headerLength...])
        guard SHA256.hex(payload) == stored else { return .damaged("checksum mismatch") }
        guard let value = try? ValueCodec.decode(payload) else { return .damaged("undecodable payload") }
        return .hit(value)
    }

    /// Stores a value (values that cannot be encoded are silently not cached).
    public func store(_ value: Value, for key: String) throws {
        guard let payload = ValueCodec.encode(value) else { return }
        let path = path(for: key)
        try FileManager.default.createDirectory(atPath: Paths.directory(of: path), withIntermediateDirectories: true)
        let entry = Self.magic + Array(SHA256.hex(payload).utf8) + [0x0A] + payload
        try Data(entry).write(to: URL(fileURLWithPath: path), options: .atomic)
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
