// The two numerics modes of Docs/NUMERICS.md.

public enum ComputeMode: String, Sendable, CaseIterable {
    /// Canonical orders everywhere: bit-identical at every thread count and on every backend (the default).
    case exact
    /// Linear/matmul through OpenBLAS (its own summation order): within a tolerance of `exact`, never bit-compared.
    case fast
}
