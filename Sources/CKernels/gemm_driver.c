// The blocked loop around the micro-kernels (the blocking of the Swift kernel in TensorCore/ExactGEMM.swift):
// K in blocks of the variant's kc, rows in blocks of its mc; A is packed per (mc × kc) block into micro-panels of the
// variant's tile rows ([kb][rows], missing rows zero). Between K blocks the accumulator goes through C in memory
// as a float (exact), so every output is one fma chain over k ascending whatever the block sizes or the variant.
// Half-precision panels are widened (exactly) one K block of the tile's panels at a time into an L1-sized f32
// scratch that every row tile of the M block reuses: the micro-kernels stay f32-only (one kernel per variant to
// review, which matters for AVX-512, which the development machine cannot execute) and the widening costs
// kb·16 conversions per mc rows, not one per FMA.
#include "CKernels.h"
#include "gemm_internal.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF  // with -ffp-contract=off (Package.swift): no a*b+c becomes an FMA behind our back
#endif

static const lw_variant *variant(int kernel) {
    if (!lw_kernel_supported(kernel)) return NULL;
    switch (kernel) {
    case LW_KERNEL_SCALAR: return lw_variant_scalar();
    case LW_KERNEL_AVX2: return lw_variant_avx2();
    case LW_KERNEL_AVX512: return lw_variant_avx512();
    case LW_KERNEL_NEON: return lw_variant_neon();
    default: return NULL;
    }
}

int lw_kernel_tile_rows(int kernel) {
    const lw_variant *v = variant(kernel);
    return v ? v->rows : 0;
}

