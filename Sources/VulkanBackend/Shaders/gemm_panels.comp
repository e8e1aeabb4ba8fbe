#version 450
// Exact GEMM (Docs/NUMERICS.md rule 1): C[i, j] = fma(a[i,K-1], b[K-1,j], ... fma(a[i,0], b[0,j], +0.0)) (+ bias[j]).
// One invocation owns a 4x4 block of C; every element is ONE sequential chain over k ascending from +0.0 through
// the contract's exact_fma; the bias is one IEEE add afterwards. No k padding enters a chain.
//
// Operands are RGBA32F uniform texel buffers (llvmpipe vectorises texel fetches, Docs/VULKAN.md §1.2):
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

// Row r of the tile: + bias (one IEEE add), columns past N skipped.
void store(uint row0, uint rows, uint col0, uint r, vec4 v) {
    if (r >= rows) { return; }
    for (uint j = 0u; j < 4u; j++) {
        uint col = col0 + j;
        if (col >= pc.N) { return; }
        float x = j == 0u ? v.x : (j == 1u ? v.y : (j == 2u ? v.z : v.w));
        if (pc.hasBias != 0u) { precise float biased = x + bias[col]; x = biased; }
        c[(row0 + r) * pc.N + col] = x;
    }
}

// One k step of one row: the four columns' chains each take one exact fma (constant component indices and named
// accumulators only: without glslc -O, a dynamically indexed local array would live in scratch memory and an
// unrolling optimiser is not safe, so the 4x4 tile is unrolled by hand).
#define STEP(acc, a, b) acc = vec4(exact_fma(a, b.x, acc.x), exact_fma(a, b.y, acc.y), exact_fma(a, b.z, acc.z), exact_fma(a, b.w, acc.w))
#define ROW4(acc, row) { vec4 a = texelFetch(A, row + int(k / 4u)); STEP(acc, a.x, b0); STEP(acc, a.y, b1); STEP(acc, a.z, b2); STEP(acc, a.w, b3); }
#define ROW1(acc, row) { vec4 t = texelFetch(A, row + int(k / 4u)); uint q = k % 4u; \
    float a = q == 0u ? t.x : (q == 1u ? t.y : (q == 2u ? t.z : t.w)); STEP(acc, a, b); }

void main() {
    uint col0 = gl_GlobalInvocationID.x * 4u;      // 4 columns, one texel of a panel row
    uint row0 = gl_GlobalInvocationID.y * 4u;      // 4 rows
    if (col0 >= pc.N || row0 >= pc.M) { return; }
    uint panel = col0 / 16u, quad = (col0 % 16u) / 4u;
    int bBase = int(panel * pc.K * 4u + quad);      // texel of (k = 0, columns col0..col0+3)
    uint rows = min(4u, pc.M - row0);
    // Rows past M repeat the last row (computed, never stored).
    int aRow0 = int(row0 * pc.lda4);
    int aRow1 = int((row0 + min(1u, rows - 1u)) * pc.lda4);
    int aRow2 = int((row0 + min(2u, rows - 1u)) * pc.lda4);
    int aRow3 = int((row0 + min(3u, rows - 1u)) * pc.lda4);

    vec4 acc0 = vec4(0.0), acc1 = vec4(0.0), acc2 = vec4(0.0), acc3 = vec4(0.0);
    uint k = 0u;
    for (; k + 4u <= pc.K; k += 4u) {
        vec4 b0 = texelFetch(B, bBase + int(k) * 4);
        vec4 b1 = texelFetch(B, bBase + int(k + 1u) * 4);
        vec4 b2 = texelFetch(B, bBase + int(k + 2u) * 4);
        vec4 b3 = texelFetch(B, bBase + int(k + 3u) * 4);
        ROW4(acc0, aRow0) ROW4(acc1, aRow1) ROW4(acc2, aRow2) ROW4(acc3, aRow3)
    }
    for (; k < pc.K; k++) {   // the last K % 4 steps, still in order
        vec4 b = texelFetch(B, bBase + int(k) * 4);
        ROW1(acc0, aRow0) ROW1(acc1, aRow1) ROW1(acc2, aRow2) ROW1(acc3, aRow3)
    }
    store(row0, rows, col0, 0u, acc0);
    store(row0, rows, col0, 1u, acc1);
    store(row0, rows, col0, 2u, acc2);
    store(row0, rows, col0, 3u, acc3);
}
