// Behaviour the pipeline relies on, stated directly (the corpus covers the rest): FluxPipeline's lengths,
// truncation keeping EOS last, padding, literal special tokens, and the documented fast-tokenizer quirks.

import Foundation
import XCTest
import Tokenizers

final class TokenizerBehaviourTests: XCTestCase {
    static let clip = try! CLIPTokenizer(folder: TokenizerFixtures.path("clip_tokenizer"))
    static let t5 = try! T5Tokenizer(folder: TokenizerFixtures.path("t5_tokenizer"))

    func testCLIPKnownIds() {
        let t = Self.clip.encode("a photo of a cat")
        XCTAssertEqual(Array(t.ids.prefix(7)), [49406, 320, 1125, 539, 320, 2368, 49407])
        XCTAssertEqual(t.ids.count, 77)
        XCTAssertEqual(t.length, 7)
        XCTAssertFalse(t.truncated)
        XCTAssertEqual(Set(t.ids[7...]), [49407], "padded with the pad token (= EOS for CLIP)")
        XCTAssertEqual(Self.clip.vocabularySize, 49408)
    }

    func testCLIPTruncationKeepsEOSLast() {
        let t = Self.clip.encode(String(repeating: "a photo of a cat ", count: 30))
        XCTAssertTrue(t.truncated)
        XCTAssertEqual(t.ids.count, 77)
        XCTAssertEqual(t.length, 77)
        XCTAssertEqual(t.ids.first, 49406)
        XCTAssertEqual(t.ids.last, 49407)
        XCTAssertEqual(Array(t.ids[1..<6]), [320, 1125, 539, 320, 2368])
    }

    func testCLIPEmptyPromptAndLowercasing() {
        XCTAssertEqual(Array(Self.clip.encode("").ids.prefix(2)), [49406, 49407])
        XCTAssertEqual(Self.clip.encode("").length, 2)
        XCTAssertEqual(Self.clip.encode("A  PHOTO\tOF a\u{00A0}Cat"), Self.clip.encode("a photo of a cat"))
    }

    func testCLIPLiteralEndOfTextIsTheSpecialToken() {
        // "<|endoftext|>" is matched on the raw text (normalized: false); upper case is spelled out in BPE.
        XCTAssertEqual(Array(Self.clip.encode("a<|endoftext|>").ids.prefix(4)), [49406, 320, 49407, 49407])
        XCTAssertGreaterThan(Self.clip.encode("a<|ENDOFTEXT|>").length, 4)
    }

    func testT5EOSPaddingAndTruncation() {
        let empty = Self.t5.encode("")
        XCTAssertEqual(empty.ids.count, 512)
        XCTAssertEqual(empty.length, 1)
        XCTAssertEqual(empty.ids.first, Self.t5.eosID)
        XCTAssertEqual(Set(empty.ids[1...]), [Self.t5.padID])
        let long = Self.t5.encode(String(repeating: "a photo of a cat ", count: 200), maxLength: 16)
        XCTAssertTrue(long.truncated)
        XCTAssertEqual(long.ids.count, 16)
        XCTAssertEqual(long.ids.last, Self.t5.eosID)
        XCTAssertEqual(Self.t5.vocabularySize, 1600)
        XCTAssertEqual([Self.t5.padID, Self.t5.eosID, Self.t5.unkID], [0, 1, 2])
    }

    func testT5LiteralSpecialTokens() {
        // The fast tokenizer reads </s>, <pad>, <extra_id_N> in the text as the tokens themselves.
        let t = Self.t5.encode("</s><pad><extra_id_0><extra_id_99>", maxLength: 8)
        XCTAssertEqual(Array(t.ids.prefix(t.length)), [1, 0, 1599, 1500, 1])
    }

    func testT5DropsTheSecondCombiningAccent() {
        // A tokenizers quirk diffusers inherits: the charsmap replaces the whole cluster by "ä".
        XCTAssertEqual(Self.t5.encode("a\u{308}\u{301}"), Self.t5.encode("\u{E4}"))
        XCTAssertNotEqual(Self.t5.encode("a\u{308}\u{301}"), Self.t5.encode("\u{E4}\u{301}"))
    }

    func testAHostileLongWordStaysCheap() {
        // One 200,000-letter word: BPE runs a heap (n log n), Viterbi is bounded by the longest piece.
        let word = String(repeating: "ab", count: 100_000)
        let start = Date()
        let c = Self.clip.encode(word)
        let t = Self.t5.encode(word)
        print(String(format: "200,000-letter word: CLIP + T5 in %.0f ms", Date().timeIntervalSince(start) * 1000))
        XCTAssertTrue(c.truncated && t.truncated)
        XCTAssertEqual([c.ids.count, c.length, t.ids.count, t.length], [77, 77, 512, 512])
        XCTAssertEqual([c.ids.last, t.ids.last], [Self.clip.eosID, Self.t5.eosID])
    }

    func testShorterLimitThanTheSpecialTokens() {
        XCTAssertEqual(Self.clip.encode("a cat", maxLength: 1).ids, [49406])
        XCTAssertEqual(Self.t5.encode("a cat", maxLength: 0).ids, [])
    }
}
