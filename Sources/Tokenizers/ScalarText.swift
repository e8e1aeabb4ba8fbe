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
