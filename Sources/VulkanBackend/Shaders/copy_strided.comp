#version 450
// Exact strided copy (concat, slice, permute): for every coordinate c of a view of `rank` dims (row-major over
// `shape`), dst[dstOffset + sum c_d * dstStride_d] = src[srcOffset + sum c_d * srcStride_d]. Words are copied as
// uint so no float conversion can touch a NaN payload or a subnormal.
layout(local_size_x = 256) in;
layout(std430, set = 0, binding = 0) readonly buffer Src { uint src[]; };
layout(std430, set = 0, binding = 1) buffer Dst { uint dst[]; };
layout(push_constant) uniform Push {
    uint count; uint rank; uint srcOffset; uint dstOffset;
    uint shape[8]; uint srcStride[8]; uint dstStride[8];
} pc;

void main() {
    uint i = gl_GlobalInvocationID.y * (gl_NumWorkGroups.x * 256u) + gl_GlobalInvocationID.x;
    if (i >= pc.count) { return; }
    uint rest = i, s = pc.srcOffset, d = pc.dstOffset;
    for (int dim = int(pc.rank) - 1; dim >= 0; dim--) {
        uint c = rest % pc.shape[dim];
        rest /= pc.shape[dim];
        s += c * pc.srcStride[dim];
        d += c * pc.dstStride[dim];
    }
    dst[d] = src[s];
}
