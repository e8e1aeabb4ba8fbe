// The exact row operations (exp, GELU, the attention softmax row), written once over a small vector vocabulary that
// each variant file defines before including this body (rowops_scalar.c, rowops_avx2.c, rowops_avx512.c,
// rowops_neon.c). Every lane runs the operation sequence of Numerics.ExactMath.exp / tanh and TensorCore.ScalarOps.gelu
// (same constants, same FMAs, same order, the scalar early-outs turned into selects), so every variant returns the
// scalar function's bits; the softmax row keeps CPUBackend.scaledSoftmaxRow's roundings and Docs/NUMERICS.md's
// orders (max by rule 3, the sum by rule 2: lane i mod 8 ascending from +0.0, lanes combined (l, l+4), (l, l+2),
// (0, 1)).
//
// The vocabulary (W lanes; V floats, VI int32, VM a lane mask; A the 8 lanes of a canonical sum):
//   v_load v_store v_set v_add v_sub v_mul v_div v_fma(a, b, c) = a·b + c rounded once
//   m_nle(a, b) = !(a <= b) and m_nlt(a, b) = !(a < b) (true for NaN), m_lt, m_gt, m_unord(x) = x is NaN, m_or, m_any, v_sel(m, a, b)
//   v_bits / v_from_bits (reinterpret), vi_set vi_add vi_sub vi_sra1 vi_sll23 vi_and vi_or
//   a_zero, a_add(acc, e, i): adds lane j of e to canonical lane (i + j) mod 8 (i is a multiple of 8, or of W < 8)
//   a_lanes(acc, out[8])
// and LW_TARGET (the function attribute) and LW_SUFFIX (appended to the exported names).
#include "rowops_internal.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

#define LW_CAT2(a, b) a##b
#define LW_CAT(a, b) LW_CAT2(a, b)
#define LW_NAME(name) LW_CAT(name, LW_SUFFIX)

/// ExpReduction.reduce + expm1Kernel: k (as int lanes) and e^r - 1.
static inline LW_TARGET V LW_NAME(expm1_parts)(V x, VI *k) {
    const V t = v_mul(x, v_set(0x1.715476p0f));  // log2(e)
    const V shifted = v_add(t, v_set(0x1.8p23f));
    const V kf = v_sub(shifted, v_set(0x1.8p23f));
    V r = v_fma(kf, v_set(-0x1.62e43p-1f), x);   // x - k·ln2_hi (exact)
    r = v_fma(kf, v_set(0x1.05c61p-29f), r);     // … - k·ln2_lo (ln2_lo = -0x1.05c61p-29)
    V q = v_set(0x1.a01a02p-13f);                // 1/5040
    q = v_fma(q, r, v_set(0x1.6c16c2p-10f));     // 1/720 + q·r
    q = v_fma(q, r, v_set(0x1.111112p-7f));      // 1/120
    q = v_fma(q, r, v_set(0x1.555556p-5f));      // 1/24
    q = v_fma(q, r, v_set(0x1.555556p-3f));      // 1/6
    q = v_fma(q, r, v_set(0.5f));                // 1/2
    const V r2 = v_mul(r, r);
    *k = vi_sub(v_bits(shifted), vi_set(0x4B400000));  // the integer k from the bits of 1.5·2^23 + k
    return v_fma(q, r2, r);                      // r + q·r²
}

/// 2^k for k ∈ [-126, 127].
static inline LW_TARGET V LW_NAME(pow2)(VI k) { return v_from_bits(vi_sll23(vi_add(k, vi_set(127)))); }

/// ExactMath.exp.
static inline LW_TARGET V LW_NAME(exp_v)(V x) {
    const VM overflow = m_nle(x, v_set(88.8f));  // includes NaN
    const VM underflow = m_lt(x, v_set(-104.0f));
    const V xc = v_sel(m_or(overflow, underflow), v_set(0.0f), x);
    VI k;
    const V s = LW_NAME(expm1_parts)(xc, &k);
    const V p = v_add(v_set(1.0f), s);
    const VI k1 = vi_sra1(k), k2 = vi_sub(k, k1);
    V result = v_mul(v_mul(p, LW_NAME(pow2)(k1)), LW_NAME(pow2)(k2));
    result = v_sel(overflow, v_set(INFINITY), result);
    result = v_sel(underflow, v_set(0.0f), result);
    return v_sel(m_unord(x), v_add(x, x), result);
}

