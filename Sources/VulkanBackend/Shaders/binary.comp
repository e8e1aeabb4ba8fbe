#version 450
// Broadcasting a op b (op: 0 add, 1 sub, 2 mul, 3 div), numpy rules (ReferenceBackend.binary): output
// element i is decomposed over the output shape (row-major, up to 8 dims after the host merges contiguous
// ones) and each operand is read at sum(coordinate_d * stride_d), stride 0 on broadcast dimensions.
#include "contract.glsl"
#include "dispatch.glsl"

layout(std430, set = 0, binding = 0) readonly buffer A { float a[]; };
layout(std430, set = 0, binding = 1) readonly buffer B { float b[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Push {
    uint count; uint op; uint rank;
    uint dims[8]; uint strideA[8]; uint strideB[8];
} pc;

float apply_binary(uint op, float u, float v) {
    if (op == 0u) { precise float r = u + v; return r; }
    if (op == 1u) { precise float r = u - v; return r; }
    if (op == 2u) { precise float r = u * v; return r; }
    return exact_div(u, v);
}

void main() {
    uint i = global_index();
    if (i >= pc.count) { return; }
    uint rest = i, ia = 0u, ib = 0u;
    for (int d = int(pc.rank) - 1; d >= 0; d--) {
        uint coordinate = rest % pc.dims[d];
        rest = rest / pc.dims[d];
        ia += coordinate * pc.strideA[d];
        ib += coordinate * pc.strideB[d];
    }
    y[i] = apply_binary(pc.op, a[ia], b[ib]);
}
