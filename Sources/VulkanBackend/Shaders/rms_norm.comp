#version 450
// RMSNorm over the last dimension, one invocation per row (CPUBackend.rmsNorm): ms = S(x_i * x_i) / n;
// r = 1 / sqrt(ms + eps); y_i = x_i * r; then y_i * w_i when hasWeight != 0 (else binding 1 is not read).
#include "contract.glsl"
#include "exact_math.glsl"
#include "reductions.glsl"
#include "dispatch.glsl"

layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) readonly buffer W { float w[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Push { uint rows; uint n; float eps; uint hasWeight; } pc;

void main() {
    uint row = global_index();
    if (row >= pc.rows) { return; }
    uint base = row * pc.n;
    float squares;
    CANONICAL_SUM(squares, pc.n, i, x[base + i] * x[base + i])
    float meanSquare = exact_div(squares, float(pc.n));
    precise float shifted = meanSquare + pc.eps;
    float r = exact_div(1.0, exact_sqrt(shifted));
    for (uint i = 0u; i < pc.n; i++) {
        precise float v = x[base + i] * r;
        if (pc.hasWeight != 0u) { v = v * w[i]; }
        y[base + i] = v;
    }
}