/// ExactMath.tanh: t = e / (e + 2), e = expm1(2|x|), with the denominator's rounding error folded back in.
static inline LW_TARGET V LW_NAME(tanh_v)(V x) {
    const VI sign = vi_and(v_bits(x), vi_set((int32_t)0x80000000u));
    const V ax = v_from_bits(vi_and(v_bits(x), vi_set(0x7FFFFFFF)));
    const VM saturated = m_nlt(ax, v_set(9.1f));  // !(|x| < 9.1), true for NaN
    VI k;
    const V axc = v_sel(saturated, v_set(0.0f), ax);
    const V s = LW_NAME(expm1_parts)(v_add(axc, axc), &k);
    const V two = LW_NAME(pow2)(k);
    const V e = v_add(v_sub(two, v_set(1.0f)), v_mul(two, s));
    const V d = v_add(e, v_set(2.0f));
    const V dv = v_sub(d, e);
    const V dErr = v_add(v_sub(e, v_sub(d, dv)), v_sub(v_set(2.0f), dv));
    const V q = v_div(e, d);
    const V rem = v_fma(v_sub(v_set(-0.0f), q), d, e);  // -0 - q is -q for every non-NaN q
    const V t = v_add(q, v_div(v_sub(rem, v_mul(q, dErr)), d));
    V result = v_from_bits(vi_or(v_bits(t), sign));
    result = v_sel(saturated, v_from_bits(vi_or(sign, vi_set(0x3F800000))), result);
    return v_sel(m_unord(x), v_add(x, x), result);
}

/// ScalarOps.gelu: u = x + κ·((x·x)·x); y = (0.5·x)·(1 + tanh(c·u)). No FMA.
static inline LW_TARGET V LW_NAME(gelu_v)(V x) {
    const V cube = v_mul(v_mul(x, x), x);
    const V u = v_add(x, v_mul(v_set(0.044715f), cube));
    const V t = LW_NAME(tanh_v)(v_mul(v_set(0.7978845608028654f), u));  // ScalarOps.geluC
    return v_mul(v_mul(v_set(0.5f), x), v_add(v_set(1.0f), t));
}

/// A tail of fewer than W elements through one vector: copied into a W-lane buffer, padded with `pad`.
static inline LW_TARGET V LW_NAME(load_tail)(const float *p, ptrdiff_t count, float pad) {
    float buffer[W];
    for (int j = 0; j < W; j++) buffer[j] = j < count ? p[j] : pad;
    return v_load(buffer);
}

static inline LW_TARGET void LW_NAME(store_tail)(float *p, ptrdiff_t count, V v) {
    float buffer[W];
    v_store(buffer, v);
    memcpy(p, buffer, sizeof(float) * (size_t)count);
}

/// y = f(x) elementwise; inlined with a constant f, so each caller gets its own loop with f inlined.
static inline __attribute__((always_inline)) LW_TARGET void LW_NAME(map_rows)(const float *x, float *y, ptrdiff_t n,
                                                                            V (*f)(V)) {
    ptrdiff_t i = 0;
    for (; i + 2 * W <= n; i += 2 * W) {  // two independent vectors per iteration: the polynomial is a latency chain
        const V r0 = f(v_load(x + i)), r1 = f(v_load(x + i + W));
        v_store(y + i, r0);
        v_store(y + i + W, r1);
    }
    for (; i < n; i += W) {
        const ptrdiff_t c = n - i < W ? n - i : W;
        LW_NAME(store_tail)(y + i, c, f(LW_NAME(load_tail)(x + i, c, 0.0f)));
    }
}

