// The one float <-> u8 rule of the project (Docs/NUMERICS.md "Images"). Every image that leaves the
// pipeline goes through `u8`; every image that enters goes through `float`.

public enum PixelConversion {
    /// [0, 1] float to u8: clamp to [0, 1] (NaN -> 0), multiply by 255 (one f32 rounding),
    /// round half to even. Exactly: `UInt8((min(max(x, 0), 1) * 255).rounded(.toNearestOrEven))`.
    @inline(__always)
    public static func u8(_ x: Float) -> UInt8 {
        let clamped: Float = x.isNaN ? 0 : (x < 0 ? 0 : (x > 1 ? 1 : x))
        return UInt8((clamped * 255).rounded(.toNearestOrEven))
    }

    /// [-1, 1] float (the VAE's range) to u8: `u8(x * 0.5 + 0.5)`: one f32 multiply (exact, it
    /// halves), then one f32 add (one rounding), never fused; then `u8`. Same as diffusers'
    /// (x / 2 + 0.5).clamp(0, 1) * 255 followed by round-half-even.
    @inline(__always)
    public static func u8(signed x: Float) -> UInt8 {
        let half = x * 0.5
        return u8(half + 0.5)
    }

    /// u8 to [0, 1] float: one f32 division, u / 255 (correctly rounded).
    @inline(__always)
    public static func float(_ u: UInt8) -> Float {
        Float(u) / 255
    }

    /// u8 to [-1, 1]: `float(u) * 2 - 1` (one multiply, exact; one subtract, one rounding).
    @inline(__always)
    public static func signedFloat(_ u: UInt8) -> Float {
        let doubled = float(u) * 2
        return doubled - 1
    }
}
