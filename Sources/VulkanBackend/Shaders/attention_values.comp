#version 450
// Attention, step 3 of 3: o[b, i, h·d + c] = rule-1 sum over keys j ascending of p[b, h, i, j] * v[b, j, h·d + c]
// (fma chain from +0.0). One invocation per output element of the query rows [rowStart, rowStart + rows);
// p [B, H, rows, Lk] is the softmax of attention_scores.comp for the same rows; o is the whole [B, Lq, H·d].
#include "contract.glsl"
#include "dispatch.glsl"

// p and v are RGBA32F uniform texel buffers (see attention_scores.comp), padded to whole texels by the host.
layout(set = 0, binding = 0) uniform samplerBuffer P;
layout(set = 0, binding = 1) uniform samplerBuffer V;
layout(std430, set = 0, binding = 2) writeonly buffer O { float o[]; };
layout(push_constant) uniform Push { uint count; uint heads; uint lq; uint lk; uint d; uint rowStart; uint rows; } pc;

void main() {
    uint idx = global_index();
    if (idx >= pc.count) { return; }
    uint width = pc.heads * pc.d;
    uint col = idx % width;
    uint row = (idx / width) % pc.rows;
    uint b = idx / (width * pc.rows);
    uint h = col / pc.d;
    uint pAt = ((b * pc.heads + h) * pc.rows + row) * pc.lk;
    uint vAt = b * pc.lk * width + col;
    float acc = 0.0;
    for (uint j = 0u; j < pc.lk; j++) {
        uint pi = pAt + j, vi = vAt + j * width;
        acc = exact_fma(texelFetch(P, int(pi >> 2))[pi & 3u], texelFetch(V, int(vi >> 2))[vi & 3u], acc);
    }
    o[(b * pc.lq + pc.rowStart + row) * width + col] = acc;
}
