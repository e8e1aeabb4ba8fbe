// The row operations (rowops_body.h) on 8 lanes with AVX2 + FMA; called only after
// lw_kernel_supported(LW_KERNEL_AVX2) said yes (per-function target attributes, as in gemm_avx2.c).
#if defined(__x86_64__)
#include <immintrin.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF  // with -ffp-contract=off (Package.swift): no a*b+c becomes an FMA behind our back
#endif

#define W 8
#define LW_TARGET __attribute__((target("avx2,fma")))
#define LW_SUFFIX _avx2
typedef __m256 V;
typedef __m256i VI;
typedef __m256 VM;
typedef __m256 A;

static inline LW_TARGET V v_load(const float *p) { return _mm256_loadu_ps(p); }
static inline LW_TARGET void v_store(float *p, V v) { _mm256_storeu_ps(p, v); }
static inline LW_TARGET V v_set(float f) { return _mm256_set1_ps(f); }
static inline LW_TARGET V v_add(V a, V b) { return _mm256_add_ps(a, b); }
static inline LW_TARGET V v_sub(V a, V b) { return _mm256_sub_ps(a, b); }
static inline LW_TARGET V v_mul(V a, V b) { return _mm256_mul_ps(a, b); }
static inline LW_TARGET V v_div(V a, V b) { return _mm256_div_ps(a, b); }
static inline LW_TARGET V v_fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
static inline LW_TARGET VM m_nle(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_NLE_UQ); }
static inline LW_TARGET VM m_nlt(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_NLT_UQ); }
static inline LW_TARGET VM m_lt(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
static inline LW_TARGET VM m_gt(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
static inline LW_TARGET VM m_unord(V x) { return _mm256_cmp_ps(x, x, _CMP_UNORD_Q); }
static inline LW_TARGET VM m_or(VM a, VM b) { return _mm256_or_ps(a, b); }
static inline LW_TARGET int m_any(VM m) { return _mm256_movemask_ps(m) != 0; }
static inline LW_TARGET V v_sel(VM m, V a, V b) { return _mm256_blendv_ps(b, a, m); }
static inline LW_TARGET VI v_bits(V v) { return _mm256_castps_si256(v); }
static inline LW_TARGET V v_from_bits(VI u) { return _mm256_castsi256_ps(u); }
static inline LW_TARGET VI vi_set(int32_t i) { return _mm256_set1_epi32(i); }
static inline LW_TARGET VI vi_add(VI a, VI b) { return _mm256_add_epi32(a, b); }
static inline LW_TARGET VI vi_sub(VI a, VI b) { return _mm256_sub_epi32(a, b); }
static inline LW_TARGET VI vi_sra1(VI a) { return _mm256_srai_epi32(a, 1); }
static inline LW_TARGET VI vi_sll23(VI a) { return _mm256_slli_epi32(a, 23); }
static inline LW_TARGET VI vi_and(VI a, VI b) { return _mm256_and_si256(a, b); }
static inline LW_TARGET VI vi_or(VI a, VI b) { return _mm256_or_si256(a, b); }
static inline LW_TARGET A a_zero(void) { return _mm256_setzero_ps(); }
static inline LW_TARGET A a_add(A a, V e, ptrdiff_t i) { (void)i; return _mm256_add_ps(a, e); }
static inline LW_TARGET void a_lanes(A a, float out[8]) { _mm256_storeu_ps(out, a); }

#include "rowops_body.h"

const lw_rowops *lw_rowops_avx2(void) { return &rowops_table_avx2; }
#else
#include "rowops_internal.h"
const lw_rowops *lw_rowops_avx2(void) { return NULL; }
#endif
