// The generator's private random source: SplitMix64 (Steele, Lea, Flood 2014), integers only.
// Every choice the generator makes is an integer draw from here, so samples are byte-identical on every
// machine. The numbers are part of the generator's output contract: changing this file changes every
// pinned sample hash in AnalogiesTests.

struct AnalogyRandom {
    private var state: UInt64

    init(state: UInt64) { self.state = state }

    /// The stream for one sample: mixes the user's seed, the sample index and a domain tag (the split or
    /// family name), so neighbouring indices and the two splits never share draws.
    init(seed: UInt64, index: Int, domain: String) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a over the domain's UTF-8 bytes
        for byte in domain.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        let mixedIndex = AnalogyRandom.mix(UInt64(bitPattern: Int64(index)) &+ 0x632b_e59b_d9b4_e019)
        self.state = AnalogyRandom.mix(seed ^ mixedIndex ^ hash)
    }

    /// SplitMix64's output function (a bijection on UInt64).
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    mutating func next() -> UInt64 {
        state = state &+ 0x9e37_79b9_7f4a_7c15
        return AnalogyRandom.mix(state)
    }

    /// Uniform integer in 0..<bound (bound > 0), by rejection so there is no modulo bias.
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "AnalogyRandom.below needs a positive bound")
        let limit = UInt64(bound)
        let threshold = (0 &- limit) % limit  // 2^64 mod bound
        while true {
            let r = next()
            if r >= threshold { return Int(r % limit) }
        }
    }

    /// Uniform integer in a closed range.
    mutating func inRange(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// One element of a non-empty array.
    mutating func pick<T>(_ choices: [T]) -> T {
        choices[below(choices.count)]
    }
}
