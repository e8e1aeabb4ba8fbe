#version 450
// GroupNorm, one invocation per element (CPUBackend.groupNorm) with the statistics of group_norm_stats.comp:
// y = (x - mean) * r, then y * w[c] and y + b[c] for the element's channel c when present (flags bit 0: weight,
// bit 1: bias; an absent operand's binding is not read).
#include "dispatch.glsl"

layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) readonly buffer Stats { float stats[]; };
layout(std430, set = 0, binding = 2) readonly buffer W { float w[]; };
layout(std430, set = 0, binding = 3) readonly buffer B { float b[]; };
layout(std430, set = 0, binding = 4) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Push { uint count; uint n; uint spatial; uint groups; uint perGroup; uint flags; } pc;

void main() {
    uint i = global_index();
    if (i >= pc.count) { return; }
    uint item = i / pc.n;
    uint channel = (item % pc.groups) * pc.perGroup + (i % pc.n) / pc.spatial;
    precise float d = x[i] - stats[2u * item];
    precise float v = d * stats[2u * item + 1u];
    if ((pc.flags & 1u) != 0u) { v = v * w[channel]; }
    if ((pc.flags & 2u) != 0u) { v = v + b[channel]; }
    y[i] = v;
}
