// Shared between the row-operation dispatch (rowops.c) and the per-variant files that instantiate rowops_body.h.
#ifndef LORWEB_ROWOPS_INTERNAL_H
#define LORWEB_ROWOPS_INTERNAL_H

#include <stddef.h>

typedef struct {
    void (*exp)(const float *x, float *y, ptrdiff_t n);
    void (*gelu)(const float *x, float *y, ptrdiff_t n);
    void (*softmax_row)(float *row, ptrdiff_t n, float scale, const float *bias);
} lw_rowops;

/// Each returns NULL when the variant is not compiled for this architecture.
const lw_rowops *lw_rowops_scalar(void);
const lw_rowops *lw_rowops_avx2(void);
const lw_rowops *lw_rowops_avx512(void);
const lw_rowops *lw_rowops_neon(void);

#endif
