// The row operations (rowops_body.h) on 16 lanes with AVX-512F; called only after
// lw_kernel_supported(LW_KERNEL_AVX512) said yes. The canonical sum keeps 8 lanes (Docs/NUMERICS.md rule 2), so
// each 16-lane vector of exponentials is added as its low then its high half (256-bit AVX, which every AVX-512F
// CPU has).
#if defined(__x86_64__)
#include <immintrin.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF  // with -ffp-contract=off (Package.swift): no a*b+c becomes an FMA behind our back
#endif

#define W 16
#define LW_TARGET __attribute__((target("avx512f,avx2,fma")))
#define LW_SUFFIX _avx512
typedef __m512 V;
typedef __m512i VI;
typedef __mmask16 VM;
typedef __m256 A;

static inline LW_TARGET V v_load(const float *p) { return _mm512_loadu_ps(p); }
static inline LW_TARGET void v_store(float *p, V v) { _mm512_storeu_ps(p, v); }
static inline LW_TARGET V v_set(float f) { return _mm512_set1_ps(f); }
static inline LW_TARGET V v_add(V a, V b) { return _mm512_add_ps(a, b); }
static inline LW_TARGET V v_sub(V a, V b) { return _mm512_sub_ps(a, b); }
static inline LW_TARGET V v_mul(V a, V b) { return _mm512_mul_ps(a, b); }
static inline LW_TARGET V v_div(V a, V b) { return _mm512_div_ps(a, b); }
static inline LW_TARGET V v_fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
static inline LW_TARGET VM m_nle(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_NLE_UQ); }
static inline LW_TARGET VM m_nlt(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_NLT_UQ); }
static inline LW_TARGET VM m_lt(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
static inline LW_TARGET VM m_gt(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
static inline LW_TARGET VM m_unord(V x) { return _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q); }
static inline LW_TARGET VM m_or(VM a, VM b) { return (VM)(a | b); }
static inline LW_TARGET int m_any(VM m) { return m != 0; }
static inline LW_TARGET V v_sel(VM m, V a, V b) { return _mm512_mask_blend_ps(m, b, a); }
static inline LW_TARGET VI v_bits(V v) { return _mm512_castps_si512(v); }
static inline LW_TARGET V v_from_bits(VI u) { return _mm512_castsi512_ps(u); }
static inline LW_TARGET VI vi_set(int32_t i) { return _mm512_set1_epi32(i); }
static inline LW_TARGET VI vi_add(VI a, VI b) { return _mm512_add_epi32(a, b); }
static inline LW_TARGET VI vi_sub(VI a, VI b) { return _mm512_sub_epi32(a, b); }
static inline LW_TARGET VI vi_sra1(VI a) { return _mm512_srai_epi32(a, 1); }
static inline LW_TARGET VI vi_sll23(VI a) { return _mm512_slli_epi32(a, 23); }
static inline LW_TARGET VI vi_and(VI a, VI b) { return _mm512_and_si512(a, b); }
static inline LW_TARGET VI vi_or(VI a, VI b) { return _mm512_or_si512(a, b); }
static inline LW_TARGET A a_zero(void) { return _mm256_setzero_ps(); }
static inline LW_TARGET A a_add(A a, V e, ptrdiff_t i) {
    (void)i;
    const __m256 low = _mm512_castps512_ps256(e);
    const __m256 high = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(e), 1));
    return _mm256_add_ps(_mm256_add_ps(a, low), high);  // elements i..i+7 first, then i+8..i+15
}
static inline LW_TARGET void a_lanes(A a, float out[8]) { _mm256_storeu_ps(out, a); }

#include "rowops_body.h"

const lw_rowops *lw_rowops_avx512(void) { return &rowops_table_avx512; }
#else
#include "rowops_internal.h"
const lw_rowops *lw_rowops_avx512(void) { return NULL; }
#endif
