// SentencePiece's precompiled normalisation map (tokenizer.json's "precompiled_charsmap", base64):
//   u32 little-endian trie size in bytes | the trie: a Darts-clone double array of u32 units | the
//   replacement strings, each ended by NUL.
// The tokenizers library applies it per grapheme cluster: a cluster shorter than 6 UTF-8 bytes whose bytes
// start with a key is replaced WHOLE by the first (shortest) key's string; otherwise each scalar is looked
// up alone. That is why "a" + U+0308 + U+0301 becomes "ä" (the second accent is dropped): a known
// tokenizers behaviour, kept because diffusers' fast tokenizer does it (Docs/TOKENIZERS.md).

import Foundation
import Formats

struct PrecompiledCharsmap: Sendable {
    private let units: [UInt32]
    private let strings: [UInt8]

    init(base64: String, path: String) throws {
        guard let data = Data(base64Encoded: base64) else {
            throw FormatError(path: path, "precompiled_charsmap is not valid base64")
        }
        let bytes = [UInt8](data)
        guard bytes.count >= 4 else { throw FormatError(path: path, "precompiled_charsmap is shorter than its 4-byte header") }
        let trieBytes = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16 | Int(bytes[3]) << 24
        guard trieBytes % 4 == 0, trieBytes >= 4, 4 + trieBytes <= bytes.count else {
            throw FormatError(path: path, "precompiled_charsmap is truncated: its trie needs \(trieBytes) bytes, \(bytes.count - 4) follow the header")
        }
        units = (0..<(trieBytes / 4)).map { k in
            let o = 4 + 4 * k
            return UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
        }
        strings = Array(bytes[(4 + trieBytes)...])
        guard String(validating: strings, as: UTF8.self) != nil else {
            throw FormatError(path: path, "precompiled_charsmap's replacement strings are not valid UTF-8")
        }
    }

    /// The replacement of the shortest key that `key` starts with; nil when none does (or the map is damaged there).
    func lookup(_ key: some Collection<UInt8>) -> ArraySlice<UInt8>? {
        // Darts-clone unit: label = bits 0-7 (+ bit 31), has-leaf = bit 8, offset = (u >> 10) << ((u & 512) >> 6);
        // a leaf unit's value = bits 0-30.
        @inline(__always) func offset(_ u: UInt32) -> Int { Int((u >> 10) << ((u & (1 << 9)) >> 6)) }
        var node = offset(units[0])
        for c in key {
            if c == 0 { return nil }
            node ^= Int(c)
            guard node < units.count else { return nil }
            let u = units[node]
            guard u & 0x8000_00FF == UInt32(c) else { return nil }
            node ^= offset(u)
            if (u >> 8) & 1 == 1 {
                guard node < units.count else { return nil }
                let start = Int(units[node] & 0x7FFF_FFFF)
                guard start < strings.count else { return nil }
                var end = start
                while end < strings.count, strings[end] != 0 { end += 1 }
                return strings[start..<end]
            }
        }
        return nil
    }

    /// The normalizer: per grapheme cluster as described above.
    func normalize(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for cluster in text {
            let bytes = cluster.utf8
            if bytes.count < 6, let r = lookup(bytes) {
                out += r
                continue
            }
            for scalar in cluster.unicodeScalars {
                let b = Array(String(scalar).utf8)
                if let r = lookup(b) { out += r } else { out += b }
            }
        }
        // A replacement that is not UTF-8 would come from a damaged map; show it rather than trap.
        return String(decoding: out, as: UTF8.self)
    }
}
