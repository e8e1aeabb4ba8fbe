#version 450
// RoPE on adjacent pairs (Backend.rope): one invocation per pair of x [rows, width], position t = row % S,
// table column c = pair start mod d (tables [S, d], repeat-interleaved):
// y[2m] = x[2m]*cos[c] - x[2m+1]*sin[c]; y[2m+1] = x[2m+1]*cos[c+1] + x[2m]*sin[c+1] (products rounded).
#include "contract.glsl"
#include "dispatch.glsl"

layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) readonly buffer C { float cosTable[]; };
layout(std430, set = 0, binding = 2) readonly buffer S { float sinTable[]; };
layout(std430, set = 0, binding = 3) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Push { uint pairs; uint positions; uint width; uint d; } pc;

void main() {
    uint p = global_index();
    if (p >= pc.pairs) { return; }
    uint halfWidth = pc.width / 2u;
    uint row = p / halfWidth;
    uint start = (p % halfWidth) * 2u;
    uint t = row % pc.positions;
    uint c = t * pc.d + start % pc.d;
    uint at = row * pc.width + start;
    float x0 = x[at], x1 = x[at + 1u];
    precise float a0 = x0 * cosTable[c];
    precise float b0 = x1 * sinTable[c];
    precise float y0 = a0 - b0;
    precise float a1 = x1 * cosTable[c + 1u];
    precise float b1 = x0 * sinTable[c + 1u];
    precise float y1 = a1 + b1;
    y[at] = y0;
    y[at + 1u] = y1;
}
