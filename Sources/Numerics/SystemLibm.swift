// Links libm for the whole package. Swift lowers some Float operations (e.g. `squareRoot()` in
// unspecialised code) to libm symbols such as `sqrtf`; importing Glibc here makes every module that
// depends on Numerics link libm. Nothing in exact mode calls a libm function: the only libm calls in
// this module are in the torch-cpu compatibility mode (TorchCPUGenerator), which mimics PyTorch on glibc.
#if canImport(Glibc)
import Glibc
#endif
