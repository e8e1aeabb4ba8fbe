// What a tokenizer hands the text encoder: a fixed-length row of ids, and whether the prompt had to be cut.

/// Token ids of one prompt, padded to the length the caller asked for.
public struct TokenizedText: Sendable, Equatable {
    /// Exactly `maxLength` ids: the special tokens, the prompt's tokens, then padding.
    public let ids: [Int32]
    /// The prompt did not fit: tokens were dropped (the caller warns).
    public let truncated: Bool
    /// How many ids come before the padding.
    public let length: Int

    public init(ids: [Int32], truncated: Bool, length: Int) {
        self.ids = ids
        self.truncated = truncated
        self.length = length
    }

    /// The Hugging Face layout (truncation on the right, then padding): the content is cut so that
    /// `prefix + content + suffix` fits `maxLength` (so EOS stays last), then padded with `pad`.
    /// A `maxLength` shorter than the special tokens keeps the first `maxLength` of them.
    static func assemble(prefix: [Int32], content: [Int32], suffix: [Int32], pad: Int32, maxLength: Int) -> TokenizedText {
        let budget = max(0, maxLength - prefix.count - suffix.count)
        let truncated = content.count > budget
        var ids = prefix + content.prefix(budget) + suffix
        if ids.count > maxLength { ids.removeLast(ids.count - max(0, maxLength)) }
        let length = ids.count
        ids += Array(repeating: pad, count: max(0, maxLength) - length)
        return TokenizedText(ids: ids, truncated: truncated, length: length)
    }
}
