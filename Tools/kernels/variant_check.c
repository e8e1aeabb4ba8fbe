// Stand-alone check of the CKernels GEMM variants, for architectures the Swift test suite cannot run on this
// machine (e.g. the NEON variant under qemu-aarch64; see run_variant_check.sh). Every variant the CPU supports is
// compared bit for bit with a naive triple loop written straight from Docs/NUMERICS.md rule 1 (fmaf over k
// ascending from +0.0, then one add of the bias, then one add with the residual on the left), on odd shapes,
// K blocks, f32 and half panels, with and without a bias and a residual.
// Exit status: 0 all identical, 1 a difference (printed), 2 no variant besides scalar to check.
#include "CKernels.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF  // with -ffp-contract=off (Package.swift): no a*b+c becomes an FMA behind our back
#endif

static uint64_t state = 0x9E3779B97F4A7C15u;
static uint64_t next(void) {  // SplitMix64
    uint64_t z = (state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/// Uniform in [-1, 1), with signed zeros, subnormals and large values mixed in.
static float awkward(void) {
    uint64_t r = next();
    switch (r % 32) {
    case 0: return 0.0f;
    case 1: return -0.0f;
    case 2: { uint32_t u = (uint32_t)(next() % 0x7FFFFF) + 1; float f; memcpy(&f, &u, 4); return r & 64 ? f : -f; }
    case 3: return ((float)(next() >> 40) / 16777216.0f - 0.5f) * 1e6f;
    default: return (float)(next() >> 40) / 8388608.0f - 1.0f;
    }
}

static int check(int kernel, const char *name, ptrdiff_t m, ptrdiff_t k, ptrdiff_t n, int panel_type, int with_bias,
                 int with_residual) {
    const ptrdiff_t panels = (n + 15) / 16, count = panels * k * 16;
    float *a = malloc(sizeof(float) * (size_t)(m * k + 1)), *w = calloc((size_t)count + 1, sizeof(float));
    unsigned short *h = calloc((size_t)count + 1, sizeof(unsigned short));
    float *bias = calloc((size_t)panels * 16, sizeof(float));
    float *c = malloc(sizeof(float) * (size_t)(m * n + 1)), *ref = malloc(sizeof(float) * (size_t)(m * n + 1));
    float *residual = malloc(sizeof(float) * (size_t)(m * n + 1)), *plain = malloc(sizeof(float) * (size_t)(m * n + 1));
    float *c2 = malloc(sizeof(float) * (size_t)(m * n + 1));
    for (ptrdiff_t i = 0; i < m * k; i++) a[i] = awkward();
    for (ptrdiff_t i = 0; i < m * n; i++) residual[i] = awkward();
    for (ptrdiff_t j = 0; j < n; j++) {
        if (with_bias) bias[j] = awkward();
        for (ptrdiff_t kk = 0; kk < k; kk++) {
            const ptrdiff_t at = (j / 16) * k * 16 + kk * 16 + j % 16;
            if (panel_type == LW_PANEL_F32) {
                w[at] = awkward();
            } else {
                unsigned short bits = (unsigned short)next();
                const unsigned short exp_mask = panel_type == LW_PANEL_BF16 ? 0x7F80 : 0x7C00;
                if ((bits & exp_mask) == exp_mask) bits &= (unsigned short)(0x8000 | 0x3C00);  // no inf/NaN weights
                h[at] = bits;
                lw_widen(panel_type, &h[at], &w[at], 1);
            }
        }
    }
    for (ptrdiff_t i = 0; i < m; i++)
        for (ptrdiff_t j = 0; j < n; j++) {
            float acc = 0.0f;
            for (ptrdiff_t kk = 0; kk < k; kk++) acc = fmaf(a[i * k + kk], w[(j / 16) * k * 16 + kk * 16 + j % 16], acc);
            plain[i * n + j] = acc;
            const float out = with_bias ? acc + bias[j] : acc;
            ref[i * n + j] = with_residual ? residual[i * n + j] + out : out;
        }
    memset(c, 0xFF, sizeof(float) * (size_t)(m * n));  // NaN garbage: every element must be written
    const void *b = panel_type == LW_PANEL_F32 ? (const void *)w : (const void *)h;
    int failures = 0;
    if (lw_gemm_serial(kernel, 0, m, 0, panels, n, k, a, k, b, panel_type, c, n, with_bias ? bias : NULL,
                       with_residual ? residual : NULL, n) != 0) {
        printf("%s: lw_gemm_serial failed for M%td K%td N%td\n", name, m, k, n);
        failures = 1;
    } else if (memcmp(c, ref, sizeof(float) * (size_t)(m * n)) != 0) {
        for (ptrdiff_t i = 0; i < m * n; i++)
            if (memcmp(&c[i], &ref[i], 4) != 0) {
                printf("%s: M%td K%td N%td panels %d bias %d residual %d: element (%td, %td) %a, expected %a\n", name,
                       m, k, n, panel_type, with_bias, with_residual, i / n, i % n, c[i], ref[i]);
                break;
            }
        failures = 1;
    }
    if (!with_residual && m > 0 && n > 0) {
        // The pair form: the same panels as both outputs, the first with the bias, the second without.
        memset(c, 0xFF, sizeof(float) * (size_t)(m * n));
        memset(c2, 0xFF, sizeof(float) * (size_t)(m * n));
        if (lw_gemm_serial_pair(kernel, 0, m, k, a, k, n, b, panel_type, c, with_bias ? bias : NULL, n, b, panel_type, c2) != 0 ||
            memcmp(c, ref, sizeof(float) * (size_t)(m * n)) != 0 || memcmp(c2, plain, sizeof(float) * (size_t)(m * n)) != 0) {
            printf("%s: lw_gemm_serial_pair differs for M%td K%td N%td panels %d bias %d\n", name, m, k, n, panel_type,
                   with_bias);
            failures = 1;
        }
    }
    free(a); free(w); free(h); free(bias); free(c); free(ref); free(residual); free(plain); free(c2);
    return failures;
}

/// Inputs for the row operations: awkward values, the early-out thresholds of exp and tanh and their neighbours,
/// infinities, NaN, signed zeros, subnormals.
static float row_input(ptrdiff_t i) {
    static const float special[] = {88.8f, 88.79999f, 88.80001f, -104.0f, -103.99999f, -104.00001f, 9.1f, -9.1f,
                                    9.09999f, 0x1p-20f, -0x1p-20f, 1e-30f, 87.0f, -87.0f, 30.0f, -30.0f};
    uint64_t r = next();
    switch (r % 16) {
    case 0: return special[next() % (sizeof special / sizeof special[0])];
    case 1: return (r & 64) ? INFINITY : -INFINITY;
    case 2: return (i % 97 == 5) ? NAN : 0.5f;
    default: return awkward() * (float)(1 + next() % 40);
    }
}

/// Every row operation of `kernel` against the scalar variant, bit for bit.
static int check_rows(int kernel, const char *name, int *checked) {
    enum { MAXN = 1100 };
    static float x[MAXN], y[MAXN], ref[MAXN], bias[MAXN];
    static const ptrdiff_t lengths[] = {1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 40, 100, 520, 1029};
    int failures = 0;
    for (size_t l = 0; l < sizeof lengths / sizeof lengths[0]; l++) {
        const ptrdiff_t n = lengths[l];
        for (int op = 0; op < 5; op++) {
            for (ptrdiff_t i = 0; i < n; i++) {
                x[i] = row_input(i);
                bias[i] = op == 4 ? awkward() : 0.0f;
            }
            if (op >= 3) for (ptrdiff_t i = 0; i < n; i++) if (x[i] != x[i] && next() % 4) x[i] = 1.0f;  // some rows NaN-free
            if (op == 3 && n > 3) { x[0] = 0.0f; x[1] = -0.0f; x[2] = -0.0f; }  // a zero maximum in some rows
            const float scale = op == 3 ? 0.125f : 0.0883883f;
            int rc = 0, rc_ref = 0;
            switch (op) {
            case 0: rc = lw_exp(kernel, x, y, n); rc_ref = lw_exp(LW_KERNEL_SCALAR, x, ref, n); break;
            case 1: rc = lw_gelu(kernel, x, y, n); rc_ref = lw_gelu(LW_KERNEL_SCALAR, x, ref, n); break;
            default:
                if (op == 3 && n > 3) for (ptrdiff_t i = 3; i < n; i++) x[i] = -fabsf(x[i]) - 1.0f;  // max is ±0
                memcpy(y, x, sizeof(float) * (size_t)n);
                memcpy(ref, x, sizeof(float) * (size_t)n);
                rc = lw_softmax_row(kernel, y, n, scale, op == 4 ? bias : NULL);
                rc_ref = lw_softmax_row(LW_KERNEL_SCALAR, ref, n, scale, op == 4 ? bias : NULL);
            }
            (*checked)++;
            if (rc != 0 || rc_ref != 0) { printf("%s: row op %d failed\n", name, op); failures++; continue; }
            for (ptrdiff_t i = 0; i < n; i++)
                if (memcmp(&y[i], &ref[i], 4) != 0) {
                    static const char *ops[] = {"exp", "gelu", "softmax", "softmax (zero max)", "softmax + bias"};
                    printf("%s: %s n %td: element %td of input %a gives %a, scalar %a\n", name, ops[op], n, i, x[i], y[i], ref[i]);
                    failures++;
                    break;
                }
        }
    }
    return failures;
}

int main(void) {
    static const struct { int kernel; const char *name; } variants[] = {
        {LW_KERNEL_SCALAR, "scalar"}, {LW_KERNEL_AVX2, "avx2"}, {LW_KERNEL_AVX512, "avx512"}, {LW_KERNEL_NEON, "neon"},
    };
    static const ptrdiff_t shapes[][3] = {
        {1, 1, 1}, {13, 1, 33}, {1, 300, 1}, {11, 7, 31}, {12, 16, 32}, {12, 513, 48}, {25, 37, 17},
        {7, 1029, 49}, {193, 19, 65}, {200, 600, 95}, {24, 3, 16}, {5, 0, 20}, {6, 512, 16},
    };
    int failures = 0, checked = 0, simd = 0;
    for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
        if (!lw_kernel_supported(variants[v].kernel)) { printf("%s: not supported here, skipped\n", variants[v].name); continue; }
        if (variants[v].kernel != LW_KERNEL_SCALAR) simd++;
        int before = failures;
        for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
            for (int type = LW_PANEL_F32; type <= LW_PANEL_F16; type++)
                for (int flags = 0; flags < 4; flags++) {  // bias, residual
                    failures += check(variants[v].kernel, variants[v].name, shapes[s][0], shapes[s][1], shapes[s][2], type,
                                      flags & 1, flags >> 1);
                    checked++;
                }
        printf("%s: %s\n", variants[v].name, failures == before ? "identical to the rule-1 loop on every case" : "DIFFERENCES");
        if (variants[v].kernel != LW_KERNEL_SCALAR) {
            before = failures;
            failures += check_rows(variants[v].kernel, variants[v].name, &checked);
            printf("%s: row operations (exp, gelu, softmax rows) %s\n", variants[v].name,
                   failures == before ? "identical to the scalar variant" : "DIFFERENT");
        }
    }
    printf("%d cases, %d different\n", checked, failures);
    if (failures) return 1;
    return simd ? 0 : 2;
}
