// Tokenizer files that are missing or lie: each refused with a FormatError naming the file and the problem.

import Foundation
import XCTest
import Formats
import Tokenizers

final class TokenizerBadInputTests: XCTestCase {
    static let clipFiles = ["vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json"]
    static let t5Files = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"]

    /// A scratch copy of a fixture folder with `file` rewritten by `edit` (nil: removed).
    private func damaged(_ source: String, _ files: [String], _ file: String, _ edit: ((String) -> String)?) throws -> String {
        let dir = try TokenizerFixtures.scratchCopy(of: source, files: files)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/" + file
        if let edit {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let changed = edit(text)
            XCTAssertNotEqual(changed, text, "the edit must change \(file)")
            try changed.write(toFile: path, atomically: true, encoding: .utf8)
        } else {
            try FileManager.default.removeItem(atPath: path)
        }
        return dir
    }

    private func expectError(_ file: String, _ words: String, _ body: () throws -> Void,
                             line: UInt = #line) {
        XCTAssertThrowsError(try body(), line: line) { error in
            guard let e = error as? FormatError else { return XCTFail("not a FormatError: \(error)", line: line) }
            XCTAssertTrue(e.path.hasSuffix("/" + file), "names \(e.path), not \(file)", line: line)
            XCTAssertTrue(e.problem.contains(words), "\"\(e.problem)\" does not say \"\(words)\"", line: line)
        }
    }

    private func replacing(_ a: String, _ b: String) -> (String) -> String { { $0.replacingOccurrences(of: a, with: b) } }

    // MARK: CLIP

    func testCLIPMissingFiles() throws {
        for file in ["vocab.json", "merges.txt"] {
            let dir = try damaged("clip_tokenizer", Self.clipFiles, file, nil)
            expectError(file, "missing") { _ = try CLIPTokenizer(folder: dir) }
        }
    }

    func testCLIPWithoutTheOptionalConfigsUsesCLIPsSpecialTokens() throws {
        var dir = try damaged("clip_tokenizer", Self.clipFiles, "tokenizer_config.json", nil)
        try FileManager.default.removeItem(atPath: dir + "/special_tokens_map.json")
        let bare = try CLIPTokenizer(folder: dir)
        dir = TokenizerFixtures.path("clip_tokenizer")
        let full = try CLIPTokenizer(folder: dir)
        XCTAssertEqual(bare.encode("a photo of a cat"), full.encode("a photo of a cat"))
        XCTAssertEqual([bare.bosID, bare.eosID, bare.padID], [49406, 49407, 49407])
    }

    func testCLIPTruncatedVocabulary() throws {
        let dir = try damaged("clip_tokenizer", Self.clipFiles, "vocab.json") { String($0.prefix($0.count / 2)) }
        expectError("vocab.json", "truncated") { _ = try CLIPTokenizer(folder: dir) }
    }

    func testCLIPMergeOfUnknownSymbols() throws {
        let dir = try damaged("clip_tokenizer", Self.clipFiles, "merges.txt") { $0 + "qzqzqz xkxkxk\n" }
        expectError("merges.txt", "\"qzqzqz\" is not in vocab.json") { _ = try CLIPTokenizer(folder: dir) }
    }

    func testCLIPMergeWhoseResultIsNotInTheVocabulary() throws {
        // Both symbols are byte-level base symbols; what they would make is no token.
        let dir = try damaged("clip_tokenizer", Self.clipFiles, "merges.txt") { $0 + "Ā Ā</w>\n" }
        expectError("merges.txt", "the merge \"ĀĀ</w>\" is not in vocab.json") { _ = try CLIPTokenizer(folder: dir) }
    }

    func testCLIPBadMergeLine() throws {
        let dir = try damaged("clip_tokenizer", Self.clipFiles, "merges.txt", replacing("\ni n\n", "\nin\n"))
        expectError("merges.txt", "expected two symbols") { _ = try CLIPTokenizer(folder: dir) }
        let tripled = try damaged("clip_tokenizer", Self.clipFiles, "merges.txt", replacing("\ni n\n", "\ni n g\n"))
        expectError("merges.txt", "line 2: expected two symbols") { _ = try CLIPTokenizer(folder: tripled) }
    }

    func testCLIPDuplicateIdsInTheVocabulary() throws {
        let dir = try damaged("clip_tokenizer", Self.clipFiles, "vocab.json", replacing("\"#\":2,", "\"#\":1,"))
        expectError("vocab.json", "id 1 is given to two tokens") { _ = try CLIPTokenizer(folder: dir) }
    }

    func testCLIPSpecialTokenOutsideTheVocabulary() throws {
        let dir = try damaged("clip_tokenizer", Self.clipFiles, "tokenizer_config.json",
                              replacing("\"pad_token\": \"<|endoftext|>\"", "\"pad_token\": \"<|nothing|>\""))
        expectError("vocab.json", "the pad token \"<|nothing|>\" is not in the vocabulary") { _ = try CLIPTokenizer(folder: dir) }
    }

    func testCLIPAddedTokenWithAnotherTokensId() throws {
        let dir = try damaged("clip_tokenizer", Self.clipFiles, "tokenizer_config.json", replacing("\"49406\"", "\"320\""))
        expectError("tokenizer_config.json", "has id 320, but vocab.json gives it 49406") { _ = try CLIPTokenizer(folder: dir) }
    }

    // MARK: T5

