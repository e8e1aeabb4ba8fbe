// Stream ids for random draws: from the binding name and broadcast index only, so adding, removing or
// reordering other lines never changes a draw (Docs/NUMERICS.md "Random numbers").
import Numerics

public enum StreamNames {
    /// `StreamID.make`: FNV-1a 64 of "name#index".
    public static func stream(name: String, index: Int) -> UInt64 {
        StreamID.make(name: name, index: index)
    }
}
