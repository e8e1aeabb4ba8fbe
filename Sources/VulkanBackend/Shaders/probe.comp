#version 450
// The device capability probe (VulkanDevice.probe): out[i] = op(a[i], b[i], c[i]) through the contract's
// functions, so the host can compare every mode against the CPU on hard inputs.
#include "contract.glsl"

layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer A { float a[]; };
layout(std430, set = 0, binding = 1) readonly buffer B { float b[]; };
layout(std430, set = 0, binding = 2) readonly buffer C { float c[]; };
layout(std430, set = 0, binding = 3) writeonly buffer Out { float o[]; };
layout(push_constant) uniform Push { uint n; uint op; } pc;

void main() {
    uint i = gl_GlobalInvocationID.x;
    if (i >= pc.n) { return; }
    float x = a[i], y = b[i], z = c[i];
    float r;
    if (pc.op == 0u) { r = exact_fma(x, y, z); }
    else if (pc.op == 1u) { r = exact_div(x, y); }
    else if (pc.op == 2u) { r = exact_sqrt(x); }
    else if (pc.op == 3u) { precise float p = x * y; r = p; }
    else if (pc.op == 4u) { precise float s = x + y; r = s; }
    else { r = x; }   // copy: are subnormals and signed zeros preserved through loads and stores?
    o[i] = r;
}