static LW_TARGET void LW_NAME(exp_rows)(const float *x, float *y, ptrdiff_t n) { LW_NAME(map_rows)(x, y, n, LW_NAME(exp_v)); }

static LW_TARGET void LW_NAME(gelu_rows)(const float *x, float *y, ptrdiff_t n) { LW_NAME(map_rows)(x, y, n, LW_NAME(gelu_v)); }

/// CPUBackend.scaledSoftmaxRow in three passes: (1) s = fl(s·scale) [then fl(s + bias)], stored, and the max of
/// the stored values by rule 3 in the same pass; (2) e = exp(s − m), stored and added to its canonical lane;
/// (3) e / z. Each value is rounded exactly as in the separate passes, so the bytes are the reference's.
static LW_TARGET void LW_NAME(softmax_row)(float *row, ptrdiff_t n, float scale, const float *bias) {
    const V vscale = v_set(scale);
    V best = v_set(-INFINITY);
    VM nan = m_unord(v_set(0.0f));  // all false
    ptrdiff_t i = 0;
    for (; i + W <= n; i += W) {
        V s = v_mul(v_load(row + i), vscale);
        if (bias) s = v_add(s, v_load(bias + i));
        v_store(row + i, s);
        nan = m_or(nan, m_unord(s));
        best = v_sel(m_gt(s, best), s, best);
    }
    if (i < n) {
        const ptrdiff_t c = n - i;
        V s = v_mul(LW_NAME(load_tail)(row + i, c, 0.0f), vscale);
        if (bias) s = v_add(s, LW_NAME(load_tail)(bias + i, c, 0.0f));
        LW_NAME(store_tail)(row + i, c, s);
        s = LW_NAME(load_tail)(row + i, c, -INFINITY);  // the padding never wins the max
        nan = m_or(nan, m_unord(s));
        best = v_sel(m_gt(s, best), s, best);
    }
    float m;
    if (m_any(nan)) {
        m = NAN;
    } else {
        float lanes[W];
        v_store(lanes, best);
        m = -INFINITY;
        for (int j = 0; j < W; j++) if (lanes[j] > m) m = lanes[j];
        if (m == 0.0f) {  // ±0: +0.0 if any element is +0.0 (rule 3), else -0.0
            m = -0.0f;
            for (ptrdiff_t j = 0; j < n; j++) {
                uint32_t u;
                memcpy(&u, row + j, 4);
                if (u == 0) { m = 0.0f; break; }
            }
        }
    }

    const V vm = v_set(m);
    A acc = a_zero();
    for (i = 0; i + W <= n; i += W) {
        const V e = LW_NAME(exp_v)(v_sub(v_load(row + i), vm));
        v_store(row + i, e);
        acc = a_add(acc, e, i);
    }
    if (i < n) {
        const ptrdiff_t c = n - i;
        float e[W];
        v_store(e, LW_NAME(exp_v)(v_sub(LW_NAME(load_tail)(row + i, c, 0.0f), vm)));
        for (int j = (int)c; j < W; j++) e[j] = 0.0f;  // x + 0 = x for every lane value (lanes are never -0.0)
        memcpy(row + i, e, sizeof(float) * (size_t)c);
        acc = a_add(acc, v_load(e), i);
    }
    float s[8];
    a_lanes(acc, s);
    for (int l = 0; l < 4; l++) s[l] = s[l] + s[l + 4];
    for (int l = 0; l < 2; l++) s[l] = s[l] + s[l + 2];
    const float z = s[0] + s[1];

    const V vz = v_set(z);
    for (i = 0; i + W <= n; i += W) v_store(row + i, v_div(v_load(row + i), vz));
    if (i < n) LW_NAME(store_tail)(row + i, n - i, v_div(LW_NAME(load_tail)(row + i, n - i, 0.0f), vz));
}

static const lw_rowops LW_NAME(rowops_table) = {LW_NAME(exp_rows), LW_NAME(gelu_rows), LW_NAME(softmax_row)};
