// The portable variant: plain C, fmaf as the one fused multiply-add (correctly rounded in C99); with contraction
// off nothing else is fused, so this is rule 1 written out, the reference for the SIMD variants. It uses the
// AVX-512 variant's geometry (12 × 32 tiles over two panels, 12 × 16 for a last odd panel), so the driver's
// two-panel path, which the AVX-512 kernel needs, is exercised and tested on every machine.
#include "gemm_internal.h"
#include <math.h>

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF  // with -ffp-contract=off (Package.swift): no a*b+c becomes an FMA behind our back
#endif

enum { MR = 12 };

/// The tile over `panels` (1 or 2) adjacent panels; the second panel's rows are at b + bstride.
static inline void tile(ptrdiff_t kb, const float *a, const float *b, ptrdiff_t bstride, float *c, ptrdiff_t ldc,
                        int first, const float *bias, const int panels) {
    float acc[MR][2 * LW_NR];
    const int width = panels * LW_NR;
    for (int r = 0; r < MR; r++)
        for (int j = 0; j < width; j++) acc[r][j] = first ? 0.0f : c[r * ldc + j];
    for (ptrdiff_t kk = 0; kk < kb; kk++)
        for (int r = 0; r < MR; r++) {
            const float x = a[kk * MR + r];
            for (int q = 0; q < panels; q++) {
                const float *row = b + q * bstride + kk * LW_NR;
                for (int j = 0; j < LW_NR; j++) acc[r][q * LW_NR + j] = fmaf(x, row[j], acc[r][q * LW_NR + j]);
            }
        }
    if (bias)
        for (int r = 0; r < MR; r++)
            for (int j = 0; j < width; j++) acc[r][j] = acc[r][j] + bias[j];
    for (int r = 0; r < MR; r++)
        for (int j = 0; j < width; j++) c[r * ldc + j] = acc[r][j];
}

static void tile_12x32(ptrdiff_t kb, const float *a, const float *b, ptrdiff_t bstride, float *c, ptrdiff_t ldc,
                       int first, const float *bias) {
    tile(kb, a, b, bstride, c, ldc, first, bias, 2);
}

static void tile_12x16(ptrdiff_t kb, const float *a, const float *b, ptrdiff_t bstride, float *c, ptrdiff_t ldc,
                       int first, const float *bias) {
    tile(kb, a, b, bstride, c, ldc, first, bias, 1);
}

// avx512's tile with other blocks (kc 256, mc 192; avx512 and avx2 use kc 512): the tests compare it with them,
// so K and M blocking are shown not to change a byte.
static const lw_variant scalar = {MR, 2, 256, 192, tile_12x32, tile_12x16, 0};

const lw_variant *lw_variant_scalar(void) { return &scalar; }
