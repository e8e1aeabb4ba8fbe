#version 450
// LayerNorm over the last dimension, one invocation per row (CPUBackend.layerNorm): mean = S(x) / n;
// d_i = x_i - mean; var = S(d_i * d_i) / n; r = 1 / sqrt(var + eps); y_i = d_i * r; then y_i * w_i and
// y_i + b_i when present (flags bit 0: weight, bit 1: bias; an absent operand's binding is not read).
#include "contract.glsl"
#include "exact_math.glsl"
#include "reductions.glsl"
#include "dispatch.glsl"

layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) readonly buffer W { float w[]; };
layout(std430, set = 0, binding = 2) readonly buffer B { float b[]; };
layout(std430, set = 0, binding = 3) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Push { uint rows; uint n; float eps; uint flags; } pc;

void main() {
    uint row = global_index();
    if (row >= pc.rows) { return; }
    uint base = row * pc.n;
    float count = float(pc.n);
    float total;
    CANONICAL_SUM(total, pc.n, i, x[base + i])
    float mean = exact_div(total, count);
    float squares;
    CANONICAL_SUM(squares, pc.n, i, (x[base + i] - mean) * (x[base + i] - mean))
    float variance = exact_div(squares, count);
    precise float shifted = variance + pc.eps;
    float r = exact_div(1.0, exact_sqrt(shifted));
    for (uint i = 0u; i < pc.n; i++) {
        precise float d = x[base + i] - mean;
        precise float v = d * r;
        if ((pc.flags & 1u) != 0u) { v = v * w[i]; }
        if ((pc.flags & 2u) != 0u) { v = v + b[i]; }
        y[base + i] = v;
    }
}
