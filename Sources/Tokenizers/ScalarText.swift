// Text as arrays of Unicode scalars while it is cut and rewritten: appending to a String's scalar view one
// scalar at a time costs a re-validation per append (measured: most of the tokenizer's time).

extension Collection where Element == Unicode.Scalar {
    /// The UTF-8 bytes of these scalars.
    var utf8Bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count * 2)
        for s in self { UTF8.encode(s) { out.append($0) } }
        return out
    }

    /// These scalars as a String, built in one go.
    var string: String { String(decoding: utf8Bytes, as: UTF8.self) }
}

extension Unicode.Scalar {
    /// Unicode White_Space (= Oniguruma's \s, Rust's char::is_whitespace), ASCII without a table lookup.
    var isSpace: Bool {
        if value < 0x80 { return value == 0x20 || (value >= 0x09 && value <= 0x0D) }
        return properties.isWhitespace
    }
}

extension Unicode.Scalar {
    /// The newest Unicode version of the regex tables in the tokenizers library (its Oniguruma: 16.0).
    /// Swift 6.3's tables know 17.0: measured over U+0000..<U+40000 and U+E0000..<U+E0200, the only \p{L} / \p{N} disagreements are
    /// the 4,657 characters new in 17.0, which Oniguruma still reads as unassigned. (Rust's lowercase mapping
    /// already knows 17.0, as Swift's does: no cut there.)
    static let libraryUnicodeMajor = 16

    /// This scalar's general category as the library sees it (characters newer than its tables: unassigned).
    var libraryCategory: Unicode.GeneralCategory {
        if let age = properties.age, age.major <= Self.libraryUnicodeMajor { return properties.generalCategory }
        return .unassigned
    }
}
