#version 450
// Exact GEMM for discrete GPUs (Docs/NUMERICS.md rule 1), same contract and bindings as gemm_panels.comp but with
// storage-buffer operands staged through shared memory: a 64x64 block of C per 16x16 workgroup, 4x4 outputs per
// invocation (rows ty + 16i, columns tx + 16j), K in slices of 16. Each output is still ONE chain over k
// ascending from +0.0: a slice only moves operands, the accumulators never leave the invocation, and the zero
// fill past K is never part of a chain (the inner loop stops at K). Bias: one IEEE add afterwards.
// Bindings: 0 = A (storage, rows of lda = 4*lda4 floats), 1 = B panels (storage, PackedLinear layout),
//           2 = bias (storage, padded to 16), 3 = C (storage, [M, N]).
#include "contract.glsl"

layout(local_size_x = 16, local_size_y = 16) in;
layout(std430, set = 0, binding = 0) readonly buffer A { float a[]; };
layout(std430, set = 0, binding = 1) readonly buffer B { float b[]; };
layout(std430, set = 0, binding = 2) readonly buffer Bias { float bias[]; };
layout(std430, set = 0, binding = 3) writeonly buffer Cout { float c[]; };
layout(push_constant) uniform Push { uint M; uint N; uint K; uint lda4; uint hasBias; } pc;

shared float As[16][64];   // As[k][row]
shared float Bs[16][64];   // Bs[k][col]

void main() {
    uint tx = gl_LocalInvocationID.x, ty = gl_LocalInvocationID.y;
    uint tid = ty * 16u + tx;
    uint rowBase = gl_WorkGroupID.y * 64u, colBase = gl_WorkGroupID.x * 64u;
    uint lda = pc.lda4 * 4u;
    float acc[4][4];
    for (int i = 0; i < 4; i++) { for (int j = 0; j < 4; j++) { acc[i][j] = 0.0; } }

    for (uint k0 = 0u; k0 < pc.K; k0 += 16u) {
        // Stage A[rowBase.., k0..k0+15] and B[k0.., colBase..colBase+63]: 4 elements per invocation each.
        for (uint e = 0u; e < 4u; e++) {
            uint idx = tid + e * 256u;               // 0..1023
            uint ar = idx / 16u, ak = idx % 16u;     // A: 64 rows x 16 k
            uint row = rowBase + ar, k = k0 + ak;
            As[ak][ar] = (row < pc.M && k < pc.K) ? a[row * lda + k] : 0.0;
            uint bk = idx / 64u, bc = idx % 64u;     // B: 16 k x 64 columns
            uint col = colBase + bc, kb = k0 + bk;
            Bs[bk][bc] = (col < pc.N && kb < pc.K) ? b[(col / 16u) * pc.K * 16u + kb * 16u + col % 16u] : 0.0;
        }
        barrier();
        uint steps = min(16u, pc.K - k0);
        for (uint kk = 0u; kk < steps; kk++) {
            float av[4], bv[4];
            for (int i = 0; i < 4; i++) { av[i] = As[kk][ty + 16u * uint(i)]; bv[i] = Bs[kk][tx + 16u * uint(i)]; }
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) { acc[i][j] = exact_fma(av[i], bv[j], acc[i][j]); }
            }
        }
        barrier();
    }
    for (int i = 0; i < 4; i++) {
        uint row = rowBase + ty + 16u * uint(i);
        if (row >= pc.M) { continue; }
        for (int j = 0; j < 4; j++) {
            uint col = colBase + tx + 16u * uint(j);
            if (col >= pc.N) { continue; }
            float v = acc[i][j];
            if (pc.hasBias != 0u) { precise float biased = v + bias[col]; v = biased; }
            c[row * pc.N + col] = v;
        }
    }
}
