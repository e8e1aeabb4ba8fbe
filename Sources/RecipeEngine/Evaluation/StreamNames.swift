// Stream ids for random draws: from the binding name and broadcast index only, so adding, removing or
// reordering other lines never changes a draw (NUMERICS.md "Random numbers").
import Formats
import Numerics

public enum StreamNames {
    public static func stream(name: String, index: Int) -> UInt64 {
        // Interim until Numerics.StreamID lands: first 8 bytes of SHA-256("name#index"), little-endian.
        var hasher = SHA256.Hasher()
        hasher.update("\(name)#\(index)")
        let digest = hasher.finalize()
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(digest[i]) << (8 * UInt64(i)) }
        return v
    }
}
