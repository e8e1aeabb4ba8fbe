#version 450
// The im2col rows of one band of conv2d output pixels (Backend.unfoldConvolution, on the device): element
// (r, kk) of a [count, lda4·4] matrix is, for kk < K = C·k·k with kk = (c·k + dy)·k + dx, the input element at
// (c, oy·s + dy - top, ox·s + dx - left) of batch item `item`, where (oy, ox) = pixel (start + r) of a Wo-wide
// grid; +0.0 where that is padding, and +0.0 in the row's tail kk >= K (whole texels for the GEMM's A operand,
// never part of a chain). Words are copied as uint: no float conversion touches the values.
#include "dispatch.glsl"

layout(std430, set = 0, binding = 0) readonly buffer X { uint x[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Rows { uint rows[]; };
layout(push_constant) uniform Push {
    uint total; uint K; uint ldaFloats; uint C; uint H; uint W; uint k; uint s;
    uint top; uint left; uint outWidth; uint start; uint itemOffset;
} pc;

void main() {
    uint i = global_index();
    if (i >= pc.total) { return; }
    uint r = i / pc.ldaFloats, kk = i % pc.ldaFloats;
    uint value = 0u;
    if (kk < pc.K) {
        uint kk2 = pc.k * pc.k;
        uint c = kk / kk2, dy = (kk % kk2) / pc.k, dx = kk % pc.k;
        uint p = pc.start + r;
        int iy = int((p / pc.outWidth) * pc.s + dy) - int(pc.top);
        int ix = int((p % pc.outWidth) * pc.s + dx) - int(pc.left);
        if (iy >= 0 && iy < int(pc.H) && ix >= 0 && ix < int(pc.W)) {
            value = x[pc.itemOffset + (c * pc.H + uint(iy)) * pc.W + uint(ix)];
        }
    }
    rows[i] = value;
}
