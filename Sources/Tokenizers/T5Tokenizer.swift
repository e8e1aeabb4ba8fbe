// T5's prompt tokenizer from a model folder's tokenizer_2/tokenizer.json (what T5TokenizerFast loads), giving
// the ids of the Hugging Face fast tokenizer called as FluxPipeline calls it: literal added tokens
// (</s>, <pad>, <unk>, <extra_id_N>) taken whole, the file's normalizer (the precompiled charsmap),
// pre-tokenizer (Metaspace) and Unigram model, the post-processor's </s>, truncation that keeps </s> last,
// padding with <pad> to max_sequence_length (512).

import Formats

public struct T5Tokenizer: Sendable {
    /// The last id the post-processor appends (T5: </s> = 1); nil when it appends none.
    public let eosID: Int32?
    /// The padding id (tokenizer_config.json's pad_token, else special_tokens_map.json's, else "<pad>").
    public let padID: Int32
    /// The model's unk_id.
    public let unkID: Int32
    /// Ids the tokenizer can produce (the model's vocabulary plus added tokens beyond it).
    public let vocabularySize: Int
    private let model: UnigramModel
    private let normalizer: TextNormalizer?
    private let preTokenizer: PreTokenizer?
    private let prefix: [Int32]
    private let suffix: [Int32]
    private let rawTokens: AddedTokenMatcher
    private let normalizedTokens: AddedTokenMatcher

    /// Reads `folder`/tokenizer.json and, if present, tokenizer_config.json / special_tokens_map.json (for the pad token).
    /// Throws FormatError naming the file: missing, truncated JSON, an unsupported model or step, an unk_id
    /// outside the vocabulary, an added or special token whose id the vocabulary does not hold.
    public init(folder: String) throws {
        let path = TokenizerFile.join(folder, "tokenizer.json")
        let json = try TokenizerFile.json(path)
        let reader = JSONReader(path: path)
        guard json.objectMembers != nil else { throw reader.fail("the top level is not an object") }
        let model = try UnigramModel(json: json["model"], reader: reader)
        self.model = model
        let normalize = try TextNormalizer.parse(json["normalizer"], reader: reader)
        normalizer = normalize
        preTokenizer = try PreTokenizer.parse(json["pre_tokenizer"], reader: reader)

        var added: [AddedToken] = []
        var byName: [String: Int32] = [:]
        let addedList = json["added_tokens"] == nil || json["added_tokens"] == .null ? [] : try reader.array(json["added_tokens"], "added_tokens")
        for (k, entry) in addedList.enumerated() {
            let id = try reader.int(entry["id"], "added_tokens[\(k)].id")
            let token = try AddedToken.parse(entry, id: id, reader: reader, what: "added_tokens[\(k)]")
            if let held = model.id(of: token.content), held != token.id {
                throw reader.fail("added token \"\(FormatError.short(token.content))\" has id \(token.id), but model.vocab gives it \(held)")
            }
            if Int(token.id) < model.count, !model.pieces[Int(token.id)].utf8.elementsEqual(token.content.utf8) {
                throw reader.fail("added token \"\(FormatError.short(token.content))\" has id \(token.id), which model.vocab gives to \"\(FormatError.short(model.pieces[Int(token.id)]))\"")
            }
            added.append(token)
            byName[token.content] = token.id
        }
        func id(of name: String) -> Int32? { byName[name] ?? model.id(of: name) }
        unkID = model.unkID
        let size = max(model.count, Int(added.map(\.id).max() ?? -1) + 1)
        vocabularySize = size

        let (before, after) = try Self.postProcessor(json["post_processor"], reader: reader, id: id)
        prefix = before
        suffix = after
        eosID = after.last
        if let bad = (before + after).first(where: { Int($0) >= size }) {
            throw reader.fail("post_processor adds id \(bad), outside the vocabulary (0..<\(size))")
        }

        // The pad token: tokenizer_config.json, then special_tokens_map.json, then T5's "<pad>".
        var padName = "<pad>"
        for file in ["tokenizer_config.json", "special_tokens_map.json"] {
            let p = TokenizerFile.join(folder, file)
            if let j = try TokenizerFile.optionalJSON(p), let name = try JSONReader(path: p).tokenName(j["pad_token"], "pad_token") {
                padName = name
                break
            }
        }
        guard let pad = id(of: padName) else { throw reader.fail("the pad token \"\(FormatError.short(padName))\" is neither an added token nor in model.vocab") }
        padID = pad

        rawTokens = AddedTokenMatcher(added.filter { !$0.normalized }.map { ($0.content, $0) })
        normalizedTokens = AddedTokenMatcher(added.filter { $0.normalized }.map { (normalize?.apply($0.content) ?? $0.content, $0) })
    }

    /// The ids FluxPipeline feeds T5: padding="max_length", truncation=True, max_length `maxLength`.
    public func encode(_ text: String, maxLength: Int = 512) -> TokenizedText {
        var content: [Int32] = []
        var first = true
        for segment in AddedTokenMatcher.segments(text, raw: rawTokens, normalizedTokens: normalizedTokens,
                                                  normalize: { normalizer?.apply($0) ?? $0 }) {
            defer { first = false }
            switch segment {
            case let .token(id): content.append(id)
            case let .text(t):
                // Only the first segment can start the prompt (Metaspace's "first" scheme; normalizer edits ignored).
                let whole = [PreToken(text: Array(t.unicodeScalars), atStart: first)]
                for piece in preTokenizer?.apply(whole) ?? whole { content += model.encode(piece.text) }
            }
        }
        return .assemble(prefix: prefix, content: content, suffix: suffix, pad: padID, maxLength: maxLength)
    }

    /// The special ids a "TemplateProcessing" post-processor puts around a single sequence ($A); none for null.
    static func postProcessor(_ v: JSONValue?, reader: JSONReader, id: (String) -> Int32?) throws -> ([Int32], [Int32]) {
        guard let v, v != .null else { return ([], []) }
        let type = try reader.string(v["type"], "post_processor.type")
        guard type == "TemplateProcessing" else {
            throw reader.fail("post_processor.type \"\(FormatError.short(type))\" is not supported (T5 uses TemplateProcessing)")
        }
        var before: [Int32] = [], after: [Int32] = []
        var seenSequence = false
        for (k, item) in try reader.array(v["single"], "post_processor.single").enumerated() {
            if item["Sequence"] != nil {
                guard !seenSequence else { throw reader.fail("post_processor.single names the sequence twice") }
                seenSequence = true
            } else if let special = item["SpecialToken"] {
                let name = try reader.string(special["id"], "post_processor.single[\(k)].SpecialToken.id")
                let ids: [Int32]
                if let listed = v["special_tokens"]?[name]?["ids"]?.arrayValue {
                    ids = try listed.enumerated().map { j, x in
                        let n = try reader.int(x, "post_processor.special_tokens[\"\(name)\"].ids[\(j)]")
                        guard let n32 = Int32(exactly: n), n >= 0 else { throw reader.fail("post_processor special token id \(n) is negative or too large") }
                        return n32
                    }
                } else if let known = id(name) {
                    ids = [known]
                } else {
                    throw reader.fail("post_processor names the special token \"\(FormatError.short(name))\", which has no id")
                }
                if seenSequence { after += ids } else { before += ids }
            } else {
                throw reader.fail("post_processor.single[\(k)] is neither a Sequence nor a SpecialToken")
            }
        }
        guard seenSequence else { throw reader.fail("post_processor.single never names the sequence ($A)") }
        return (before, after)
    }
}
