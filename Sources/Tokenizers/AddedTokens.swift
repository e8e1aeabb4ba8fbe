// Added (mostly special) tokens found literally in the prompt, as the tokenizers library's AddedVocabulary
// finds them: leftmost-longest matches, tokens flagged `normalized: false` on the raw text before the
// normalizer runs, `normalized: true` ones on the normalized text; `lstrip` / `rstrip` swallow the
// whitespace beside a match. The text between matches goes on through the normalizer and the model.

import Formats

struct AddedToken: Sendable {
    let content: String
    let id: Int32
    let normalized: Bool
    let lstrip: Bool
    let rstrip: Bool
}

/// A piece of the prompt: plain text for the model, or an added token's id.
enum TextSegment: Equatable {
    case text(String)
    case token(Int32)
}

struct AddedTokenMatcher: Sendable {
    /// Candidate tokens by their first scalar, longest first (leftmost-longest needs only the first hit).
    private let byFirst: [Unicode.Scalar: [(scalars: [Unicode.Scalar], token: AddedToken)]]

    /// `match`: the string to look for (for a normalized token, its content as the normalizer writes it).
    init(_ tokens: [(match: String, token: AddedToken)]) {
        var table: [Unicode.Scalar: [(scalars: [Unicode.Scalar], token: AddedToken)]] = [:]
        for (match, token) in tokens {
            let s = Array(match.unicodeScalars)
            guard let first = s.first else { continue }
            table[first, default: []].append((s, token))
        }
        for k in table.keys { table[k]!.sort { $0.scalars.count > $1.scalars.count } }
        byFirst = table
    }

    var isEmpty: Bool { byFirst.isEmpty }

    /// Splits `text` at every match; text pieces keep their order, empty ones are dropped.
    func split(_ text: String) -> [TextSegment] {
        if byFirst.isEmpty { return text.isEmpty ? [] : [.text(text)] }
        let s = Array(text.unicodeScalars)
        var out: [TextSegment] = []
        var pieceStart = 0   // start of the pending plain text
        var i = 0
        func flush(_ end: Int) {
            if end > pieceStart { out.append(.text(s[pieceStart..<end].string)) }
        }
        while i < s.count {
            guard let candidates = byFirst[s[i]],
                  let hit = candidates.first(where: { c in
                      i + c.scalars.count <= s.count && s[i..<(i + c.scalars.count)].elementsEqual(c.scalars)
                  }) else { i += 1; continue }
            var start = i
            var stop = i + hit.scalars.count
            if hit.token.lstrip {
                while start > pieceStart, s[start - 1].isSpace { start -= 1 }
            }
            if hit.token.rstrip {
                while stop < s.count, s[stop].isSpace { stop += 1 }
            }
            flush(start)
            out.append(.token(hit.token.id))
            pieceStart = stop
            i = stop
        }
        flush(s.count)
        return out
    }

    /// The two-pass split: raw-text tokens, then `normalize` on what is left, then normalized tokens.
    static func segments(_ text: String, raw: AddedTokenMatcher, normalizedTokens: AddedTokenMatcher,
                         normalize: (String) -> String) -> [TextSegment] {
        var out: [TextSegment] = []
        for segment in raw.split(text) {
            guard case let .text(t) = segment else { out.append(segment); continue }
            out += normalizedTokens.split(normalize(t))
        }
        return out
    }
}

extension AddedToken {
    /// One entry of tokenizer.json's "added_tokens" or of tokenizer_config.json's "added_tokens_decoder".
    /// `single_word` is refused: no FLUX tokenizer sets it, and ignoring it would give other ids.
    static func parse(_ v: JSONValue, id: Int, reader: JSONReader, what: String) throws -> AddedToken {
        let content = try reader.string(v["content"], "\(what).content")
        guard !content.isEmpty else { throw reader.fail("\(what) has an empty \"content\"") }
        guard let id32 = Int32(exactly: id), id >= 0 else { throw reader.fail("\(what) has id \(id), outside 0..<2^31") }
        if try reader.bool(v["single_word"], "\(what).single_word", default: false) {
            throw reader.fail("\(what) (\"\(FormatError.short(content))\") sets single_word, which is not supported")
        }
        // The library's default: special tokens are matched on the raw text, others on the normalized text.
        let special = try reader.bool(v["special"], "\(what).special", default: false)
        return AddedToken(content: content, id: id32,
                          normalized: try reader.bool(v["normalized"], "\(what).normalized", default: !special),
                          lstrip: try reader.bool(v["lstrip"], "\(what).lstrip", default: false),
                          rstrip: try reader.bool(v["rstrip"], "\(what).rstrip", default: false))
    }
}
