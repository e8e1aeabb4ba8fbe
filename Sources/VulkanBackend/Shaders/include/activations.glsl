// The pointwise activations of Sources/TensorCore/ScalarOps.swift, step for step. Needs contract.glsl and
// exact_math.glsl first.
#ifndef LORWEB_ACTIVATIONS_GLSL
#define LORWEB_ACTIVATIONS_GLSL

#define ACT_GELU_C uintBitsToFloat(0x3F4C422Au)      // ScalarOps.geluC = Float(sqrt(2/π))
#define ACT_GELU_KAPPA uintBitsToFloat(0x3D372713u)  // ScalarOps.geluKappa = 0.044715
#define ACT_QUICK_GELU uintBitsToFloat(0x3FD9DB23u)  // 1.702

// GELU, tanh form: u = x + κ·((x·x)·x); t = tanh(c·u); y = (0.5·x)·(1 + t). No FMA.
float act_gelu(float x) {
    precise float square = x * x;
    precise float cube = square * x;
    precise float kappaCube = ACT_GELU_KAPPA * cube;
    precise float u = x + kappaCube;
    precise float cu = ACT_GELU_C * u;
    float t = exact_tanh(cu);
    precise float halfX = 0.5 * x;
    precise float onePlusT = 1.0 + t;
    precise float y = halfX * onePlusT;
    return y;
}

// Quick-GELU (CLIP): x · sigmoid(1.702·x).
float act_quick_gelu(float x) {
    precise float z = ACT_QUICK_GELU * x;
    float s = exact_sigmoid(z);
    precise float y = x * s;
    return y;
}

// SiLU: x · sigmoid(x).
float act_silu(float x) {
    float s = exact_sigmoid(x);
    precise float y = x * s;
    return y;
}

#endif
