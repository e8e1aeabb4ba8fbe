// CLIP's text cleanup and pre-tokenizer, as transformers' (fast) CLIPTokenizer configures the tokenizers
// library: normalizer NFC -> Replace(\s+, " ") -> Lowercase; pre-tokenizer Split on
//   <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
// (the matches are the words, the whitespace between them is dropped), then ByteLevel, whose GPT-2 split
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// cuts those words once more (it matters only for a literal "<|endoftext|>" left in the text).
// Not OpenAI's original cleanup: no ftfy, no HTML unescaping, no stripping (Docs/TOKENIZERS.md).
// \s is Unicode White_Space (Oniguruma's, = Swift's isWhitespace); \p{L} and \p{N} are general categories,
// read as of the library's Unicode version (ScalarText.swift).

import Foundation

enum CLIPTextCleanup {
    static func normalize(_ text: String) -> String {
        let nfc = text.precomposedStringWithCanonicalMapping
        var out: [UInt8] = []
        out.reserveCapacity(nfc.utf8.count)
        var inSpace = false
        for s in nfc.unicodeScalars {
            if s.isSpace {
                if !inSpace { out.append(0x20) }
                inSpace = true
                continue
            }
            inSpace = false
            if s.isASCII {
                let b = UInt8(s.value)
                out.append(b >= 0x41 && b <= 0x5A ? b + 0x20 : b)
            } else {
                // Per scalar, full mapping, no context (Rust's char::to_lowercase): "İ" -> "i̇", "Σ" -> "σ" always.
                out += s.properties.lowercaseMapping.utf8
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The words of normalized text: CLIP's split, each word cut again by the byte-level GPT-2 split.
    static func words(_ normalized: String) -> [ArraySlice<Unicode.Scalar>] {
        let scalars = Array(normalized.unicodeScalars)
        var out: [ArraySlice<Unicode.Scalar>] = []
        for word in scan(scalars[...], clip: true) { out += scan(word, clip: false) }
        return out
    }

    private static let specials: [[Unicode.Scalar]] = ["<|startoftext|>", "<|endoftext|>"].map { Array($0.unicodeScalars) }
    private static let contractions: [[Unicode.Scalar]] = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"].map { Array($0.unicodeScalars) }

    /// Leftmost-first matching of the alternatives above over text; whitespace between matches is dropped.
    /// `clip`: CLIP's pattern (the two specials, single digits); otherwise GPT-2's (digit runs).
    private static func scan(_ s: ArraySlice<Unicode.Scalar>, clip: Bool) -> [ArraySlice<Unicode.Scalar>] {
        var out: [ArraySlice<Unicode.Scalar>] = []
        var i = s.startIndex
        func hasPrefix(_ p: [Unicode.Scalar], at i: Int) -> Bool {
            i + p.count <= s.endIndex && s[i..<(i + p.count)].elementsEqual(p)
        }
        while i < s.endIndex {
            let c = s[i]
            if c.isSpace { i += 1; continue }
            var end = i
            if clip, let p = specials.first(where: { hasPrefix($0, at: i) }) {
                end = i + p.count
            } else if let p = contractions.first(where: { hasPrefix($0, at: i) }) {
                end = i + p.count
            } else if isLetter(c) {
                end = i + 1
                while end < s.endIndex, isLetter(s[end]) { end += 1 }
            } else if isNumber(c) {
                end = i + 1
                if !clip { while end < s.endIndex, isNumber(s[end]) { end += 1 } }
            } else {
                end = i + 1
                while end < s.endIndex, !s[end].isSpace, !isLetter(s[end]), !isNumber(s[end]) { end += 1 }
            }
            out.append(s[i..<end])
            i = end
        }
        return out
    }

    static func isLetter(_ c: Unicode.Scalar) -> Bool {
        if c.value < 0x80 { return (c.value | 0x20) >= 0x61 && (c.value | 0x20) <= 0x7A }
        switch c.libraryCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    static func isNumber(_ c: Unicode.Scalar) -> Bool {
        if c.value < 0x80 { return c.value >= 0x30 && c.value <= 0x39 }
        switch c.libraryCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }
}
