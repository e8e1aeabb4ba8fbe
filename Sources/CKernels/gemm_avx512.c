// The AVX-512 variant (x86-64 with AVX-512F): a 12 × 32 tile over two adjacent 16-column panels, 24 zmm
// accumulators (of 32 registers); per k: 2 B loads (one per panel), 12 broadcasts, 24 vfmadd (c = a·b + c, one
// rounding each). A last odd panel runs the 12 × 16 tile. Only AVX-512F instructions are used (loadu, storeu,
// set1/broadcast, fmadd, add, setzero), so any AVX-512 CPU runs it. Compiled with a per-function target
// attribute and called only after lw_kernel_supported(LW_KERNEL_AVX512) checked CPUID and the OS's ZMM state.
#include "gemm_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF  // with -ffp-contract=off (Package.swift): no a*b+c becomes an FMA behind our back
#endif

enum { MR = 12 };

__attribute__((target("avx512f")))
static void tile_12x32(ptrdiff_t kb, const float *a, const float *b, ptrdiff_t bstride, float *c, ptrdiff_t ldc,
                       int first, const float *bias) {
    __m512 acc[MR][2];
    if (first) {
        for (int r = 0; r < MR; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();  // +0.0: the chain's start
    } else {
        for (int r = 0; r < MR; r++) {
            acc[r][0] = _mm512_loadu_ps(c + r * ldc);
            acc[r][1] = _mm512_loadu_ps(c + r * ldc + LW_NR);
        }
    }
    const float *b1p = b + bstride;  // the second panel, same k rows
    for (ptrdiff_t kk = 0; kk < kb; kk++) {
        const __m512 b0 = _mm512_loadu_ps(b + kk * LW_NR), b1 = _mm512_loadu_ps(b1p + kk * LW_NR);
        for (int r = 0; r < MR; r++) {
            const __m512 x = _mm512_set1_ps(a[kk * MR + r]);
            acc[r][0] = _mm512_fmadd_ps(x, b0, acc[r][0]);
            acc[r][1] = _mm512_fmadd_ps(x, b1, acc[r][1]);
        }
    }
    if (bias) {
        const __m512 b0 = _mm512_loadu_ps(bias), b1 = _mm512_loadu_ps(bias + LW_NR);
        for (int r = 0; r < MR; r++) {
            acc[r][0] = _mm512_add_ps(acc[r][0], b0);
            acc[r][1] = _mm512_add_ps(acc[r][1], b1);
        }
    }
    for (int r = 0; r < MR; r++) {
        _mm512_storeu_ps(c + r * ldc, acc[r][0]);
        _mm512_storeu_ps(c + r * ldc + LW_NR, acc[r][1]);
    }
}

__attribute__((target("avx512f")))
static void tile_12x16(ptrdiff_t kb, const float *a, const float *b, ptrdiff_t bstride, float *c, ptrdiff_t ldc,
                       int first, const float *bias) {
    (void)bstride;
    __m512 acc[MR];
    if (first) {
        for (int r = 0; r < MR; r++) acc[r] = _mm512_setzero_ps();
    } else {
        for (int r = 0; r < MR; r++) acc[r] = _mm512_loadu_ps(c + r * ldc);
    }
    for (ptrdiff_t kk = 0; kk < kb; kk++) {
        const __m512 b0 = _mm512_loadu_ps(b + kk * LW_NR);
        for (int r = 0; r < MR; r++) acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(a[kk * MR + r]), b0, acc[r]);
    }
    if (bias) {
        const __m512 b0 = _mm512_loadu_ps(bias);
        for (int r = 0; r < MR; r++) acc[r] = _mm512_add_ps(acc[r], b0);
    }
    for (int r = 0; r < MR; r++) _mm512_storeu_ps(c + r * ldc, acc[r]);
}

// kc 512, mc 96, measured on a 2-core AMD EPYC with AVX-512 (Zen 4: 32 KiB L1d, 1 MiB L2), 2026-12-03: against
// the first guess kc 256 / mc 192 (the two panels' K-block rows in one 32 KiB L1d), the long-K shapes gained
// 10-15 % (M = 1024, K = 12288, N = 3072, 1 thread: 85 → 92-97 GFLOP/s median) and no shape lost beyond the
// noise: the B rows (64 KiB) stream from L2 well, and half as many C round trips pay. Not measured on an
// Intel AVX-512 Xeon. Block sizes never change bytes (the chains carry through C exactly).
static const lw_variant avx512 = {MR, 2, 512, 96, tile_12x32, tile_12x16, 0};

const lw_variant *lw_variant_avx512(void) { return &avx512; }
#else
const lw_variant *lw_variant_avx512(void) { return NULL; }
#endif
