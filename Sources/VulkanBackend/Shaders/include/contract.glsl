// The numerics contract on the GPU (Docs/NUMERICS.md "GPU backends"): the only way kernels multiply-add, divide
// and take square roots. Include once per kernel, after `#version 450`.
//
// Specialization constants (set by the host from the device probe, VulkanDevice.probe):
//   constant_id 0  FMA_MODE      0 = GLSL fma(), proven fused by the probe; 1 = FP64 round-to-odd emulation
//   constant_id 1  DIVSQRT_MODE  0 = native / and sqrt(), proven correctly rounded; 1 = software, correctly rounded
// Every arithmetic result in a kernel must be `precise` (no contraction; checked by the SPIR-V lint).
#ifndef LORWEB_CONTRACT_GLSL
#define LORWEB_CONTRACT_GLSL
#extension GL_ARB_gpu_shader_int64 : require

layout(constant_id = 0) const int FMA_MODE = 1;
layout(constant_id = 1) const int DIVSQRT_MODE = 0;

// fma(a, b, c) with one rounding, from FP64: a*b is exact in double (48 bits); TwoSum gives the exact error of
// p + c; forcing the double sum to the odd neighbour when inexact makes the final double->float rounding
// equal to one rounding of the exact a*b+c (round-to-odd, Docs/VULKAN.md §4). Bit-exact on lavapipe.
float fma_rto(float a, float b, float c) {
    precise double p = double(a) * double(b);
    precise double cd = double(c);
    precise double s = p + cd;
    precise double bp = s - p;
    precise double e = (p - (s - bp)) + (cd - bp);   // TwoSum: the exact error of s; NaN if an infinity is involved
    // Branch-free (glslc without -O turns && and ?: into control flow): when the sum is inexact (e != 0; NaN
    // compares false) and its last bit is even, step one unit towards the exact value (+1 when e and s agree in sign).
    uint64_t bits = doubleBitsToUint64(s);
    uint64_t inexact = uint64_t(abs(e) > 0.0LF);
    uint64_t even = (~bits) & 1ul;
    uint64_t away = uint64_t((e > 0.0LF) == (s > 0.0LF));
    bits += (inexact & even) * (away * 2ul - 1ul);
    return float(uint64BitsToDouble(bits));
}

// The contract's FMA: one rounding of a*b + c.
float exact_fma(float a, float b, float c) {
    if (FMA_MODE == 0) {
        precise float r = fma(a, b, c);
        return r;
    }
    return fma_rto(a, b, c);
}

// Float neighbour of q (finite) towards +inf (dir > 0) or -inf, as a double (may be +-2^128 past FLT_MAX).
double float_neighbour(float q, int dir) {
    uint m = floatBitsToUint(q) & 0x7FFFFFFFu;
    uint e = m >> 23;
    // ulp of q's binade: 2^(e-150) for normal numbers, 2^-149 for subnormals and zero.
    precise double ulp = ldexp(1.0LF, max(int(e), 1) - 150);
    // Going towards zero from the bottom of a binade the spacing halves.
    bool towardsZero = (dir > 0) ? (q < 0.0) : (q > 0.0);
    if (towardsZero && (m & 0x007FFFFFu) == 0u && e > 1u) { ulp = ulp * 0.5LF; }
    precise double r = double(q) + (dir > 0 ? ulp : -ulp);
    return r;
}

// Correctly rounded a / b without trusting OpFDiv: a double quotient (any accuracy much better than float's),
// rounded to float, then moved at most one step after testing exactly on which side of the two rounding
// midpoints a/b lies (m*b is exact in double; a - m*b is exact by Sterbenz). Ties go to the even neighbour.
float cr_div_soft(float a, float b) {
    precise double qd = double(a) / double(b);
    float q = float(qd);
    if (isnan(a) || isnan(b) || isinf(a) || isinf(b) || a == 0.0 || b == 0.0) { return q; }
    double sgn = (b > 0.0) ? 1.0LF : -1.0LF;
    for (int i = 0; i < 2; i++) {
        double up = float_neighbour(q, 1), down = float_neighbour(q, -1);
        precise double mu = (double(q) + up) * 0.5LF;
        precise double ml = (double(q) + down) * 0.5LF;
        precise double ru = (double(a) - mu * double(b)) * sgn;   // > 0: a/b above the upper midpoint
        precise double rl = (double(a) - ml * double(b)) * sgn;   // < 0: a/b below the lower midpoint
        bool evenQ = (floatBitsToUint(q) & 1u) == 0u;
        if (ru > 0.0LF || (ru == 0.0LF && !evenQ)) { q = float(up); }
        else if (rl < 0.0LF || (rl == 0.0LF && !evenQ)) { q = float(down); }
        else { break; }
    }
    return q;
}

// Correctly rounded sqrt(x): a double root rounded to float, corrected against the midpoints exactly
// (m*m has at most 50 significant bits, exact in double).
float cr_sqrt_soft(float x) {
    precise double rd = sqrt(double(x));
    float r = float(rd);
    if (!(x > 0.0) || isinf(x)) { return sqrt(x); }
    for (int i = 0; i < 2; i++) {
        double up = float_neighbour(r, 1), down = float_neighbour(r, -1);
        precise double mu = (double(r) + up) * 0.5LF;
        precise double ml = (double(r) + down) * 0.5LF;
        precise double du = double(x) - mu * mu;
        precise double dl = double(x) - ml * ml;
        bool evenR = (floatBitsToUint(r) & 1u) == 0u;
        if (du > 0.0LF || (du == 0.0LF && !evenR)) { r = float(up); }
        else if (dl < 0.0LF || (dl == 0.0LF && !evenR)) { r = float(down); }
        else { break; }
    }
    return r;
}

// The contract's division and square root: correctly rounded.
float exact_div(float a, float b) {
    if (DIVSQRT_MODE == 0) {
        precise float q = a / b;
        return q;
    }
    return cr_div_soft(a, b);
}

float exact_sqrt(float x) {
    if (DIVSQRT_MODE == 0) {
        precise float r = sqrt(x);
        return r;
    }
    return cr_sqrt_soft(x);
}

#endif
