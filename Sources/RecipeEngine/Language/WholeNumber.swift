// The one rule for "whole number" in recipes. Recipe numbers are Doubles, so a whole number is one
// that a Double holds exactly: finite, no fraction, and at most 2^53 in size. Above that, neighbouring
// integers share a Double (18446744073709551615 reads as 2^64), so the value would not be what the
// text says. The checker's integer type, the step argument getters and the seed (header, step
// argument, --set) all use this rule.

public enum WholeNumber {
    /// 2^53: every integer up to this size is exactly a Double.
    public static let limit: Double = 9_007_199_254_740_992

    /// `x` as an integer if it is a whole number by the rule above, else nil.
    public static func exact(_ x: Double) -> Int64? {
        guard x.isFinite, x == x.rounded(), abs(x) <= limit else { return nil }
        return Int64(x)
    }

    public static func isWhole(_ x: Double) -> Bool { exact(x) != nil }

    /// A seed: a whole number that is not negative.
    public static func seed(_ x: Double) -> UInt64? {
        guard let n = exact(x), n >= 0 else { return nil }
        return UInt64(n)
    }

    /// What every seed check says when it refuses a value.
    public static let seedRule = "the seed must be a whole number from 0 to 2^53 (\(Int64(limit)))"
}
