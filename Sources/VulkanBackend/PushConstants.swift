// Push constants for one dispatch: 32-bit words in declaration order (std430 scalars: uint, int, float),
// at most 128 bytes (the Vulkan minimum every device supports).

public struct PushConstants: Sendable, Equatable {
    public private(set) var words: [UInt32] = []
    public static let maxBytes = 128

    public init() {}

    /// From unsigned sizes, in order (the common case: `PushConstants(m, n, k)`).
    public init(_ values: Int...) { for v in values { append(v) } }

    public mutating func append(_ value: Int) {
        precondition(value >= 0 && value <= Int(UInt32.max), "push constant \(value) does not fit a uint")
        append(word: UInt32(value))
    }
    public mutating func append(_ value: Int32) { append(word: UInt32(bitPattern: value)) }
    public mutating func append(_ value: Float) { append(word: value.bitPattern) }
    public mutating func append(word: UInt32) {
        precondition(words.count < Self.maxBytes / 4, "more than \(Self.maxBytes) bytes of push constants")
        words.append(word)
    }
}
