#version 450
// Attention, step 1 of 3 (Backend.attention): s[b, h, i, j] = (rule-1 dot of q_i and k_j over head h's d
// channels) * scale, one rounding for the scale. One invocation per score; q [B, Lq, H·d], k [B, Lk, H·d].
// The host may split the query rows into chunks [rowStart, rowStart + rows): s holds [B, H, rows, Lk].
// Step 2 is softmax.comp over rows of Lk; step 3 attention_values.comp.
#include "contract.glsl"
#include "dispatch.glsl"

// q and k are RGBA32F uniform texel buffers (llvmpipe vectorises texel fetches, not SSBO loads): element i is
// component i % 4 of texel i / 4; the host pads both to whole texels.
layout(set = 0, binding = 0) uniform samplerBuffer Q;
layout(set = 0, binding = 1) uniform samplerBuffer K;
layout(std430, set = 0, binding = 2) writeonly buffer S { float s[]; };
layout(push_constant) uniform Push { uint count; uint heads; uint lq; uint lk; uint d; uint rowStart; uint rows; float scale; } pc;

void main() {
    uint idx = global_index();
    if (idx >= pc.count) { return; }
    uint j = idx % pc.lk;
    uint i = pc.rowStart + (idx / pc.lk) % pc.rows;
    uint h = (idx / (pc.lk * pc.rows)) % pc.heads;
    uint b = idx / (pc.lk * pc.rows * pc.heads);
    uint width = pc.heads * pc.d;
    uint qAt = (b * pc.lq + i) * width + h * pc.d;
    uint kAt = (b * pc.lk + j) * width + h * pc.d;
    float acc = 0.0;
    for (uint c = 0u; c < pc.d; c++) {
        uint qi = qAt + c, ki = kAt + c;
        acc = exact_fma(texelFetch(Q, int(qi >> 2))[qi & 3u], texelFetch(K, int(ki >> 2))[ki & 3u], acc);
    }
    precise float scaled = acc * pc.scale;
    s[idx] = scaled;
}
