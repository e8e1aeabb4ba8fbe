// The row operations (rowops_body.h) on 8 lanes as two Advanced SIMD registers (arm64): two independent halves
// per operation, and the canonical sum's 8 lanes map onto them directly.
#if defined(__aarch64__)
#include <arm_neon.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF  // with -ffp-contract=off (Package.swift): no a*b+c becomes an FMA behind our back
#endif

#define W 8
#define LW_TARGET
#define LW_SUFFIX _neon
typedef struct { float32x4_t lo, hi; } V;
typedef struct { int32x4_t lo, hi; } VI;
typedef struct { uint32x4_t lo, hi; } VM;
typedef V A;

#define LW_V2(f, a, b) ((V){f((a).lo, (b).lo), f((a).hi, (b).hi)})
#define LW_VI2(f, a, b) ((VI){f((a).lo, (b).lo), f((a).hi, (b).hi)})
#define LW_VM2(f, a, b) ((VM){f((a).lo, (b).lo), f((a).hi, (b).hi)})

static inline V v_load(const float *p) { return (V){vld1q_f32(p), vld1q_f32(p + 4)}; }
static inline void v_store(float *p, V v) { vst1q_f32(p, v.lo); vst1q_f32(p + 4, v.hi); }
static inline V v_set(float f) { return (V){vdupq_n_f32(f), vdupq_n_f32(f)}; }
static inline V v_add(V a, V b) { return LW_V2(vaddq_f32, a, b); }
static inline V v_sub(V a, V b) { return LW_V2(vsubq_f32, a, b); }
static inline V v_mul(V a, V b) { return LW_V2(vmulq_f32, a, b); }
static inline V v_div(V a, V b) { return LW_V2(vdivq_f32, a, b); }
static inline V v_fma(V a, V b, V c) { return (V){vfmaq_f32(c.lo, a.lo, b.lo), vfmaq_f32(c.hi, a.hi, b.hi)}; }
static inline VM m_nle(V a, V b) { return (VM){vmvnq_u32(vcleq_f32(a.lo, b.lo)), vmvnq_u32(vcleq_f32(a.hi, b.hi))}; }
static inline VM m_nlt(V a, V b) { return (VM){vmvnq_u32(vcltq_f32(a.lo, b.lo)), vmvnq_u32(vcltq_f32(a.hi, b.hi))}; }
static inline VM m_lt(V a, V b) { return LW_VM2(vcltq_f32, a, b); }
static inline VM m_gt(V a, V b) { return LW_VM2(vcgtq_f32, a, b); }
static inline VM m_unord(V x) { return (VM){vmvnq_u32(vceqq_f32(x.lo, x.lo)), vmvnq_u32(vceqq_f32(x.hi, x.hi))}; }
static inline VM m_or(VM a, VM b) { return LW_VM2(vorrq_u32, a, b); }
static inline int m_any(VM m) { return vmaxvq_u32(vorrq_u32(m.lo, m.hi)) != 0; }
static inline V v_sel(VM m, V a, V b) { return (V){vbslq_f32(m.lo, a.lo, b.lo), vbslq_f32(m.hi, a.hi, b.hi)}; }
static inline VI v_bits(V v) { return (VI){vreinterpretq_s32_f32(v.lo), vreinterpretq_s32_f32(v.hi)}; }
static inline V v_from_bits(VI u) { return (V){vreinterpretq_f32_s32(u.lo), vreinterpretq_f32_s32(u.hi)}; }
static inline VI vi_set(int32_t i) { return (VI){vdupq_n_s32(i), vdupq_n_s32(i)}; }
static inline VI vi_add(VI a, VI b) { return LW_VI2(vaddq_s32, a, b); }
static inline VI vi_sub(VI a, VI b) { return LW_VI2(vsubq_s32, a, b); }
static inline VI vi_sra1(VI a) { return (VI){vshrq_n_s32(a.lo, 1), vshrq_n_s32(a.hi, 1)}; }
static inline VI vi_sll23(VI a) { return (VI){vshlq_n_s32(a.lo, 23), vshlq_n_s32(a.hi, 23)}; }
static inline VI vi_and(VI a, VI b) { return LW_VI2(vandq_s32, a, b); }
static inline VI vi_or(VI a, VI b) { return LW_VI2(vorrq_s32, a, b); }
static inline A a_zero(void) { return v_set(0.0f); }
static inline A a_add(A a, V e, ptrdiff_t i) { (void)i; return v_add(a, e); }
static inline void a_lanes(A a, float out[8]) { v_store(out, a); }

#include "rowops_body.h"

const lw_rowops *lw_rowops_neon(void) { return &rowops_table_neon; }
#else
#include "rowops_internal.h"
const lw_rowops *lw_rowops_neon(void) { return NULL; }
#endif
