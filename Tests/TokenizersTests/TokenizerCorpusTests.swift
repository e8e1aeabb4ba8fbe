// Every prompt of the generated corpus gives the Hugging Face fast tokenizers' ids (FluxPipeline's call:
// padding to max_length, truncation), for CLIP (the real vocabulary) and for T5 (trained unigram models).

import Foundation
import XCTest
import Tokenizers

final class TokenizerCorpusTests: XCTestCase {
    func testCorpusIsBigAndVaried() {
        let c = TokenizerFixtures.corpus
        XCTAssertGreaterThanOrEqual(c.prompts.count, 500)
        XCTAssertTrue(c.prompts.contains(""))
        for e in c.expected.values {
            XCTAssertEqual(e.ids.count, c.prompts.count)
            XCTAssertGreaterThan(e.truncated.filter { $0 }.count, 10, "prompts over the limit")
        }
    }

    func testCLIPMatchesTheFastTokenizerOnEveryPrompt() throws {
        let start = Date()
        let tok = try CLIPTokenizer(folder: TokenizerFixtures.path("clip_tokenizer"))
        print(String(format: "CLIP tokenizer loaded (49,408 tokens, 48,894 merges) in %.0f ms", Date().timeIntervalSince(start) * 1000))
        try check("clip") { tok.encode($0, maxLength: $1) }
    }

    func testT5MatchesTheFastTokenizerOnEveryPrompt() throws {
        let start = Date()
        let tok = try T5Tokenizer(folder: TokenizerFixtures.path("t5_tokenizer"))
        print(String(format: "T5 tokenizer loaded (%d pieces) in %.0f ms", tok.vocabularySize, Date().timeIntervalSince(start) * 1000))
        try check("t5") { tok.encode($0, maxLength: $1) }
    }

    func testT5TruncationMatchesAtAShortLimit() throws {
        let tok = try T5Tokenizer(folder: TokenizerFixtures.path("t5_tokenizer"))
        try check("t5_short") { tok.encode($0, maxLength: $1) }
    }

    func testT5ByteFallbackMatchesTheTokenizersLibrary() throws {
        let tok = try T5Tokenizer(folder: TokenizerFixtures.path("t5_bytefallback"))
        try check("t5_bytefallback") { tok.encode($0, maxLength: $1) }
    }

    /// Metaspace's other prepend schemes: the same file with the scheme edited (the generator made the same edit).
    func testT5PrependSchemesFirstAndNever() throws {
        for scheme in ["first", "never"] {
            let dir = try TokenizerFixtures.scratchCopy(of: "t5_tokenizer", files: ["tokenizer.json", "tokenizer_config.json"])
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let path = dir + "/tokenizer.json"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let edited = text.replacingOccurrences(of: "\"prepend_scheme\": \"always\",\n        \"split\"",
                                                   with: "\"prepend_scheme\": \"\(scheme)\",\n        \"split\"")
            XCTAssertNotEqual(edited, text)
            try edited.write(toFile: path, atomically: true, encoding: .utf8)
            let tok = try T5Tokenizer(folder: dir)
            try check("t5_prepend_" + scheme) { tok.encode($0, maxLength: $1) }
        }
    }

    /// Compares every prompt; reports "N/N identical" and the time of the whole corpus (second pass: cache warm).
    private func check(_ name: String, _ encode: (String, Int) -> TokenizedText) throws {
        let c = TokenizerFixtures.corpus
        let e = try XCTUnwrap(c.expected[name])
        var identical = 0
        var firstFailures: [String] = []
        let start = Date()
        for (k, prompt) in c.prompts.enumerated() {
            let got = encode(prompt, e.maxLength)
            let want = e.padded(k)
            if got.ids == want && got.truncated == e.truncated[k] && got.length == e.ids[k].count {
                identical += 1
            } else if firstFailures.count < 8 {
                let at = (0..<min(got.ids.count, want.count)).first { got.ids[$0] != want[$0] } ?? min(got.ids.count, want.count)
                firstFailures.append("#\(k) \(prompt.debugDescription.prefix(60)): first difference at \(at): "
                    + "got \(Array(got.ids[at...].prefix(6))) want \(Array(want[at...].prefix(6))), truncated \(got.truncated)/\(e.truncated[k])")
            }
        }
        let cold = Date().timeIntervalSince(start)
        let warmStart = Date()
        for prompt in c.prompts { _ = encode(prompt, e.maxLength) }
        let warm = Date().timeIntervalSince(warmStart)
        print("tokenizer corpus \(name): \(identical)/\(c.prompts.count) identical; "
              + String(format: "%.1f ms first pass, %.1f ms cached", cold * 1000, warm * 1000))
        XCTAssertEqual(identical, c.prompts.count, firstFailures.joined(separator: "\n"))
    }
}
