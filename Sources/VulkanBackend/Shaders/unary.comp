#version 450
// y[i] = f(x[i]) for the pointwise functions of the numerics contract (op: 0 exp, 1 tanh, 2 sigmoid,
// 3 gelu, 4 quickGelu, 5 silu). The backend uses 3-5; 0-2 let the tests compare ExactMath itself.
#include "contract.glsl"
#include "exact_math.glsl"
#include "activations.glsl"
#include "dispatch.glsl"

layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Push { uint count; uint op; } pc;

void main() {
    uint i = global_index();
    if (i >= pc.count) { return; }
    float v = x[i];
    float r;
    switch (pc.op) {
    case 0u: r = exact_exp(v); break;
    case 1u: r = exact_tanh(v); break;
    case 2u: r = exact_sigmoid(v); break;
    case 3u: r = act_gelu(v); break;
    case 4u: r = act_quick_gelu(v); break;
    default: r = act_silu(v); break;
    }
    y[i] = r;
}
