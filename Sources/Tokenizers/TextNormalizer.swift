// The normalizer steps a tokenizer.json may list before a Unigram model (tokenizers' names): Precompiled,
// Replace (a literal or a regular expression), Strip, Lowercase, NFC/NFD/NFKC/NFKD, Prepend, Sequence.
// Regular expressions go to NSRegularExpression (ICU); the patterns SentencePiece conversions write
// (" {2,}", "\A +| +\z", "\A▁") mean the same there as in Oniguruma.

import Foundation
import Formats

indirect enum TextNormalizer: Sendable {
    case sequence([TextNormalizer])
    case precompiled(PrecompiledCharsmap)
    case replaceLiteral(String, with: String)
    case replaceRegex(RegexBox, with: String)
    case strip(left: Bool, right: Bool)
    case lowercase
    case nfc, nfd, nfkc, nfkd
    case prepend(String)

    func apply(_ text: String) -> String {
        switch self {
        case let .sequence(steps): return steps.reduce(text) { $1.apply($0) }
        case let .precompiled(map): return map.normalize(text)
        case let .replaceLiteral(pattern, with): return text.replacingOccurrences(of: pattern, with: with, options: .literal)
        case let .replaceRegex(box, with):
            let ns = text as NSString
            return box.regex.stringByReplacingMatches(in: text, range: NSRange(location: 0, length: ns.length),
                                                      withTemplate: NSRegularExpression.escapedTemplate(for: with))
        case let .strip(left, right):
            var s = Array(text.unicodeScalars)[...]
            if left { while let f = s.first, f.isSpace { s.removeFirst() } }
            if right { while let l = s.last, l.isSpace { s.removeLast() } }
            return s.string
        case .lowercase:
            var out: [UInt8] = []
            for c in text.unicodeScalars { out += c.properties.lowercaseMapping.utf8 }
            return String(decoding: out, as: UTF8.self)
        case .nfc: return text.precomposedStringWithCanonicalMapping
        case .nfd: return text.decomposedStringWithCanonicalMapping
        case .nfkc: return text.precomposedStringWithCompatibilityMapping
        case .nfkd: return text.decomposedStringWithCompatibilityMapping
        case let .prepend(p): return text.isEmpty ? text : p + text
        }
    }

    /// One "normalizer" value of tokenizer.json (null: no normalizer).
    static func parse(_ v: JSONValue?, reader: JSONReader, what: String = "normalizer") throws -> TextNormalizer? {
        guard let v, v != .null else { return nil }
        let type = try reader.string(v["type"], "\(what).type")
        switch type {
        case "Sequence":
            let steps = try reader.array(v["normalizers"], "\(what).normalizers").enumerated().map { k, step in
                try parse(step, reader: reader, what: "\(what).normalizers[\(k)]")
            }
            return .sequence(steps.compactMap { $0 })
        case "Precompiled":
            return .precompiled(try PrecompiledCharsmap(base64: try reader.string(v["precompiled_charsmap"], "\(what).precompiled_charsmap"),
                                                        path: reader.path))
        case "Replace":
            let content = try reader.string(v["content"], "\(what).content")
            if let literal = v["pattern"]?["String"]?.stringValue { return .replaceLiteral(literal, with: content) }
            let pattern = try reader.string(v["pattern"]?["Regex"], "\(what).pattern (String or Regex)")
            guard let regex = try? NSRegularExpression(pattern: pattern) else {
                throw reader.fail("\(what).pattern \"\(FormatError.short(pattern))\" is not a regular expression this reader accepts")
            }
            return .replaceRegex(RegexBox(regex: regex), with: content)
        case "Strip":
            return .strip(left: try reader.bool(v["strip_left"], "\(what).strip_left", default: true),
                          right: try reader.bool(v["strip_right"], "\(what).strip_right", default: true))
        case "Lowercase": return .lowercase
        case "NFC": return .nfc
        case "NFD": return .nfd
        case "NFKC": return .nfkc
        case "NFKD": return .nfkd
        case "Prepend": return .prepend(try reader.string(v["prepend"], "\(what).prepend"))
        default: throw reader.fail("\(what).type \"\(FormatError.short(type))\" is not a supported normalizer")
        }
    }
}

/// NSRegularExpression is immutable and thread-safe, but not marked Sendable.
final class RegexBox: @unchecked Sendable {
    let regex: NSRegularExpression
    init(regex: NSRegularExpression) { self.regex = regex }
}
