// After a large model part is dropped (staged loading), its freed pages go back to the system. glibc keeps freed
// heap memory for reuse: once a large block has been freed its mmap threshold grows (up to 32 MB), so the packed
// weights that followed were heap blocks it would otherwise keep, and the next stage would start with them still
// resident. malloc_trim is glibc's (looked up at run time: other C libraries do not have it, and need not).
#if canImport(Glibc)
import Glibc
#endif

enum ReturnFreedMemory {
    #if canImport(Glibc)
    private typealias Trim = @convention(c) (Int) -> Int32
    private static let trim: Trim? = dlsym(nil, "malloc_trim").map { unsafeBitCast($0, to: Trim.self) }
    #endif

    static func now() {
        #if canImport(Glibc)
        _ = trim?(0)
        #endif
    }
}
