// CLIP's prompt tokenizer from a model folder's tokenizer/ files (vocab.json, merges.txt, and where present
// tokenizer_config.json / special_tokens_map.json), giving the ids of transformers' fast CLIPTokenizer
// called as FluxPipeline calls it: BOS + BPE tokens + EOS, truncated so that EOS stays last, padded with
// the pad token to max_length (77).

import Formats

public struct CLIPTokenizer: Sendable {
    /// <|startoftext|> (49406), <|endoftext|> (49407) and the padding id (FLUX: <|endoftext|>), as the
    /// configs name them.
    public let bosID: Int32
    public let eosID: Int32
    public let padID: Int32
    /// Ids the tokenizer can produce (vocab.json plus added tokens beyond it).
    public let vocabularySize: Int
    private let bpe: ByteLevelBPE
    private let rawTokens: AddedTokenMatcher
    private let normalizedTokens: AddedTokenMatcher

    /// Reads `folder`/vocab.json, merges.txt and, if present, tokenizer_config.json and special_tokens_map.json.
    /// Throws FormatError naming the file: missing, not JSON, a merge or special token the vocabulary lacks.
    public init(folder: String) throws {
        let vocabPath = TokenizerFile.join(folder, "vocab.json")
        let mergesPath = TokenizerFile.join(folder, "merges.txt")
        let configPath = TokenizerFile.join(folder, "tokenizer_config.json")
        let mapPath = TokenizerFile.join(folder, "special_tokens_map.json")

        let vocab = try Self.readVocab(vocabPath)
        let config = try TokenizerFile.optionalJSON(configPath)
        let map = try TokenizerFile.optionalJSON(mapPath)

        // Special tokens: tokenizer_config.json first, then special_tokens_map.json, then CLIP's defaults.
        func special(_ key: String, _ fallback: String) throws -> String {
            if let c = config, let name = try JSONReader(path: configPath).tokenName(c[key], key) { return name }
            if let m = map, let name = try JSONReader(path: mapPath).tokenName(m[key], key) { return name }
            return fallback
        }
        let names = (bos: try special("bos_token", "<|startoftext|>"), eos: try special("eos_token", "<|endoftext|>"),
                     pad: try special("pad_token", "<|endoftext|>"), unk: try special("unk_token", "<|endoftext|>"))

        // Added tokens: added_tokens_decoder, then any special token it does not list (matched on the raw text).
        var added: [AddedToken] = []
        var ids = vocab
        if let c = config, let decoder = c["added_tokens_decoder"] {
            let reader = JSONReader(path: configPath)
            for (key, entry) in try reader.object(decoder, "added_tokens_decoder") {
                guard let id = Int(key) else { throw reader.fail("added_tokens_decoder key \"\(FormatError.short(key))\" is not an id") }
                let token = try AddedToken.parse(entry, id: id, reader: reader, what: "added_tokens_decoder[\"\(key)\"]")
                if let held = ids[token.content], held != token.id {
                    throw reader.fail("added token \"\(FormatError.short(token.content))\" has id \(token.id), but vocab.json gives it \(held)")
                }
                if let other = ids.first(where: { $0.value == token.id && $0.key != token.content }) {
                    throw reader.fail("added token \"\(FormatError.short(token.content))\" has id \(token.id), which vocab.json gives to \"\(FormatError.short(other.key))\"")
                }
                ids[token.content] = token.id
                added.append(token)
            }
        }
        func id(of name: String, _ role: String) throws -> Int32 {
            guard let i = ids[name] else {
                throw FormatError(path: vocabPath, "the \(role) token \"\(FormatError.short(name))\" is not in the vocabulary")
            }
            return i
        }
        bosID = try id(of: names.bos, "bos")
        eosID = try id(of: names.eos, "eos")
        padID = try id(of: names.pad, "pad")
        let unkID = try id(of: names.unk, "unk")
        for name in [names.bos, names.eos, names.unk, names.pad] where !added.contains(where: { $0.content == name }) {
            added.append(AddedToken(content: name, id: ids[name]!, normalized: false, lstrip: false, rstrip: false))
        }
        vocabularySize = Int(ids.values.max() ?? -1) + 1

        rawTokens = AddedTokenMatcher(added.filter { !$0.normalized }.map { ($0.content, $0) })
        normalizedTokens = AddedTokenMatcher(added.filter { $0.normalized }.map { (CLIPTextCleanup.normalize($0.content), $0) })
        bpe = try ByteLevelBPE(vocab: vocab, mergesText: try TokenizerFile.text(mergesPath), suffix: "</w>",
                               unk: unkID, mergesPath: mergesPath)
    }

    /// The ids FluxPipeline feeds CLIP: padding="max_length", truncation=True, max_length `maxLength`.
    public func encode(_ text: String, maxLength: Int = 77) -> TokenizedText {
        var content: [Int32] = []
        for segment in AddedTokenMatcher.segments(text, raw: rawTokens, normalizedTokens: normalizedTokens,
                                                  normalize: CLIPTextCleanup.normalize) {
            switch segment {
            case let .token(id): content.append(id)
            case let .text(t): for word in CLIPTextCleanup.words(t) { content += bpe.encode(word) }
            }
        }
        return .assemble(prefix: [bosID], content: content, suffix: [eosID], pad: padID, maxLength: maxLength)
    }

    /// vocab.json: an object from token to a distinct id in 0..<2^31.
    static func readVocab(_ path: String) throws -> [String: Int32] {
        let reader = JSONReader(path: path)
        let members = try reader.object(try TokenizerFile.json(path), "the top level")
        var vocab: [String: Int32] = [:]
        vocab.reserveCapacity(members.count)
        var seen = Set<Int32>()
        for (token, value) in members {
            let id = try reader.int(value, "the id of \"\(FormatError.short(token))\"")
            guard let id32 = Int32(exactly: id), id >= 0 else { throw reader.fail("\"\(FormatError.short(token))\" has id \(id), outside 0..<2^31") }
            guard seen.insert(id32).inserted else { throw reader.fail("id \(id) is given to two tokens (one is \"\(FormatError.short(token))\")") }
            vocab[token] = id32
        }
        guard !vocab.isEmpty else { throw reader.fail("the vocabulary is empty") }
        return vocab
    }
}
