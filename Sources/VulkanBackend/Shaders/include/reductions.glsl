// Docs/NUMERICS.md rule 2 (canonical 8-lane sum) and rule 3 (max), as in Sources/Numerics/CanonicalSum.swift and
// Sources/TensorCore/LaneSum.swift: one invocation owns the whole reduction and keeps 8 accumulators.
// Macros, because GLSL cannot pass a buffer or a closure to a function. Needs exact_math.glsl (em_isnan).
#ifndef LORWEB_REDUCTIONS_GLSL
#define LORWEB_REDUCTIONS_GLSL

// The halving combination: (l, l+4) for l < 4, (l, l+2) for l < 2, then (0, 1).
float canonical_combine(float l0, float l1, float l2, float l3, float l4, float l5, float l6, float l7) {
    precise float s0 = l0 + l4;
    precise float s1 = l1 + l5;
    precise float s2 = l2 + l6;
    precise float s3 = l3 + l7;
    precise float t0 = s0 + s2;
    precise float t1 = s1 + s3;
    precise float r = t0 + t1;
    return r;
}

// RESULT = S(TERM for I in 0..<COUNT): lane I mod 8 adds its terms in ascending I from +0.0, then the lanes
// combine. TERM is an expression in the uint I; it is first stored in a `precise` local, so a product such
// as d*d is rounded before it is added (no FMA).
#define CANONICAL_SUM(RESULT, COUNT, I, TERM) {                                         \
    precise float cs_l0 = 0.0, cs_l1 = 0.0, cs_l2 = 0.0, cs_l3 = 0.0;                   \
    precise float cs_l4 = 0.0, cs_l5 = 0.0, cs_l6 = 0.0, cs_l7 = 0.0;                   \
    for (uint I = 0u; I < (COUNT); I++) {                                               \
        precise float cs_t = (TERM);                                                    \
        switch (I & 7u) {                                                               \
        case 0u: cs_l0 = cs_l0 + cs_t; break;                                           \
        case 1u: cs_l1 = cs_l1 + cs_t; break;                                           \
        case 2u: cs_l2 = cs_l2 + cs_t; break;                                           \
        case 3u: cs_l3 = cs_l3 + cs_t; break;                                           \
        case 4u: cs_l4 = cs_l4 + cs_t; break;                                           \
        case 5u: cs_l5 = cs_l5 + cs_t; break;                                           \
        case 6u: cs_l6 = cs_l6 + cs_t; break;                                           \
        default: cs_l7 = cs_l7 + cs_t; break;                                           \
        }                                                                               \
    }                                                                                   \
    RESULT = canonical_combine(cs_l0, cs_l1, cs_l2, cs_l3, cs_l4, cs_l5, cs_l6, cs_l7);  \
}

// RESULT = max of ELEM for I in 0..<COUNT, defined as canonicalMax in LaneSum.swift: NaN (0x7FC00000, Swift's
// Float.nan) if any element is NaN; +0.0 wins over -0.0; -infinity for an empty range.
#define CANONICAL_MAX(RESULT, COUNT, I, ELEM) {                                         \
    float cm_m = uintBitsToFloat(0xFF800000u);                                          \
    bool cm_nan = false;                                                                \
    for (uint I = 0u; I < (COUNT); I++) {                                               \
        float cm_v = (ELEM);                                                            \
        if (em_isnan(cm_v)) { cm_nan = true; break; }                                   \
        if (cm_v > cm_m || (cm_v == cm_m && (floatBitsToUint(cm_v) >> 31) == 0u)) { cm_m = cm_v; } \
    }                                                                                   \
    RESULT = cm_nan ? uintBitsToFloat(0x7FC00000u) : cm_m;                              \
}

#endif
