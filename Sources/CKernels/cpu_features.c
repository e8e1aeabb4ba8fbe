// Which variants this CPU and OS can run. CPUID says what the CPU implements; XGETBV says whether the OS saves
// the wider registers on a context switch (without it, AVX code faults or corrupts state), so both are checked.
#include "gemm_internal.h"
#include "CKernels.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <stdint.h>

static uint64_t xcr0(void) {
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}

/// Leaf 1 ECX: FMA (12), OSXSAVE (27), AVX (28); leaf 7 EBX: AVX2 (5), AVX512F (16).
static int cpuid_bits(uint32_t *ecx1, uint32_t *ebx7) {
    uint32_t a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    *ecx1 = c;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    *ebx7 = b;
    return 1;
}

int lw_cpu_has_avx2_fma(void) {
    uint32_t ecx1, ebx7;
    if (!cpuid_bits(&ecx1, &ebx7)) return 0;
    int cpu = (ecx1 >> 12 & 1) && (ecx1 >> 28 & 1) && (ebx7 >> 5 & 1);
    if (!cpu || !(ecx1 >> 27 & 1)) return 0;
    return (xcr0() & 0x6) == 0x6;  // XMM and YMM state
}

int lw_cpu_has_avx512f(void) {
    uint32_t ecx1, ebx7;
    if (!cpuid_bits(&ecx1, &ebx7)) return 0;
    if (!(ebx7 >> 16 & 1) || !(ecx1 >> 27 & 1)) return 0;
    return (xcr0() & 0xE6) == 0xE6;  // XMM, YMM, opmask, ZMM0-15 upper halves, ZMM16-31
}
#else
int lw_cpu_has_avx2_fma(void) { return 0; }
int lw_cpu_has_avx512f(void) { return 0; }
#endif

/// The answer per variant, computed once: CPUID traps to the hypervisor in a VM (microseconds), and the GEMM asks
/// on every call. 0: not yet known, 1: no, 2: yes. Racing first calls compute the same answer.
static _Atomic int known[4];

static int detect(int kernel) {
    switch (kernel) {
    case LW_KERNEL_SCALAR: return 1;
    case LW_KERNEL_AVX2: return lw_variant_avx2() != NULL && lw_cpu_has_avx2_fma();
    case LW_KERNEL_AVX512: return lw_variant_avx512() != NULL && lw_cpu_has_avx512f();
    // Advanced SIMD (with fused vfmaq) is mandatory on AArch64.
    case LW_KERNEL_NEON: return lw_variant_neon() != NULL;
    default: return 0;
    }
}

int lw_kernel_supported(int kernel) {
    if (kernel < 0 || kernel > 3) return 0;
    int answer = known[kernel];
    if (answer == 0) {
        answer = detect(kernel) ? 2 : 1;
        known[kernel] = answer;
    }
    return answer == 2;
}
