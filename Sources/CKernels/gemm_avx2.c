// The AVX2 variant (x86-64 with AVX2 + FMA): a 6 × 16 tile, 12 ymm accumulators; per k: 2 B loads, 6 broadcasts,
// 12 vfmadd (c = a·b + c, one rounding each). Compiled with a per-function target attribute, so the rest of the
// binary stays baseline x86-64 and this code runs only after lw_kernel_supported(LW_KERNEL_AVX2) said yes.
#include "gemm_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF  // with -ffp-contract=off (Package.swift): no a*b+c becomes an FMA behind our back
#endif

enum { MR = 6 };

__attribute__((target("avx2,fma")))
static void tile_6x16(ptrdiff_t kb, const float *a, const float *b, ptrdiff_t bstride, float *c, ptrdiff_t ldc,
                      int first, const float *bias) {
    (void)bstride;
    __m256 acc[MR][2];
    for (int r = 0; r < MR; r++) {
        if (first) {
            acc[r][0] = _mm256_setzero_ps();  // +0.0: the chain's start
            acc[r][1] = _mm256_setzero_ps();
        } else {
            acc[r][0] = _mm256_loadu_ps(c + r * ldc);
            acc[r][1] = _mm256_loadu_ps(c + r * ldc + 8);
        }
    }
    for (ptrdiff_t kk = 0; kk < kb; kk++) {
        const __m256 b0 = _mm256_loadu_ps(b + kk * LW_NR), b1 = _mm256_loadu_ps(b + kk * LW_NR + 8);
        for (int r = 0; r < MR; r++) {
            const __m256 x = _mm256_broadcast_ss(a + kk * MR + r);
            acc[r][0] = _mm256_fmadd_ps(x, b0, acc[r][0]);
            acc[r][1] = _mm256_fmadd_ps(x, b1, acc[r][1]);
        }
    }
    if (bias) {
        const __m256 b0 = _mm256_loadu_ps(bias), b1 = _mm256_loadu_ps(bias + 8);
        for (int r = 0; r < MR; r++) {
            acc[r][0] = _mm256_add_ps(acc[r][0], b0);
            acc[r][1] = _mm256_add_ps(acc[r][1], b1);
        }
    }
    for (int r = 0; r < MR; r++) {
        _mm256_storeu_ps(c + r * ldc, acc[r][0]);
        _mm256_storeu_ps(c + r * ldc + 8, acc[r][1]);
    }
}

// kc 512, mc 192: the Swift kernel's measured choice for the same 6×16 tile (Docs/TOOLCHAIN.md §2). Prefetching
// the next B tile: +2-5 % against OpenBLAS's Haswell core, 1 thread, on the 2-core AMD EPYC with AVX-512 (Zen 4)
// standing in for an AVX2 machine (README "Performance", issue 20 part 5); not measured on an AVX2-only CPU.
static const lw_variant avx2 = {MR, 1, 512, 192, tile_6x16, tile_6x16, 1};

const lw_variant *lw_variant_avx2(void) { return &avx2; }
#else
const lw_variant *lw_variant_avx2(void) { return NULL; }
#endif
