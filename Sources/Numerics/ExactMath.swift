// PLACEHOLDER until the Numerics work lands: signatures are the contract, bodies are not.
// Every function here must be rebuilt from IEEE add/sub/mul/div/sqrt/fma only (NUMERICS.md).
import Glibc

public enum ExactMath {
    public static func exp(_ x: Float) -> Float { Glibc.expf(x) }
    public static func log(_ x: Float) -> Float { Glibc.logf(x) }
    public static func sin(_ x: Float) -> Float { Glibc.sinf(x) }
    public static func cos(_ x: Float) -> Float { Glibc.cosf(x) }
    public static func tanh(_ x: Float) -> Float { Glibc.tanhf(x) }
    public static func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }
}
