// The committed tokenizer folders and the corpus of expected ids (Tools/fixtures/tokenizer_fixtures.py).

import Foundation
import Formats

enum TokenizerFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// The expected ids of one tokenizer, as the Hugging Face fast tokenizer gave them.
    struct Expected {
        let maxLength: Int
        let padID: Int32
        /// Ids before the padding, per prompt.
        let ids: [[Int32]]
        let truncated: [Bool]

        func padded(_ k: Int) -> [Int32] { ids[k] + Array(repeating: padID, count: maxLength - ids[k].count) }
    }

    struct Corpus {
        let prompts: [String]
        let expected: [String: Expected]
    }

    static let corpus: Corpus = {
        let data = try! Data(contentsOf: folder.appendingPathComponent("tokenizer_corpus.json"))
        let json = try! JSONParser.parse([UInt8](data))
        let prompts = json["prompts"]!.arrayValue!.map { $0.stringValue! }
        var expected: [String: Expected] = [:]
        for name in ["clip", "t5", "t5_short", "t5_bytefallback", "t5_prepend_first", "t5_prepend_never"] {
            let e = json[name]!
            expected[name] = Expected(
                maxLength: Int(e["max_length"]!.intValue!), padID: Int32(e["pad_id"]!.intValue!),
                ids: e["ids"]!.arrayValue!.map { $0.arrayValue!.map { Int32($0.intValue!) } },
                truncated: e["truncated"]!.arrayValue!.map { $0 == .bool(true) })
        }
        return Corpus(prompts: prompts, expected: expected)
    }()

    /// A fresh temporary folder holding copies of `files` from the fixture folder `source` (for damaging them).
    static func scratchCopy(of source: String, files: [String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tok-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for f in files {
            try FileManager.default.copyItem(at: folder.appendingPathComponent(source).appendingPathComponent(f),
                                             to: dir.appendingPathComponent(f))
        }
        return dir.path
    }
}
