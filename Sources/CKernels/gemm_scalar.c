// The portable variant: a 6 × 16 tile in plain C. fmaf is the one fused multiply-add (correctly rounded in C99);
// with contraction off nothing else is fused, so this is rule 1 written out, the reference for the SIMD variants.
#include "gemm_internal.h"
#include <math.h>

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF  // with -ffp-contract=off (Package.swift): no a*b+c becomes an FMA behind our back
#endif

enum { MR = 6 };

static void tile_6x16(ptrdiff_t kb, const float *a, const float *b, ptrdiff_t bstride, float *c, ptrdiff_t ldc,
                      int first, const float *bias) {
    (void)bstride;
    float acc[MR][LW_NR];
    for (int r = 0; r < MR; r++)
        for (int j = 0; j < LW_NR; j++) acc[r][j] = first ? 0.0f : c[r * ldc + j];
    for (ptrdiff_t kk = 0; kk < kb; kk++)
        for (int r = 0; r < MR; r++) {
            const float x = a[kk * MR + r];
            for (int j = 0; j < LW_NR; j++) acc[r][j] = fmaf(x, b[kk * LW_NR + j], acc[r][j]);
        }
    if (bias)
        for (int r = 0; r < MR; r++)
            for (int j = 0; j < LW_NR; j++) acc[r][j] = acc[r][j] + bias[j];
    for (int r = 0; r < MR; r++)
        for (int j = 0; j < LW_NR; j++) c[r * ldc + j] = acc[r][j];
}

static const lw_variant scalar = {MR, 1, tile_6x16, tile_6x16};

const lw_variant *lw_variant_scalar(void) { return &scalar; }
