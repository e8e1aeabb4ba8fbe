#version 450
// Attention, step 3 of 3: o[b, i, h·d + c] = rule-1 sum over keys j ascending of p[b, h, i, j] * v[b, j, h·d + c]
// (fma chain from +0.0). One invocation per output element; p is the softmax of attention_scores.comp.
#include "contract.glsl"
#include "dispatch.glsl"

layout(std430, set = 0, binding = 0) readonly buffer P { float p[]; };
layout(std430, set = 0, binding = 1) readonly buffer V { float v[]; };
layout(std430, set = 0, binding = 2) writeonly buffer O { float o[]; };
layout(push_constant) uniform Push { uint count; uint heads; uint lq; uint lk; uint d; } pc;

void main() {
    uint idx = global_index();
    if (idx >= pc.count) { return; }
    uint width = pc.heads * pc.d;
    uint col = idx % width;
    uint i = (idx / width) % pc.lq;
    uint b = idx / (width * pc.lq);
    uint h = col / pc.d;
    uint pAt = ((b * pc.heads + h) * pc.lq + i) * pc.lk;
    uint vAt = b * pc.lk * width + col;
    float acc = 0.0;
    for (uint j = 0u; j < pc.lk; j++) { acc = exact_fma(p[pAt + j], v[vAt + j * width], acc); }
    o[idx] = acc;
}
