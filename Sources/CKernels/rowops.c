// The row operations' entry points: the variant's table (rowops_*.c), after the same support check as the GEMM.
#include "CKernels.h"
#include "rowops_internal.h"

static const lw_rowops *table(int kernel) {
    if (!lw_kernel_supported(kernel)) return NULL;
    switch (kernel) {
    case LW_KERNEL_SCALAR: return lw_rowops_scalar();
    case LW_KERNEL_AVX2: return lw_rowops_avx2();
    case LW_KERNEL_AVX512: return lw_rowops_avx512();
    case LW_KERNEL_NEON: return lw_rowops_neon();
    default: return NULL;
    }
}

int lw_exp(int kernel, const float *x, float *y, ptrdiff_t n) {
    const lw_rowops *t = table(kernel);
    if (!t) return -1;
    t->exp(x, y, n);
    return 0;
}

int lw_gelu(int kernel, const float *x, float *y, ptrdiff_t n) {
    const lw_rowops *t = table(kernel);
    if (!t) return -1;
    t->gelu(x, y, n);
    return 0;
}

int lw_softmax_row(int kernel, float *row, ptrdiff_t n, float scale, const float *bias) {
    const lw_rowops *t = table(kernel);
    if (!t) return -1;
    t->softmax_row(row, n, scale, bias);
    return 0;
}
