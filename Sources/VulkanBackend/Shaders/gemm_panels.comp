#version 450
// Exact GEMM (NUMERICS.md rule 1): C[i, j] = fma(a[i,K-1], b[K-1,j], ... fma(a[i,0], b[0,j], +0.0)) (+ bias[j]).
// One invocation owns a 4x4 block of C; every element is ONE sequential chain over k ascending from +0.0 through
// the contract's exact_fma; the bias is one IEEE add afterwards. No k padding enters a chain.
//
// Operands are RGBA32F uniform texel buffers (llvmpipe vectorises texel fetches, reference/vulkan.md §0.2):
//   A: rows of K floats, row stride lda4 texels (the host pads each row to a multiple of 4 with zeros);
//   B: the PackedLinear panel layout: panel p = [K][16] floats = [K][4] texels, columns 16p..16p+15.
// Bindings: 0 = A (texels), 1 = B panels (texels), 2 = bias (storage, padded to 16; unread when hasBias = 0),
//           3 = C (storage, [M, N] row-major).
#include "contract.glsl"

layout(local_size_x = 16, local_size_y = 16) in;
layout(set = 0, binding = 0) uniform samplerBuffer A;
layout(set = 0, binding = 1) uniform samplerBuffer B;
layout(std430, set = 0, binding = 2) readonly buffer Bias { float bias[]; };
layout(std430, set = 0, binding = 3) writeonly buffer Cout { float c[]; };
layout(push_constant) uniform Push { uint M; uint N; uint K; uint lda4; uint hasBias; } pc;

void main() {
    uint col0 = gl_GlobalInvocationID.x * 4u;      // 4 columns, one texel of a panel row
    uint row0 = gl_GlobalInvocationID.y * 4u;      // 4 rows
    if (col0 >= pc.N || row0 >= pc.M) { return; }
    uint panel = col0 / 16u, quad = (col0 % 16u) / 4u;
    int bBase = int(panel * pc.K * 4u + quad);      // texel of (k = 0, columns col0..col0+3)
    uint rows = min(4u, pc.M - row0);
    int aRow[4];
    for (uint r = 0u; r < 4u; r++) { aRow[r] = int((row0 + min(r, rows - 1u)) * pc.lda4); }

    vec4 acc[4] = vec4[4](vec4(0.0), vec4(0.0), vec4(0.0), vec4(0.0));
    uint k = 0u;
    for (; k + 4u <= pc.K; k += 4u) {
        vec4 b0 = texelFetch(B, bBase + int(k) * 4);
        vec4 b1 = texelFetch(B, bBase + int(k + 1u) * 4);
        vec4 b2 = texelFetch(B, bBase + int(k + 2u) * 4);
        vec4 b3 = texelFetch(B, bBase + int(k + 3u) * 4);
        for (uint r = 0u; r < 4u; r++) {
            vec4 a = texelFetch(A, aRow[r] + int(k / 4u));
            vec4 s = acc[r];
            for (int j = 0; j < 4; j++) { s[j] = exact_fma(a.x, b0[j], s[j]); }
            for (int j = 0; j < 4; j++) { s[j] = exact_fma(a.y, b1[j], s[j]); }
            for (int j = 0; j < 4; j++) { s[j] = exact_fma(a.z, b2[j], s[j]); }
            for (int j = 0; j < 4; j++) { s[j] = exact_fma(a.w, b3[j], s[j]); }
            acc[r] = s;
        }
    }
    for (; k < pc.K; k++) {   // the last K % 4 steps, still in order
        vec4 b = texelFetch(B, bBase + int(k) * 4);
        for (uint r = 0u; r < 4u; r++) {
            float a = texelFetch(A, aRow[r] + int(k / 4u))[k % 4u];
            vec4 s = acc[r];
            for (int j = 0; j < 4; j++) { s[j] = exact_fma(a, b[j], s[j]); }
            acc[r] = s;
        }
    }
    for (uint r = 0u; r < rows; r++) {
        for (uint j = 0u; j < 4u; j++) {
            uint col = col0 + j;
            if (col >= pc.N) { break; }
            float v = acc[r][j];
            if (pc.hasBias != 0u) { precise float biased = v + bias[col]; v = biased; }
            c[(row0 + r) * pc.N + col] = v;
        }
    }
}
