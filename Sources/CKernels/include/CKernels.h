// The exact GEMM's micro-kernels and the hot row operations in C with intrinsics, one variant per vector width
// (Docs/NUMERICS.md rules 1-3).
//
// Why C: Swift's SIMD types are compiled for one target CPU per module, so one Swift binary cannot hold an
// AVX-512 and an AVX2 kernel side by side. C's per-function `target` attributes can: every variant is in the
// binary and the widest one the CPU (and OS) supports is chosen at run time (lw_kernel_supported).
//
// Contract: each output C[i, j] is ONE fma chain over k ascending, starting from +0.0; K blocks carry the
// chain through C in memory; the bias is one IEEE add after the last block. Every variant computes exactly
// these operations, so the bytes are identical across variants (tested against the scalar variant).
#ifndef LORWEB_CKERNELS_H
#define LORWEB_CKERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Kernel variants (the values are stable; Swift's CPUKernel maps names to them).
enum {
    LW_KERNEL_SCALAR = 0,  // portable C, any CPU; the reference the others are tested against (12×32 tiles)
    LW_KERNEL_AVX2 = 1,    // x86-64 AVX2 + FMA, 6×16 register tile
    LW_KERNEL_AVX512 = 2,  // x86-64 AVX-512F, 12×32 register tile (two 16-column panels)
    LW_KERNEL_NEON = 3,    // arm64 Advanced SIMD, 6×16 register tile
};

/// Element type of the packed B panels. Half types are widened to f32 (exactly) before the micro-kernel.
enum {
    LW_PANEL_F32 = 0,
    LW_PANEL_BF16 = 1,
    LW_PANEL_F16 = 2,
};

/// 1 when the variant is compiled into this binary and this CPU and OS can run it, else 0.
int lw_kernel_supported(int kernel);

/// Rows of the variant's register tile (work splits over rows in multiples of it); 0 for an unknown variant.
int lw_kernel_tile_rows(int kernel);

/// C[rows row0..<row1, panels panel0..<panel1] = (residual +) (A · B (+ bias)), on the calling thread.
/// A: row-major, row stride lda (k columns). B: packed panels of 16 columns, panel p = [k][16] at element offset
/// p·k·16, of type panel_type, zero-padded past n. C: row stride ldc; only columns < n are written.
/// bias: NULL, or f32 padded with zeros to a multiple of 16. residual: NULL, or an m × n matrix (row stride ldr,
/// never C itself: C holds partial chains between K blocks) added after the bias with one IEEE add per element, residual on the left, while each tile
/// is still in cache (the LoRA delta's `y + (x·A)·B`). Returns 0, or -1 for an unsupported variant or panel type,
/// or when scratch memory cannot be allocated (C is then unchanged).
int lw_gemm_serial(int kernel, ptrdiff_t row0, ptrdiff_t row1, ptrdiff_t panel0, ptrdiff_t panel1,
                   ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda, const void *b, int panel_type,
                   float *c, ptrdiff_t ldc, const float *bias, const float *residual, ptrdiff_t ldr);

/// Two products of the same A, each packed (mc × kc) block of A used by both: C1[rows, n1] = A · B1 (+ bias1) and
/// C2[rows, n2] = A · B2, C1 and C2 dense (row strides n1 and n2), every panel of both. Per output the bytes of
/// two lw_gemm_serial calls (the chains do not depend on which panels share a packed block); what is saved is
/// one packing pass over A and one call (a LoRA delta's down projection x·A_cat beside the base x·Wᵀ).
int lw_gemm_serial_pair(int kernel, ptrdiff_t row0, ptrdiff_t row1, ptrdiff_t k, const float *a, ptrdiff_t lda,
                        ptrdiff_t n1, const void *b1, int panel_type1, float *c1, const float *bias1,
                        ptrdiff_t n2, const void *b2, int panel_type2, float *c2);

/// Widens count half-precision values (LW_PANEL_BF16 or LW_PANEL_F16) to f32, exactly (subnormals, infinities
/// and NaN payloads kept, as Numerics.DTypeConversion does). Returns -1 for another panel type.
int lw_widen(int panel_type, const unsigned short *src, float *dst, ptrdiff_t count);

/// The exact row operations (rowops_body.h), every lane with the operation sequence of Swift's scalar functions,
/// so every variant returns the same bits: y = ExactMath.exp(x) and y = ScalarOps.gelu(x) elementwise (x may equal
/// y), and one attention score row in place as CPUBackend.scaledSoftmaxRow (s·scale [+ bias], max by rule 3,
/// exp, the canonical sum by rule 2, divide; bias NULL or n floats). Each returns 0, or -1 for an unsupported
/// variant (nothing written).
int lw_exp(int kernel, const float *x, float *y, ptrdiff_t n);
int lw_gelu(int kernel, const float *x, float *y, ptrdiff_t n);
int lw_softmax_row(int kernel, float *row, ptrdiff_t n, float scale, const float *bias);

#ifdef __cplusplus
}
#endif

#endif
