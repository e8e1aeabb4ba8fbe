// Storage dtypes and their exact conversions to and from the f32 compute type (Docs/NUMERICS.md "Types").
// Widening (f16/bf16 -> f32) is exact; narrowing rounds to nearest, ties to even.

public enum DType: String, Sendable, CaseIterable, Codable {
    case f32 = "F32"
    case f16 = "F16"
    case bf16 = "BF16"

    /// Bytes per element in storage.
    public var size: Int {
        switch self {
        case .f32: return 4
        case .f16, .bf16: return 2
        }
    }
}

public enum DTypeConversion {
    /// bf16 is the top half of an f32: widening is a shift.
    @inline(__always)
    public static func float(bf16Bits b: UInt16) -> Float {
        Float(bitPattern: UInt32(b) << 16)
    }

    /// f32 -> bf16 bits, round to nearest even; NaN stays a (quiet) NaN.
    @inline(__always)
    public static func bf16Bits(_ x: Float) -> UInt16 {
        let u = x.bitPattern
        if x.isNaN { return UInt16(truncatingIfNeeded: (u >> 16) | 0x0040) }
        let rounding = UInt32(0x7FFF) + ((u >> 16) & 1)
        return UInt16(truncatingIfNeeded: (u &+ rounding) >> 16)
    }

    /// IEEE half -> f32, exact (subnormals, infinities and NaN included).
    @inline(__always)
    public static func float(f16Bits h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = UInt32(h >> 10) & 0x1F
        let mantissa = UInt32(h & 0x3FF)
        if exponent == 0 {
            if mantissa == 0 { return Float(bitPattern: sign) }
            // Subnormal half: mantissa * 2^-24, exact in f32.
            let magnitude = Float(mantissa) * Float(bitPattern: 0x3380_0000)  // 2^-24
            return sign != 0 ? -magnitude : magnitude
        }
        if exponent == 0x1F {
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
    }

    /// f32 -> IEEE half bits, round to nearest even (overflow to infinity, gradual underflow).
    public static func f16Bits(_ x: Float) -> UInt16 {
        let u = x.bitPattern
        let sign = UInt16((u >> 16) & 0x8000)
        let absBits = u & 0x7FFF_FFFF
        if absBits >= 0x7F80_0000 {  // inf or NaN
            return absBits > 0x7F80_0000 ? (sign | 0x7E00 | UInt16((absBits >> 13) & 0x3FF)) : (sign | 0x7C00)
        }
        let exponent = Int(absBits >> 23) - 127
        if exponent > 15 { return sign | 0x7C00 }
        if exponent >= -14 {
            // Normal half: keep 10 mantissa bits, round the 13 dropped bits to nearest even.
            let mantissa = absBits & 0x7F_FFFF
            var half = UInt32(exponent + 15) << 10 | (mantissa >> 13)
            let rest = mantissa & 0x1FFF
            if rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1) { half += 1 }  // may carry into exponent: correct
            return sign | UInt16(half)
        }
        if exponent < -25 { return sign }
        // Subnormal half: value = m * 2^-24 with the implicit bit made explicit.
        let mantissa = (absBits & 0x7F_FFFF) | 0x80_0000
        let shift = UInt32(-exponent - 14 + 13)  // 14..24
        var half = mantissa >> shift
        let rest = mantissa & ((1 << shift) - 1)
        let halfway = UInt32(1) << (shift - 1)
        if rest > halfway || (rest == halfway && (half & 1) == 1) { half += 1 }
        return sign | UInt16(half)
    }
}
