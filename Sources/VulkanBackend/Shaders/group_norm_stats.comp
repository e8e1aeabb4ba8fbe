#version 450
// GroupNorm statistics (CPUBackend.groupNorm), one invocation per (batch, group) run of n contiguous elements:
// mean = S(x) / n; var = S((x_i - mean) * (x_i - mean)) / n; r = 1 / sqrt(var + eps), written as
// stats[2·item] = mean, stats[2·item + 1] = r. S = canonical 8-lane sum (reductions.glsl). group_norm.comp applies them.
#include "contract.glsl"
#include "exact_math.glsl"
#include "reductions.glsl"
#include "dispatch.glsl"

layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Stats { float stats[]; };
layout(push_constant) uniform Push { uint items; uint n; float eps; } pc;

void main() {
    uint item = global_index();
    if (item >= pc.items) { return; }
    uint base = item * pc.n;
    float count = float(pc.n);
    float total;
    CANONICAL_SUM(total, pc.n, i, x[base + i])
    float mean = exact_div(total, count);
    float squares;
    CANONICAL_SUM(squares, pc.n, i, (x[base + i] - mean) * (x[base + i] - mean))
    float variance = exact_div(squares, count);
    precise float shifted = variance + pc.eps;
    stats[2u * item] = mean;
    stats[2u * item + 1u] = exact_div(1.0, exact_sqrt(shifted));
}
