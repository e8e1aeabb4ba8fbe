import Numerics

/// The canonical generator called directly, for comparing with what recipes draw.
enum CanonicalNoiseReference {
    static func normals(seed: UInt64, name: String, index: Int, count: Int) -> [Float] {
        CanonicalNoise.normals(seed: seed, stream: StreamID.make(name: name, index: index), count: count)
    }
}
