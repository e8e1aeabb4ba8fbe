// The project's transcendentals on the GPU: Sources/Numerics/ExactMath.swift ported step for step (same
// constants as bit patterns, same FMAs through exact_fma, same order), so every result equals the CPU's bits.
// Division goes through exact_div (correctly rounded in every DIVSQRT_MODE). No GLSL exp/tanh intrinsics.
// Every arithmetic result is a `precise` local (NoContraction on each OpFAdd/OpFSub/OpFMul; the SPIR-V
// lint in Tests/VulkanBackendTests checks it). Needs contract.glsl first.
#ifndef LORWEB_EXACT_MATH_GLSL
#define LORWEB_EXACT_MATH_GLSL

// Constants of ExactMath.swift as binary32 bit patterns (decimal literals could round differently here).
#define EM_EXP_OVERFLOW uintBitsToFloat(0x42B1999Au)   // 88.8
#define EM_TANH_SATURATE uintBitsToFloat(0x4111999Au)  // 9.1
#define EM_LOG2E uintBitsToFloat(0x3FB8AA3Bu)          // 0x1.715476p0
#define EM_SHIFTER uintBitsToFloat(0x4B400000u)        // 0x1.8p23
#define EM_NEG_LN2_HI uintBitsToFloat(0xBF317218u)     // -0x1.62e43p-1
#define EM_NEG_LN2_LO uintBitsToFloat(0x3102E308u)     // +0x1.05c61p-29 = -ln2Lo
#define EM_C5040 uintBitsToFloat(0x39500D01u)          // 1/5040
#define EM_C720 uintBitsToFloat(0x3AB60B61u)           // 1/720
#define EM_C120 uintBitsToFloat(0x3C088889u)           // 1/120
#define EM_C24 uintBitsToFloat(0x3D2AAAABu)            // 1/24
#define EM_C6 uintBitsToFloat(0x3E2AAAABu)             // 1/6
#define EM_INFINITY uintBitsToFloat(0x7F800000u)

// NaN test on the bits, so no driver assumption about NaN can remove it.
bool em_isnan(float x) { return (floatBitsToUint(x) & 0x7FFFFFFFu) > 0x7F800000u; }

// ExpReduction.reduce: k = rne(x·log2 e) by the 1.5·2^23 trick; r = x - k·ln2 by two FMAs.
int em_reduce(float x, out float r) {
    precise float t = x * EM_LOG2E;
    precise float shifted = t + EM_SHIFTER;
    precise float kf = shifted - EM_SHIFTER;
    float r1 = exact_fma(kf, EM_NEG_LN2_HI, x);   // x + k·(-ln2_hi)
    r = exact_fma(kf, EM_NEG_LN2_LO, r1);         // … + k·(-ln2_lo)
    return int(kf);
}

// ExpReduction.expm1Kernel: e^r - 1 ≈ r + r²·q(r), q by Horner with FMAs.
float em_expm1_kernel(float r) {
    float q = EM_C5040;
    q = exact_fma(q, r, EM_C720);
    q = exact_fma(q, r, EM_C120);
    q = exact_fma(q, r, EM_C24);
    q = exact_fma(q, r, EM_C6);
    q = exact_fma(q, r, 0.5);
    precise float r2 = r * r;
    return exact_fma(q, r2, r);
}

// 2^k for k in [-126, 127], by building the exponent field.
float em_power_of_two(int k) { return uintBitsToFloat(uint(k + 127) << 23); }

// ExpReduction.scale: (p·2^k1)·2^k2 with k1 = k >> 1 (arithmetic), k2 = k - k1.
float em_scale(float p, int k) {
    int k1 = k >> 1;
    int k2 = k - k1;
    precise float y1 = p * em_power_of_two(k1);
    precise float y = y1 * em_power_of_two(k2);
    return y;
}

// ExactMath.exp.
float exact_exp(float x) {
    if (em_isnan(x)) { precise float n = x + x; return n; }
    if (x > EM_EXP_OVERFLOW) { return EM_INFINITY; }
    if (x < -104.0) { return 0.0; }
    float r;
    int k = em_reduce(x, r);
    float s = em_expm1_kernel(r);
    precise float p = 1.0 + s;
    return em_scale(p, k);
}

// ExpReduction.expm1NonNegative: (2^k - 1) + 2^k·s, for 0 <= x <= 88.
float em_expm1_nonnegative(float x) {
    float r;
    int k = em_reduce(x, r);
    float s = em_expm1_kernel(r);
    float two = em_power_of_two(k);
    precise float twoMinusOne = two - 1.0;
    precise float scaled = two * s;
    precise float e = twoMinusOne + scaled;
    return e;
}

// ExactMath.tanh: e/(e+2) with e = expm1(2|x|), the denominator's rounding error folded back in; sign by bits.
float exact_tanh(float x) {
    uint sign = floatBitsToUint(x) & 0x80000000u;
    float ax = uintBitsToFloat(floatBitsToUint(x) & 0x7FFFFFFFu);
    if (!(ax < EM_TANH_SATURATE)) {
        if (em_isnan(x)) { precise float n = x + x; return n; }
        return uintBitsToFloat(sign | 0x3F800000u);
    }
    precise float twiceAx = ax + ax;
    float e = em_expm1_nonnegative(twiceAx);
    precise float d = e + 2.0;
    precise float dv = d - e;
    precise float dMinusDv = d - dv;
    precise float errE = e - dMinusDv;
    precise float errTwo = 2.0 - dv;
    precise float dErr = errE + errTwo;
    float q = exact_div(e, d);
    float rem = exact_fma(-q, d, e);              // e - q·d, exact
    precise float qdErr = q * dErr;
    precise float num = rem - qdErr;
    float corr = exact_div(num, d);
    precise float t = q + corr;
    return uintBitsToFloat(floatBitsToUint(t) | sign);
}

// ExactMath.sigmoid: 1 / (1 + exp(-x)).
float exact_sigmoid(float x) {
    float e = exact_exp(-x);
    precise float d = 1.0 + e;
    return exact_div(1.0, d);
}

#endif
