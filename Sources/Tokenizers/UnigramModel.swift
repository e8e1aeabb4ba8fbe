// SentencePiece's unigram model as the tokenizers library runs it: Viterbi over the UTF-8 bytes of a piece,
// every vocabulary entry a candidate (found with a byte trie, so the work is linear in the text times the
// longest entry); a scalar no entry starts with costs (lowest score - 10) as the unknown token; the best
// path is read back from the end, consecutive unknowns fused into one; an unknown string becomes its
// <0xNN> byte pieces when byte_fallback is set (and all of them exist), else the unk id.
// Ties keep the first candidate found (shorter entries are found first), as the library does.

import Formats

struct UnigramModel: Sendable {
    let pieces: [String]
    private let scores: [Double]
    /// By UTF-8 bytes, not String: Swift's String equality is canonical equivalence ("가" == "\u{1100}\u{1161}"),
    /// the library compares bytes.
    private let ids: [[UInt8]: Int32]
    let unkID: Int32
    private let byteFallback: Bool
    private let unkScore: Double
    private let trie: ByteTrie
    private let cache = WordCache()

    /// The "model" value of tokenizer.json.
    init(json v: JSONValue?, reader: JSONReader) throws {
        let type = try reader.string(v?["type"], "model.type")
        guard type == "Unigram" else {
            throw reader.fail("model.type \"\(FormatError.short(type))\" is not supported (a T5 tokenizer is \"Unigram\")")
        }
        let entries = try reader.array(v?["vocab"], "model.vocab")
        guard !entries.isEmpty else { throw reader.fail("model.vocab is empty") }
        guard entries.count < Int(Int32.max) else { throw reader.fail("model.vocab has more than 2^31 entries") }
        var pieces: [String] = [], scores: [Double] = [], ids: [[UInt8]: Int32] = [:]
        pieces.reserveCapacity(entries.count); scores.reserveCapacity(entries.count); ids.reserveCapacity(entries.count)
        var trie = ByteTrie()
        for (k, e) in entries.enumerated() {
            guard let pair = e.arrayValue, pair.count == 2 else { throw reader.fail("model.vocab[\(k)] is not a [piece, score] pair") }
            let piece = try reader.string(pair[0], "model.vocab[\(k)][0]")
            let score = try reader.number(pair[1], "model.vocab[\(k)][1] (the score of \"\(FormatError.short(piece))\")")
            guard !piece.isEmpty else { throw reader.fail("model.vocab[\(k)] is an empty piece") }
            let key = Array(piece.utf8)
            guard ids[key] == nil else { throw reader.fail("model.vocab lists \"\(FormatError.short(piece))\" twice (ids \(ids[key]!) and \(k))") }
            ids[key] = Int32(k)
            pieces.append(piece)
            scores.append(score)
            trie.insert(Array(piece.utf8), id: Int32(k))
        }
        switch v?["unk_id"] {
        case nil, .null?: throw reader.fail("model.unk_id is missing: text with an unknown character could not be encoded")
        default:
            let unk = try reader.int(v?["unk_id"], "model.unk_id")
            guard unk >= 0, unk < entries.count else {
                throw reader.fail("model.unk_id \(unk) is outside the vocabulary (0..<\(entries.count))")
            }
            unkID = Int32(unk)
        }
        byteFallback = try reader.bool(v?["byte_fallback"], "model.byte_fallback", default: false)
        self.pieces = pieces
        self.scores = scores
        self.ids = ids
        self.trie = trie
        unkScore = scores.min()! - 10
    }

    var count: Int { pieces.count }

    func id(of piece: String) -> Int32? { ids[Array(piece.utf8)] }

    /// The ids of one pre-tokenized piece.
    func encode(_ piece: [Unicode.Scalar]) -> [Int32] {
        let bytes = piece.utf8Bytes
        if let hit = cache.get(bytes) { return hit }
        let n = bytes.count
        guard n > 0 else { return [] }
        // best[e]: the best path over bytes[0..<e]: its score, where its last token starts, that token's id.
        var score = [Double](repeating: 0, count: n + 1)
        var from = [Int](repeating: -1, count: n + 1)
        var token = [Int32](repeating: -1, count: n + 1)
        var start = 0
        while start < n {
            let here = score[start]
            let scalarLength = Self.utf8Length(lead: bytes[start])
            var single = false
            trie.forEachPrefix(of: bytes, from: start) { end, id in
                let candidate = scores[Int(id)] + here
                if from[end] < 0 || candidate > score[end] {
                    score[end] = candidate; from[end] = start; token[end] = id
                }
                if end - start == scalarLength { single = true }
            }
            if !single {
                let end = min(n, start + scalarLength)
                let candidate = unkScore + here
                if from[end] < 0 || candidate > score[end] {
                    score[end] = candidate; from[end] = start; token[end] = unkID
                }
            }
            start += scalarLength
        }
        // Back from the end; runs of unknowns fuse into one string.
        var strings: [(bytes: ArraySlice<UInt8>, id: Int32)] = []
        var end = n
        var unknownEnd = -1
        while end > 0 {
            let s = from[end]
            if token[end] == unkID {
                if unknownEnd < 0 { unknownEnd = end }
            } else {
                if unknownEnd >= 0 { strings.append((bytes[end..<unknownEnd], unkID)); unknownEnd = -1 }
                strings.append((bytes[s..<end], token[end]))
            }
            end = s
        }
        if unknownEnd >= 0 { strings.append((bytes[0..<unknownEnd], unkID)) }
        var out: [Int32] = []
        for (b, id) in strings.reversed() {
            guard id == unkID else { out.append(id); continue }
            // A fused unknown string that is itself an entry keeps its id (the library looks the string up).
            if let known = ids[Array(b)] { out.append(known); continue }
            if byteFallback {
                let byteIDs = b.map { ids[Array(("<0x" + Self.hex2($0) + ">").utf8)] }
                if byteIDs.allSatisfy({ $0 != nil }) { out += byteIDs.map { $0! }; continue }
            }
            out.append(unkID)
        }
        cache.put(bytes, out)
        return out
    }

    static func utf8Length(lead: UInt8) -> Int {
        lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
    }

    static func hex2(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
    }
}

/// Vocabulary entries by their UTF-8 bytes: a node per prefix, children in a dictionary keyed (node, byte).
struct ByteTrie: Sendable {
    private var children: [Int: Int32] = [:]
    private var terminal: [Int32] = [-1]

    mutating func insert(_ key: [UInt8], id: Int32) {
        var node = 0
        for b in key {
            let k = node << 8 | Int(b)
            if let next = children[k] { node = Int(next); continue }
            terminal.append(-1)
            let next = terminal.count - 1
            children[k] = Int32(next)
            node = next
        }
        terminal[node] = id
    }

    /// Calls `body(end, id)` for every entry that `bytes[start...]` starts with, shortest first.
    func forEachPrefix(of bytes: [UInt8], from start: Int, _ body: (Int, Int32) -> Void) {
        var node = 0
        var i = start
        while i < bytes.count, let next = children[node << 8 | Int(bytes[i])] {
            node = Int(next)
            i += 1
            if terminal[node] >= 0 { body(i, terminal[node]) }
        }
    }
}
