// Every op returns a fresh tensor, so a sampling step allocates and frees the same few sizes (hundreds of KB
// to tens of MB) again and again. glibc serves blocks above its mmap threshold with mmap/munmap, so each one
// costs page faults and kernel zeroing on first touch (about 3 % of a `mini` step). Raising the threshold
// keeps them in the heap, where a freed block is reused by the next step.
#if canImport(Glibc)
import Glibc
#endif

public enum AllocatorTuning {
    /// Call once at process start (the CLI and the benchmarks do). Outputs do not depend on it.
    public static func keepLargeBlocksInHeap() {
        #if canImport(Glibc)
        // mallopt is declared in <malloc.h>, which the Glibc module does not import; look it up instead.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }  // nil handle = RTLD_DEFAULT
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        _ = mallopt(-3 /* M_MMAP_THRESHOLD */, 256 << 20)
        _ = mallopt(-1 /* M_TRIM_THRESHOLD */, 512 << 20)
        #endif
    }
}
