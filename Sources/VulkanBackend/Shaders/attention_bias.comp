#version 450
// Attention with a score bias (Backend.attention(q:k:v:heads:scale:bias:)), between step 1 (attention_scores.comp)
// and step 2 (softmax.comp): s[b, h, i, j] = s[b, h, i, j] + bias[h', rowStart + i, j], one rounding, in place.
// s holds [B, H, rows, Lk] for the chunk of query rows [rowStart, rowStart + rows); bias is [H', Lq, Lk] with
// H' = H (h' = h) or H' = 1 (h' = 0), the same for every batch element. One invocation per score.
#include "contract.glsl"
#include "dispatch.glsl"

layout(std430, set = 0, binding = 0) buffer S { float s[]; };
layout(std430, set = 0, binding = 1) readonly buffer Bias { float bias[]; };
layout(push_constant) uniform Push { uint count; uint heads; uint lq; uint lk; uint rowStart; uint rows; uint biasHeads; } pc;

void main() {
    uint idx = global_index();
    if (idx >= pc.count) { return; }
    uint j = idx % pc.lk;
    uint i = pc.rowStart + (idx / pc.lk) % pc.rows;
    uint h = (idx / (pc.lk * pc.rows)) % pc.heads;
    uint hb = pc.biasHeads == 1u ? 0u : h;
    precise float biased = s[idx] + bias[(hb * pc.lq + i) * pc.lk + j];
    s[idx] = biased;
}
