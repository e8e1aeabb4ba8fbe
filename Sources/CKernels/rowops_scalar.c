// The row operations (rowops_body.h) one lane at a time in portable C: any CPU; the reference the SIMD variants
// are tested against, besides Swift's scalar ExactMath.
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF  // with -ffp-contract=off (Package.swift): no a*b+c becomes an FMA behind our back
#endif

#define W 1
#define LW_TARGET
#define LW_SUFFIX _scalar
typedef float V;
typedef int32_t VI;
typedef int VM;
typedef struct { float lane[8]; } A;

static inline V v_load(const float *p) { return *p; }
static inline void v_store(float *p, V v) { *p = v; }
static inline V v_set(float f) { return f; }
static inline V v_add(V a, V b) { return a + b; }
static inline V v_sub(V a, V b) { return a - b; }
static inline V v_mul(V a, V b) { return a * b; }
static inline V v_div(V a, V b) { return a / b; }
static inline V v_fma(V a, V b, V c) { return fmaf(a, b, c); }
static inline VM m_nle(V a, V b) { return !(a <= b); }
static inline VM m_nlt(V a, V b) { return !(a < b); }
static inline VM m_lt(V a, V b) { return a < b; }
static inline VM m_gt(V a, V b) { return a > b; }
static inline VM m_unord(V x) { return x != x; }
static inline VM m_or(VM a, VM b) { return a | b; }
static inline int m_any(VM m) { return m != 0; }
static inline V v_sel(VM m, V a, V b) { return m ? a : b; }
static inline VI v_bits(V v) { VI u; memcpy(&u, &v, 4); return u; }
static inline V v_from_bits(VI u) { V v; memcpy(&v, &u, 4); return v; }
static inline VI vi_set(int32_t i) { return i; }
static inline VI vi_add(VI a, VI b) { return (VI)((uint32_t)a + (uint32_t)b); }
static inline VI vi_sub(VI a, VI b) { return (VI)((uint32_t)a - (uint32_t)b); }
static inline VI vi_sra1(VI a) { return a >= 0 ? a / 2 : -((-a + 1) / 2); }  // floor(a / 2), as an arithmetic shift
static inline VI vi_sll23(VI a) { return (VI)((uint32_t)a << 23); }
static inline VI vi_and(VI a, VI b) { return a & b; }
static inline VI vi_or(VI a, VI b) { return a | b; }
static inline A a_zero(void) { A a = {{0}}; return a; }
static inline A a_add(A a, V e, ptrdiff_t i) { a.lane[i & 7] = a.lane[i & 7] + e; return a; }
static inline void a_lanes(A a, float out[8]) { memcpy(out, a.lane, sizeof a.lane); }

#include "rowops_body.h"

const lw_rowops *lw_rowops_scalar(void) { return &rowops_table_scalar; }
