#version 450
// y[i] = x[i] op s (op: 0 add, 1 sub, 2 mul, 3 div), s a push constant (CPUBackend add/sub/mul/div(scalar:)).
#include "contract.glsl"
#include "dispatch.glsl"

layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Push { uint count; uint op; float s; } pc;

void main() {
    uint i = global_index();
    if (i >= pc.count) { return; }
    float u = x[i];
    float r;
    if (pc.op == 0u) { precise float t = u + pc.s; r = t; }
    else if (pc.op == 1u) { precise float t = u - pc.s; r = t; }
    else if (pc.op == 2u) { precise float t = u * pc.s; r = t; }
    else { r = exact_div(u, pc.s); }
    y[i] = r;
}
