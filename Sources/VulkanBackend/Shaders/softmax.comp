#version 450
// Softmax over the last dimension, one invocation per row (CPUBackend.softmaxRow): m = max (rule 3);
// y_j = exp(x_j - m); Z = S(y) (rule 2); y_j = y_j / Z.
#include "contract.glsl"
#include "exact_math.glsl"
#include "reductions.glsl"
#include "dispatch.glsl"

layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) buffer Y { float y[]; };
layout(push_constant) uniform Push { uint rows; uint n; } pc;

void main() {
    uint row = global_index();
    if (row >= pc.rows) { return; }
    uint base = row * pc.n;
    float m;
    CANONICAL_MAX(m, pc.n, j, x[base + j])
    for (uint j = 0u; j < pc.n; j++) {
        precise float shifted = x[base + j] - m;
        y[base + j] = exact_exp(shifted);
    }
    float z;
    CANONICAL_SUM(z, pc.n, j, y[base + j])
    for (uint j = 0u; j < pc.n; j++) { y[base + j] = exact_div(y[base + j], z); }
}
