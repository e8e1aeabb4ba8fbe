// One invocation per output element (or row): a 1-D index over a grid that may be 2-D, because a dispatch
// has at most 65535 workgroups per dimension. The host launches ceil(count / 64) groups, split into x and y.
#ifndef LORWEB_DISPATCH_GLSL
#define LORWEB_DISPATCH_GLSL
layout(local_size_x = 64) in;

uint global_index() {
    return gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * (gl_NumWorkGroups.x * gl_WorkGroupSize.x);
}
#endif
