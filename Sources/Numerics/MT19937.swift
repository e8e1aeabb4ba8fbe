// The standard 32-bit Mersenne Twister (Matsumoto & Nishimura 1998), as std::mt19937, numpy's legacy
// RandomState and PyTorch's CPU generator use it. Seeding is init_genrand: x[0] = seed,
// x[i] = 1812433253 · (x[i-1] ^ (x[i-1] >> 30)) + i (mod 2^32).

public struct MT19937: Sendable {
    @usableFromInline var state: [UInt32]
    @usableFromInline var index: Int

    public init(seed: UInt32) {
        var s = [UInt32](repeating: 0, count: 624)
        s[0] = seed
        for i in 1..<624 {
            s[i] = 1_812_433_253 &* (s[i - 1] ^ (s[i - 1] >> 30)) &+ UInt32(i)
        }
        state = s
        index = 624
    }

    /// Regenerates all 624 words (the "twist").
    @usableFromInline
    mutating func twist() {
        for i in 0..<624 {
            let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7FFF_FFFF)
            var v = state[(i + 397) % 624] ^ (y >> 1)
            if y & 1 != 0 { v ^= 0x9908_B0DF }
            state[i] = v
        }
        index = 0
    }

    /// The next tempered 32-bit output.
    @inlinable
    public mutating func next() -> UInt32 {
        if index >= 624 { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }
}
