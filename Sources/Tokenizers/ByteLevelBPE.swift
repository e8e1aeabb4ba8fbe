// Byte-level BPE as the tokenizers library runs it for CLIP: a word's UTF-8 bytes become the GPT-2
// printable characters, the last one carries the end-of-word suffix ("</w>"), then the adjacent pair with
// the lowest merge rank is merged (the leftmost on a tie) until no pair has a rank. Merges are a
// dictionary from the pair of ids to (rank, merged id), applied through a heap (O(n log n) in the word's
// length, as the library does: a long hostile word stays cheap); words already seen come from a cache.

import Foundation
import Formats

struct ByteLevelBPE: Sendable {
    /// Initial symbol of byte b inside a word, and as the word's last byte (with the suffix).
    private let byteID: [Int32]
    private let byteEndID: [Int32]
    /// (left << 32 | right) -> (rank << 32 | merged id): comparing values compares ranks.
    private let merges: [UInt64: UInt64]
    private let cache = WordCache()

    /// GPT-2's table: printable Latin-1 bytes stand for themselves, the others for U+0100 onwards.
    static let byteCharacters: [String] = {
        var printable = Array(0x21...0x7E) + Array(0xA1...0xAC) + Array(0xAE...0xFF)
        var table = [String](repeating: "", count: 256)
        for b in printable { table[b] = String(Unicode.Scalar(UInt32(b))!) }
        var next: UInt32 = 256
        for b in 0..<256 where table[b].isEmpty {
            table[b] = String(Unicode.Scalar(next)!)
            next += 1
            printable.append(b)
        }
        return table
    }()

    /// `vocab`: token -> id (vocab.json); `mergesText`: merges.txt. Every symbol a merge names, and what
    /// it makes, must be in the vocabulary; `unk` stands for a byte symbol the vocabulary lacks.
    init(vocab: [String: Int32], mergesText: String, suffix: String, unk: Int32, mergesPath: String) throws {
        byteID = Self.byteCharacters.map { vocab[$0] ?? unk }
        byteEndID = Self.byteCharacters.map { vocab[$0 + suffix] ?? unk }
        var merges: [UInt64: UInt64] = [:]
        var lines = mergesText.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        var rank: UInt64 = 0
        for (n, rawLine) in lines.enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if n == 0 && line.hasPrefix("#version") { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            func fail(_ problem: String) -> FormatError { FormatError(path: mergesPath, "line \(n + 1): \(problem)") }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw fail("expected two symbols separated by one space, found \"\(FormatError.short(String(line)))\"")
            }
            guard let a = vocab[String(parts[0])] else { throw fail("symbol \"\(FormatError.short(String(parts[0])))\" is not in vocab.json") }
            guard let b = vocab[String(parts[1])] else { throw fail("symbol \"\(FormatError.short(String(parts[1])))\" is not in vocab.json") }
            guard let merged = vocab[String(parts[0]) + String(parts[1])] else {
                throw fail("the merge \"\(FormatError.short(String(parts[0]) + String(parts[1])))\" is not in vocab.json")
            }
            let key = UInt64(UInt32(a)) << 32 | UInt64(UInt32(b))
            guard merges[key] == nil else { throw fail("the merge \"\(FormatError.short(String(line)))\" is listed twice") }
            merges[key] = rank << 32 | UInt64(UInt32(merged))
            rank += 1
        }
        self.merges = merges
    }

    /// The ids of one word (no whitespace inside).
    func encode(_ word: ArraySlice<Unicode.Scalar>) -> [Int32] {
        let bytes = word.utf8Bytes
        let cacheable = bytes.count <= 256   // a hostile megabyte word must not stay in memory
        if cacheable, let hit = cache.get(bytes) { return hit }
        guard !bytes.isEmpty else { return [] }
        var symbols = bytes.map { byteID[Int($0)] }
        symbols[symbols.count - 1] = byteEndID[Int(bytes[bytes.count - 1])]
        let out = mergeAll(symbols)
        if cacheable { cache.put(bytes, out) }
        return out
    }

    /// Lowest rank first, leftmost on a tie, in O(n log n): a heap of candidate merges over a linked list of
    /// symbols; a candidate whose pair has changed since it was pushed is skipped when it comes up.
    private func mergeAll(_ initial: [Int32]) -> [Int32] {
        let n = initial.count
        if n == 1 { return initial }
        var id = initial
        var next = Array(1...n); next[n - 1] = -1
        var prev = Array(-1..<(n - 1))
        var alive = [Bool](repeating: true, count: n)
        var heap = MergeHeap()
        func push(_ left: Int) {
            let right = next[left]
            guard right >= 0, let v = merges[UInt64(UInt32(id[left])) << 32 | UInt64(UInt32(id[right]))] else { return }
            heap.push(rank: v >> 32, position: left, merged: Int32(truncatingIfNeeded: v & 0xFFFF_FFFF))
        }
        for k in 0..<(n - 1) { push(k) }
        while let top = heap.pop() {
            let left = top.position
            guard alive[left], next[left] >= 0 else { continue }
            let right = next[left]
            guard let v = merges[UInt64(UInt32(id[left])) << 32 | UInt64(UInt32(id[right]))],
                  v >> 32 == top.rank else { continue }
            id[left] = top.merged
            alive[right] = false
            next[left] = next[right]
            if next[right] >= 0 { prev[next[right]] = left }
            if prev[left] >= 0 { push(prev[left]) }
            push(left)
        }
        var out: [Int32] = []
        var k = 0
        while k >= 0 { out.append(id[k]); k = next[k] }
        return out
    }
}

/// A binary min-heap of candidate merges ordered by (rank, position).
struct MergeHeap {
    struct Entry { let rank: UInt64; let position: Int; let merged: Int32 }
    private var items: [Entry] = []

    private static func less(_ a: Entry, _ b: Entry) -> Bool {
        a.rank != b.rank ? a.rank < b.rank : a.position < b.position
    }

    mutating func push(rank: UInt64, position: Int, merged: Int32) {
        items.append(Entry(rank: rank, position: position, merged: merged))
        var c = items.count - 1
        while c > 0 {
            let p = (c - 1) / 2
            guard Self.less(items[c], items[p]) else { break }
            items.swapAt(c, p)
            c = p
        }
    }

    mutating func pop() -> Entry? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var p = 0
            while true {
                let l = 2 * p + 1, r = l + 1
                var m = p
                if l < items.count, Self.less(items[l], items[m]) { m = l }
                if r < items.count, Self.less(items[r], items[m]) { m = r }
                if m == p { break }
                items.swapAt(p, m)
                p = m
            }
        }
        return first
    }
}

/// Words already encoded (prompts repeat words); bounded, cleared when full. Thread-safe. Keyed by UTF-8
/// bytes: String keys would merge canonically equivalent words, which the tokenizers tell apart.
final class WordCache: @unchecked Sendable {
    private var table: [[UInt8]: [Int32]] = [:]
    private let lock = NSLock()
    private let capacity = 10_000

    func get(_ key: [UInt8]) -> [Int32]? {
        lock.lock(); defer { lock.unlock() }
        return table[key]
    }

    func put(_ key: [UInt8], _ value: [Int32]) {
        lock.lock(); defer { lock.unlock() }
        if table.count >= capacity { table.removeAll(keepingCapacity: true) }
        table[key] = value
    }
}
