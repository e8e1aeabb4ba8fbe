// The pre-tokenizers of a SentencePiece tokenizer.json: WhitespaceSplit (drop Unicode whitespace between
// words), Metaspace (spaces become "▁", a "▁" is prepended as `prepend_scheme` says, then with `split`
// every "▁" starts a new piece), and Sequence. T5's file: Sequence[WhitespaceSplit, Metaspace(always, split)].

import Formats

/// A piece of text on its way to the model; `atStart`: it begins at the start of the prompt
/// (Metaspace's "first" scheme prepends only there).
struct PreToken {
    var text: [Unicode.Scalar]
    var atStart: Bool
}

indirect enum PreTokenizer: Sendable {
    enum Prepend: Sendable { case always, first, never }

    case sequence([PreTokenizer])
    case whitespaceSplit
    case metaspace(replacement: Unicode.Scalar, prepend: Prepend, split: Bool)

    func apply(_ pieces: [PreToken]) -> [PreToken] {
        switch self {
        case let .sequence(steps): return steps.reduce(pieces) { $1.apply($0) }
        case .whitespaceSplit:
            var out: [PreToken] = []
            for p in pieces {
                var word: [Unicode.Scalar] = []
                var first = true
                var startsHere = p.atStart
                for c in p.text {
                    if c.isSpace {
                        if !word.isEmpty { out.append(PreToken(text: word, atStart: startsHere && first)); first = false; word = [] }
                        startsHere = false
                    } else {
                        word.append(c)
                    }
                }
                if !word.isEmpty { out.append(PreToken(text: word, atStart: startsHere && first)) }
            }
            return out
        case let .metaspace(replacement, prepend, split):
            var out: [PreToken] = []
            for p in pieces {
                var s = p.text.map { $0 == " " ? replacement : $0 }
                let wants = prepend == .always || (prepend == .first && p.atStart)
                if wants && s.first != replacement { s.insert(replacement, at: 0) }
                guard split else { out.append(PreToken(text: s, atStart: p.atStart)); continue }
                var current: [Unicode.Scalar] = []
                var first = true
                for c in s {
                    if c == replacement && !current.isEmpty {
                        out.append(PreToken(text: current, atStart: p.atStart && first))
                        first = false
                        current = []
                    }
                    current.append(c)
                }
                if !current.isEmpty { out.append(PreToken(text: current, atStart: p.atStart && first)) }
            }
            return out
        }
    }

    /// One "pre_tokenizer" value of tokenizer.json (null: the whole segment is one piece).
    static func parse(_ v: JSONValue?, reader: JSONReader, what: String = "pre_tokenizer") throws -> PreTokenizer? {
        guard let v, v != .null else { return nil }
        let type = try reader.string(v["type"], "\(what).type")
        switch type {
        case "Sequence":
            let steps = try reader.array(v["pretokenizers"], "\(what).pretokenizers").enumerated().map { k, step in
                try parse(step, reader: reader, what: "\(what).pretokenizers[\(k)]")
            }
            return .sequence(steps.compactMap { $0 })
        case "WhitespaceSplit": return .whitespaceSplit
        case "Metaspace":
            let rep = try reader.string(v["replacement"], "\(what).replacement").unicodeScalars
            guard rep.count == 1, let replacement = rep.first else { throw reader.fail("\(what).replacement must be one character") }
            let prepend: Prepend
            if let scheme = v["prepend_scheme"], scheme != .null {
                switch try reader.string(scheme, "\(what).prepend_scheme") {
                case "always": prepend = .always
                case "first": prepend = .first
                case "never": prepend = .never
                case let other: throw reader.fail("\(what).prepend_scheme \"\(FormatError.short(other))\" is not always, first or never")
                }
            } else {
                // Files written before tokenizers 0.19 say add_prefix_space instead.
                prepend = try reader.bool(v["add_prefix_space"], "\(what).add_prefix_space", default: true) ? .always : .never
            }
            return .metaspace(replacement: replacement, prepend: prepend,
                              split: try reader.bool(v["split"], "\(what).split", default: true))
        default: throw reader.fail("\(what).type \"\(FormatError.short(type))\" is not a supported pre-tokenizer")
        }
    }
}
