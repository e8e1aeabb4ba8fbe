// Shared between the GEMM driver and the per-variant micro-kernel files.
#ifndef LORWEB_GEMM_INTERNAL_H
#define LORWEB_GEMM_INTERNAL_H

#include <stddef.h>

/// Panel width: columns per packed B panel (PackedLinear.panelWidth).
#define LW_NR 16

/// One register tile: C (tile rows × tile columns at stride ldc) continues its fma chains over kb more k.
/// a: packed A micro-panel [kb][tile rows]. b: the first panel's rows for these k ([kb][16]); a tile two panels
/// wide reads the second panel at b + bstride. first: the chains start from +0.0 (C is not read).
/// bias: NULL, or the bias of the tile's columns (one IEEE add after the chain).
typedef void (*lw_tile_fn)(ptrdiff_t kb, const float *a, const float *b, ptrdiff_t bstride,
                           float *c, ptrdiff_t ldc, int first, const float *bias);

typedef struct {
    int rows;           // tile rows (MR)
    int panels;         // panels per full tile (1: 16 columns, 2: 32 columns)
    int kc;             // K block: the tile's B rows (kc × 16·panels floats) are reused by every row tile of an M block
    int mc;             // M block: rows of A packed together (mc × kc floats); a multiple of rows
    lw_tile_fn full;    // rows × (16·panels)
    lw_tile_fn single;  // rows × 16, for a last panel left over when panels == 2 (else == full)
    int prefetch_b;     // 1: while a tile's B rows are in use, the driver prefetches the next tile's into L2,
                        // spread over the M block's row tiles (measured per variant on Zen 4: avx2 +2-5 %,
                        // avx512 -2 to -8 %, so only avx2 sets it)
} lw_variant;

/// Each returns NULL when the variant is not compiled for this architecture.
const lw_variant *lw_variant_scalar(void);
const lw_variant *lw_variant_avx2(void);
const lw_variant *lw_variant_avx512(void);
const lw_variant *lw_variant_neon(void);

/// CPU feature checks (cpu_features.c): instruction set AND the OS saving the registers.
int lw_cpu_has_avx2_fma(void);
int lw_cpu_has_avx512f(void);

#endif
