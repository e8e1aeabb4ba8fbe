// The arm64 variant (Advanced SIMD, mandatory on AArch64): a 6 × 16 tile, 24 q-register accumulators of 32;
// per k: 4 B loads, 6 broadcasts, 24 vfmaq_f32 (c + a·b, one rounding each). Selected on every arm64 machine.
#include "gemm_internal.h"

#if defined(__aarch64__)
#include <arm_neon.h>

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF  // with -ffp-contract=off (Package.swift): no a*b+c becomes an FMA behind our back
#endif

enum { MR = 6 };

static void tile_6x16(ptrdiff_t kb, const float *a, const float *b, ptrdiff_t bstride, float *c, ptrdiff_t ldc,
                      int first, const float *bias) {
    (void)bstride;
    float32x4_t acc[MR][4];
    for (int r = 0; r < MR; r++)
        for (int q = 0; q < 4; q++) acc[r][q] = first ? vdupq_n_f32(0.0f) : vld1q_f32(c + r * ldc + 4 * q);
    for (ptrdiff_t kk = 0; kk < kb; kk++) {
        float32x4_t bv[4];
        for (int q = 0; q < 4; q++) bv[q] = vld1q_f32(b + kk * LW_NR + 4 * q);
        for (int r = 0; r < MR; r++) {
            const float32x4_t x = vdupq_n_f32(a[kk * MR + r]);
            for (int q = 0; q < 4; q++) acc[r][q] = vfmaq_f32(acc[r][q], x, bv[q]);
        }
    }
    if (bias) {
        for (int q = 0; q < 4; q++) {
            const float32x4_t bq = vld1q_f32(bias + 4 * q);
            for (int r = 0; r < MR; r++) acc[r][q] = vaddq_f32(acc[r][q], bq);
        }
    }
    for (int r = 0; r < MR; r++)
        for (int q = 0; q < 4; q++) vst1q_f32(c + r * ldc + 4 * q, acc[r][q]);
}

// kc 512: as the 6×16 AVX2 tile (not measured on arm64).
static const lw_variant neon = {MR, 1, 512, 192, tile_6x16, tile_6x16, 0};

const lw_variant *lw_variant_neon(void) { return &neon; }
#else
const lw_variant *lw_variant_neon(void) { return NULL; }
#endif