    func testT5MissingTokenizerJSON() throws {
        let dir = try damaged("t5_tokenizer", Self.t5Files, "tokenizer.json", nil)
        expectError("tokenizer.json", "missing") { _ = try T5Tokenizer(folder: dir) }
    }

    func testT5TruncatedJSON() throws {
        let dir = try damaged("t5_tokenizer", Self.t5Files, "tokenizer.json") { String($0.prefix(200_000)) }
        expectError("tokenizer.json", "truncated") { _ = try T5Tokenizer(folder: dir) }
    }

    func testT5UnkIdOutOfRange() throws {
        let dir = try damaged("t5_tokenizer", Self.t5Files, "tokenizer.json", replacing("\"unk_id\": 2", "\"unk_id\": 1600"))
        expectError("tokenizer.json", "model.unk_id 1600 is outside the vocabulary (0..<1600)") { _ = try T5Tokenizer(folder: dir) }
        let none = try damaged("t5_tokenizer", Self.t5Files, "tokenizer.json", replacing("\"unk_id\": 2", "\"unk_id\": null"))
        expectError("tokenizer.json", "model.unk_id is missing") { _ = try T5Tokenizer(folder: none) }
    }

    func testT5UnsupportedModelType() throws {
        let dir = try damaged("t5_tokenizer", Self.t5Files, "tokenizer.json", replacing("\"type\": \"Unigram\"", "\"type\": \"WordPiece\""))
        expectError("tokenizer.json", "model.type \"WordPiece\" is not supported") { _ = try T5Tokenizer(folder: dir) }
    }

    func testT5UnsupportedNormalizerAndPreTokenizer() throws {
        let n = try damaged("t5_tokenizer", Self.t5Files, "tokenizer.json", replacing("\"type\": \"Precompiled\"", "\"type\": \"BertNormalizer\""))
        expectError("tokenizer.json", "normalizer.type \"BertNormalizer\" is not a supported normalizer") { _ = try T5Tokenizer(folder: n) }
        let p = try damaged("t5_tokenizer", Self.t5Files, "tokenizer.json", replacing("\"type\": \"WhitespaceSplit\"", "\"type\": \"ByteLevel\""))
        expectError("tokenizer.json", "pre_tokenizer.pretokenizers[0].type \"ByteLevel\" is not a supported pre-tokenizer") { _ = try T5Tokenizer(folder: p) }
    }

    func testT5AddedTokenWithAnUnknownId() throws {
        // The added "</s>" claims id 5, which the vocabulary gives to another piece.
        let dir = try damaged("t5_tokenizer", Self.t5Files, "tokenizer.json",
                              replacing("\"id\": 1,\n      \"content\": \"</s>\"", "\"id\": 5,\n      \"content\": \"</s>\""))
        expectError("tokenizer.json", "added token \"</s>\" has id 5, but model.vocab gives it 1") { _ = try T5Tokenizer(folder: dir) }
    }

    func testT5PostProcessorIdOutsideTheVocabulary() throws {
        let dir = try damaged("t5_tokenizer", Self.t5Files, "tokenizer.json", replacing("\"ids\": [\n          1\n        ]", "\"ids\": [\n          7000\n        ]"))
        expectError("tokenizer.json", "post_processor adds id 7000, outside the vocabulary") { _ = try T5Tokenizer(folder: dir) }
    }

    func testT5DamagedCharsmap() throws {
        let dir = try damaged("t5_tokenizer", Self.t5Files, "tokenizer.json", replacing("\"precompiled_charsmap\": \"ALwCAAC", "\"precompiled_charsmap\": \"ALwPAAC"))  // trie of 0x0FBC00 bytes
        expectError("tokenizer.json", "precompiled_charsmap is truncated") { _ = try T5Tokenizer(folder: dir) }
        let notBase64 = try damaged("t5_tokenizer", Self.t5Files, "tokenizer.json", replacing("\"precompiled_charsmap\": \"ALwCAAC", "\"precompiled_charsmap\": \"*LwCAAC"))
        expectError("tokenizer.json", "not valid base64") { _ = try T5Tokenizer(folder: notBase64) }
    }

    func testT5LegacyFileFormat() throws {
        // Files written before tokenizers 0.19: Metaspace says add_prefix_space, the model has no byte_fallback.
        let dir = try damaged("t5_tokenizer", Self.t5Files, "tokenizer.json") {
            $0.replacingOccurrences(of: "\"prepend_scheme\": \"always\",\n        \"split\": true", with: "\"add_prefix_space\": true")
              .replacingOccurrences(of: ",\n    \"byte_fallback\": false", with: "")
        }
        let text = try String(contentsOfFile: dir + "/tokenizer.json", encoding: .utf8)
        XCTAssertEqual(text.components(separatedBy: "\"add_prefix_space\": true").count, 2, "the pre-tokenizer was rewritten")
        XCTAssertFalse(text.contains("byte_fallback"))
        let legacy = try T5Tokenizer(folder: dir)
        let current = try T5Tokenizer(folder: TokenizerFixtures.path("t5_tokenizer"))
        for p in TokenizerFixtures.corpus.prompts.prefix(200) {
            XCTAssertEqual(legacy.encode(p), current.encode(p), p.debugDescription)
        }
    }

    func testT5FolderThatIsAFile() throws {
        let dir = try damaged("t5_tokenizer", Self.t5Files, "tokenizer.json", nil)
        try FileManager.default.createDirectory(atPath: dir + "/tokenizer.json", withIntermediateDirectories: false)
        expectError("tokenizer.json", "not a regular file") { _ = try T5Tokenizer(folder: dir) }
    }
}