/// bf16 -> f32: the 16 bits are the top half of the f32 (exact).
static inline float bf16_to_f32(uint16_t h) {
    uint32_t u = (uint32_t)h << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/// IEEE half -> f32, exact; the same bits as Numerics.DTypeConversion.float(f16Bits:) (NaN payload shifted, not quieted).
static inline float f16_to_f32(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exponent = (h >> 10) & 0x1F, mantissa = h & 0x3FF, u;
    if (exponent == 0) {
        if (mantissa == 0) {
            u = sign;
        } else {
            // Subnormal half: normalise the mantissa (value mantissa · 2^-24, exact in f32).
            int shift = 0;
            while (!(mantissa & 0x400)) { mantissa <<= 1; shift++; }
            u = sign | ((uint32_t)(113 - shift) << 23) | ((mantissa & 0x3FF) << 13);
        }
    } else if (exponent == 0x1F) {
        u = sign | 0x7F800000u | (mantissa << 13);
    } else {
        u = sign | ((exponent + 112) << 23) | (mantissa << 13);
    }
    float f;
    memcpy(&f, &u, 4);
    return f;
}

int lw_widen(int panel_type, const unsigned short *src, float *dst, ptrdiff_t count) {
    if (panel_type == LW_PANEL_BF16) {
        for (ptrdiff_t i = 0; i < count; i++) dst[i] = bf16_to_f32(src[i]);
    } else if (panel_type == LW_PANEL_F16) {
        for (ptrdiff_t i = 0; i < count; i++) dst[i] = f16_to_f32(src[i]);
    } else {
        return -1;
    }
    return 0;
}

/// One full micro-panel: mr rows interleaved into contiguous stores (one pass, no strided writes). Inlined with
/// a constant mr so the row loop unrolls: for small N, packing A is a large part of the GEMM (perf, `mini` at
/// 1 thread on the 2-core AMD EPYC with AVX-512: the scalar loop was 8 % of a step). On x86-64, groups of 4 rows × 4 k move as one 4 × 4 transpose
/// of SSE registers (baseline x86-64, so every variant's build has it); moves only, so the bits are the source's.
static inline __attribute__((always_inline)) void pack_full(const float *src, ptrdiff_t lda, ptrdiff_t kb,
                                                            const int mr, float *panel) {
    ptrdiff_t kk = 0;
#if defined(__SSE2__)
    for (; kk + 4 <= kb; kk += 4) {
        int r = 0;
        for (; r + 4 <= mr; r += 4) {
            __m128 x0 = _mm_loadu_ps(src + (r + 0) * lda + kk), x1 = _mm_loadu_ps(src + (r + 1) * lda + kk);
            __m128 x2 = _mm_loadu_ps(src + (r + 2) * lda + kk), x3 = _mm_loadu_ps(src + (r + 3) * lda + kk);
            _MM_TRANSPOSE4_PS(x0, x1, x2, x3);  // x_j = (row r..r+3)[kk + j]
            _mm_storeu_ps(panel + (kk + 0) * mr + r, x0);
            _mm_storeu_ps(panel + (kk + 1) * mr + r, x1);
            _mm_storeu_ps(panel + (kk + 2) * mr + r, x2);
            _mm_storeu_ps(panel + (kk + 3) * mr + r, x3);
        }
        for (; r < mr; r++)
            for (int j = 0; j < 4; j++) panel[(kk + j) * mr + r] = src[r * lda + kk + j];
    }
#endif
    for (; kk < kb; kk++)
        for (int r = 0; r < mr; r++) panel[kk * mr + r] = src[r * lda + kk];
}

/// A[rows, kb] (row stride lda) -> micro-panels of mr rows, each [kb][mr]; rows past `rows` are zero.
static void pack_a(const float *a, ptrdiff_t lda, ptrdiff_t rows, ptrdiff_t kb, int mr, float *dst) {
    for (ptrdiff_t ir = 0; ir < rows; ir += mr) {
        float *panel = dst + ir * kb;
        ptrdiff_t here = rows - ir < mr ? rows - ir : mr;
        if (here == mr) {
            if (mr == 6) pack_full(a + ir * lda, lda, kb, 6, panel);
            else if (mr == 12) pack_full(a + ir * lda, lda, kb, 12, panel);
            else pack_full(a + ir * lda, lda, kb, mr, panel);
            continue;
        }
        for (ptrdiff_t r = 0; r < mr; r++) {
            if (r < here) {
                const float *src = a + (ir + r) * lda;
                for (ptrdiff_t kk = 0; kk < kb; kk++) panel[kk * mr + r] = src[kk];
            } else {
                for (ptrdiff_t kk = 0; kk < kb; kk++) panel[kk * mr + r] = 0.0f;
            }
        }
    }
}

/// The residual epilogue, on a tile that was just finished (still in L1): c = r + c, one IEEE add per element
/// with the residual as the left operand, as a separate `add(residual, product)` pass computes it.
static void add_residual(float *c, ptrdiff_t ldc, const float *r, ptrdiff_t ldr, ptrdiff_t rows, ptrdiff_t cols) {
    for (ptrdiff_t i = 0; i < rows; i++)
        for (ptrdiff_t j = 0; j < cols; j++) c[i * ldc + j] = r[i * ldr + j] + c[i * ldc + j];
}

/// One right operand with its output: C[rows, panels panel0..<panel1] of `n` columns from `b`'s panels.
typedef struct {
    ptrdiff_t panel0, panel1, n;
    const void *b;
    int panel_type;
    float *c;
    ptrdiff_t ldc;
    const float *bias, *residual;
    ptrdiff_t ldr;
} gemm_output;

/// The scratch one call shares between its outputs: packed A, widened B (half panels only), an edge tile.
typedef struct {
    float *packed_a, *widened, *edge;
} gemm_scratch;

/// Prefetch into L2 row tile `tile_index`'s share of the next B tile (`panels` panels `panel_bytes` apart, this K
/// block's `bytes_per_panel` of each), split evenly over the M block's `tiles` row tiles, so the B rows the next
/// tile needs arrive while this one computes. A prefetch changes no value, only when the lines arrive.
static inline void prefetch_share(const char *next, ptrdiff_t bytes_per_panel, int panels, ptrdiff_t panel_bytes,
                                  ptrdiff_t tile_index, ptrdiff_t tiles) {
    const ptrdiff_t lines = bytes_per_panel / 64, share = (lines + tiles - 1) / tiles, l0 = tile_index * share;
    const ptrdiff_t l1 = l0 + share < lines ? l0 + share : lines;
    for (int q = 0; q < panels; q++)
        for (ptrdiff_t l = l0; l < l1; l++) __builtin_prefetch(next + q * panel_bytes + l * 64, 0, 2);
}

/// One output's panels on one packed block of A (rows ic..<ic + mb, K rows pc..<pc + kb): each chain continues
/// through C (`first`: from +0.0), and `last` adds the bias, then the residual.
static void output_block(const lw_variant *v, const gemm_output *out, ptrdiff_t k, ptrdiff_t pc, ptrdiff_t kb,
                         ptrdiff_t ic, ptrdiff_t mb, int first, int last, const gemm_scratch *scratch) {
    const int mr = v->rows, half = out->panel_type != LW_PANEL_F32;
    const ptrdiff_t bstride_packed = k * LW_NR;  // elements between panels in B
    const ptrdiff_t element = half ? 2 : 4;      // bytes per stored B element
    const ptrdiff_t tiles = (mb + mr - 1) / mr, ldc = out->ldc;
    for (ptrdiff_t p = out->panel0; p < out->panel1; p += v->panels) {
        const int panels_here = out->panel1 - p < v->panels ? (int)(out->panel1 - p) : v->panels;
        const lw_tile_fn tile = panels_here == v->panels ? v->full : v->single;
        const ptrdiff_t width = panels_here * LW_NR;
        const ptrdiff_t cols = out->n - p * LW_NR < width ? out->n - p * LW_NR : width;
        const float *b_tile = (const float *)out->b + p * bstride_packed + pc * LW_NR;
        ptrdiff_t bstride = bstride_packed;
        if (half) {
            const unsigned short *h = (const unsigned short *)out->b + p * bstride_packed + pc * LW_NR;
            for (int q = 0; q < panels_here; q++)
                lw_widen(out->panel_type, h + q * bstride_packed, scratch->widened + q * kb * LW_NR, kb * LW_NR);
            b_tile = scratch->widened;
            bstride = kb * LW_NR;
        }
        const float *tile_bias = last && out->bias ? out->bias + p * LW_NR : NULL;
        // The next tile's panels (fewer at the end), when this variant prefetches.
        const ptrdiff_t after = out->panel1 - (p + v->panels);
        const int next_panels = v->prefetch_b && after > 0 ? (after < v->panels ? (int)after : v->panels) : 0;
        const char *next_b =
            next_panels ? (const char *)out->b + ((p + v->panels) * bstride_packed + pc * LW_NR) * element : NULL;
        for (ptrdiff_t ir = 0; ir < mb; ir += mr) {
            const ptrdiff_t rows_here = mb - ir < mr ? mb - ir : mr;
            if (next_panels)
                prefetch_share(next_b, kb * LW_NR * element, next_panels, bstride_packed * element, ir / mr, tiles);
            float *c_tile = out->c + (ic + ir) * ldc + p * LW_NR;
            const float *a_panel = scratch->packed_a + ir * kb;
            if (rows_here == mr && cols == width) {
                tile(kb, a_panel, b_tile, bstride, c_tile, ldc, first, tile_bias);
            } else {
                // Edge tile: the same kernel on a private copy, only the real rows × cols copied back.
                float *edge = scratch->edge;
                if (!first)
                    for (ptrdiff_t r = 0; r < rows_here; r++)
                        memcpy(edge + r * width, c_tile + r * ldc, (size_t)cols * sizeof(float));
                tile(kb, a_panel, b_tile, bstride, edge, width, first, tile_bias);
                for (ptrdiff_t r = 0; r < rows_here; r++)
                    memcpy(c_tile + r * ldc, edge + r * width, (size_t)cols * sizeof(float));
            }
            if (last && out->residual)
                add_residual(c_tile, ldc, out->residual + (ic + ir) * out->ldr + p * LW_NR, out->ldr, rows_here, cols);
        }
    }
}

/// Every output of `outs` from the same A: each (mc × kc) block of A is packed once and used by the panels of
/// all outputs in turn. Per output column the chain is the one a single-output call computes.
static int gemm_outputs(const lw_variant *v, ptrdiff_t row0, ptrdiff_t row1, ptrdiff_t k, const float *a,
                        ptrdiff_t lda, const gemm_output *outs, int count) {
    if (row1 <= row0) return 0;
    if (k == 0) {
        // Empty chain: +0.0, then the bias add.
        for (int o = 0; o < count; o++) {
            const gemm_output *out = &outs[o];
            const ptrdiff_t col0 = out->panel0 * LW_NR, col1 = out->panel1 * LW_NR < out->n ? out->panel1 * LW_NR : out->n;
            for (ptrdiff_t i = row0; i < row1; i++)
                for (ptrdiff_t j = col0; j < col1; j++) {
                    const float chain = out->bias ? 0.0f + out->bias[j] : 0.0f;
                    out->c[i * out->ldc + j] = out->residual ? out->residual[i * out->ldr + j] + chain : chain;
                }
        }
        return 0;
    }
    const int mr = v->rows;
    const ptrdiff_t KC = v->kc, MC = v->mc;
    const ptrdiff_t rows = row1 - row0, block_rows = rows < MC ? rows : MC, kmax = k < KC ? k : KC;
    const ptrdiff_t packed_count = (block_rows + mr - 1) / mr * mr * kmax;
    int any_half = 0;
    for (int o = 0; o < count; o++) any_half |= outs[o].panel_type != LW_PANEL_F32;
    const ptrdiff_t widened_count = any_half ? 2 * LW_NR * kmax : 0;
    // One allocation: packed A, widened B (half panels only), and an edge tile of up to 12 × 32.
    const ptrdiff_t edge_count = 12 * 2 * LW_NR;
    size_t bytes = (size_t)(packed_count + widened_count + edge_count) * sizeof(float);
    bytes = (bytes + 63) / 64 * 64;
    float *memory = aligned_alloc(64, bytes);
    if (!memory) return -1;
    const gemm_scratch scratch = {memory, memory + packed_count, memory + packed_count + widened_count};
    memset(scratch.edge, 0, (size_t)edge_count * sizeof(float));

    for (ptrdiff_t pc = 0; pc < k; pc += KC) {
        const ptrdiff_t kb = k - pc < KC ? k - pc : KC;
        const int first = pc == 0, last = pc + kb == k;
        for (ptrdiff_t ic = row0; ic < row1; ic += MC) {
            const ptrdiff_t mb = row1 - ic < MC ? row1 - ic : MC;
            pack_a(a + ic * lda + pc, lda, mb, kb, mr, scratch.packed_a);
            for (int o = 0; o < count; o++) output_block(v, &outs[o], k, pc, kb, ic, mb, first, last, &scratch);
        }
    }
    free(memory);
    return 0;
}

static int known_panel_type(int panel_type) { return panel_type >= LW_PANEL_F32 && panel_type <= LW_PANEL_F16; }

int lw_gemm_serial(int kernel, ptrdiff_t row0, ptrdiff_t row1, ptrdiff_t panel0, ptrdiff_t panel1,
                   ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda, const void *b, int panel_type,
                   float *c, ptrdiff_t ldc, const float *bias, const float *residual, ptrdiff_t ldr) {
    const lw_variant *v = variant(kernel);
    if (!v || !known_panel_type(panel_type)) return -1;
    if (panel1 <= panel0 || n <= 0) return 0;
    const gemm_output out = {panel0, panel1, n, b, panel_type, c, ldc, bias, residual, ldr};
    return gemm_outputs(v, row0, row1, k, a, lda, &out, 1);
}

int lw_gemm_serial_pair(int kernel, ptrdiff_t row0, ptrdiff_t row1, ptrdiff_t k, const float *a, ptrdiff_t lda,
                        ptrdiff_t n1, const void *b1, int panel_type1, float *c1, const float *bias1,
                        ptrdiff_t n2, const void *b2, int panel_type2, float *c2) {
    const lw_variant *v = variant(kernel);
    if (!v || !known_panel_type(panel_type1) || !known_panel_type(panel_type2)) return -1;
    if (n1 <= 0 || n2 <= 0) return 0;
    const gemm_output outs[2] = {
        {0, (n1 + LW_NR - 1) / LW_NR, n1, b1, panel_type1, c1, n1, bias1, NULL, 0},
        {0, (n2 + LW_NR - 1) / LW_NR, n2, b2, panel_type2, c2, n2, NULL, NULL, 0},
    };
    return gemm_outputs(v, row0, row1, k, a, lda, outs, 2);
}
