// Every code point of 0..<0x40000 and the tag / variation-selector plane, 64 to a prompt, each after an "a":
// the ids (hashed) equal the Hugging Face fast tokenizers'. This checks the Unicode tables the two sides use
// (White_Space, letters, numbers, lowercase, NFC, grapheme clusters, the charsmap) point by point.

import Foundation
import XCTest
import Formats
import Tokenizers

final class TokenizerUnicodeSweepTests: XCTestCase {
    struct Sweep {
        let prompts: [String]
        let clip: [String]
        let t5: [String]
    }

    static let sweep: Sweep = {
        let data = try! Data(contentsOf: TokenizerFixtures.folder.appendingPathComponent("tokenizer_corpus.json"))
        let s = try! JSONParser.parse([UInt8](data))["unicode_sweep"]!
        let chunk = Int(s["chunk"]!.intValue!)
        var points: [Unicode.Scalar] = []
        for r in s["ranges"]!.arrayValue! {
            let lo = UInt32(r.arrayValue![0].intValue!), hi = UInt32(r.arrayValue![1].intValue!)
            points += (lo..<hi).compactMap(Unicode.Scalar.init)   // nil exactly for the surrogates
        }
        let prompts = stride(from: 0, to: points.count, by: chunk).map { k in
            points[k..<min(k + chunk, points.count)].map { "a" + String($0) }.joined(separator: " ")
        }
        let sweep = Sweep(prompts: prompts, clip: s["clip"]!.arrayValue!.map { $0.stringValue! },
                          t5: s["t5"]!.arrayValue!.map { $0.stringValue! })
        precondition(prompts.count == Int(s["count"]!.intValue!))
        return sweep
    }()

    static func fnv1a(_ ids: ArraySlice<Int32>) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for id in ids {
            var v = UInt32(bitPattern: id)
            for _ in 0..<4 { h = (h ^ UInt64(v & 0xFF)) &* 0x0000_0100_0000_01B3; v >>= 8 }
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    func testCLIPOnEveryCodePoint() throws {
        let tok = try CLIPTokenizer(folder: TokenizerFixtures.path("clip_tokenizer"))
        check("clip", Self.sweep.clip) { tok.encode($0, maxLength: 100_000) }
    }

    func testT5OnEveryCodePoint() throws {
        let tok = try T5Tokenizer(folder: TokenizerFixtures.path("t5_tokenizer"))
        check("t5", Self.sweep.t5) { tok.encode($0, maxLength: 100_000) }
    }

    private func check(_ name: String, _ expected: [String], _ encode: (String) -> TokenizedText) {
        let prompts = Self.sweep.prompts
        XCTAssertEqual(expected.count, prompts.count)
        var differ: [String] = []
        let start = Date()
        for (k, p) in prompts.enumerated() {
            let t = encode(p)
            XCTAssertFalse(t.truncated)
            if Self.fnv1a(t.ids[..<t.length]) != expected[k] {
                differ.append(String(format: "U+%04X", p.unicodeScalars.dropFirst().first!.value))
            }
        }
        print("unicode sweep \(name): \(prompts.count - differ.count)/\(prompts.count) prompts identical"
              + String(format: " (%.0f ms)", Date().timeIntervalSince(start) * 1000)
              + (differ.isEmpty ? "" : "; chunks from " + differ.prefix(20).joined(separator: " ")))
        XCTAssertTrue(differ.isEmpty)
    }
}
