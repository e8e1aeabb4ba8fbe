// Threads split OUTPUTS (Docs/NUMERICS.md rule 4): each worker owns a contiguous range of whole output items, so
// results never depend on how many workers there are, nor on which thread runs which range.
import CWorkerPool
import Dispatch
import Foundation

/// A raw pointer that may cross into worker closures; the caller guarantees workers touch disjoint elements.
struct SendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}

struct SendableConstPointer<T>: @unchecked Sendable {
    let pointer: UnsafePointer<T>
    init(_ pointer: UnsafePointer<T>) { self.pointer = pointer }
}

struct SendableRawPointer: @unchecked Sendable {
    let pointer: UnsafeRawPointer
    init(_ pointer: UnsafeRawPointer) { self.pointer = pointer }
}

enum Parallel {
    /// LORWEB_WORKER_POOL=gcd runs every parallel op on DispatchQueue.concurrentPerform instead of the persistent
    /// pool (CWorkerPool), to compare the two; the bytes are the same either way (outputs split, never sums).
    static let usesPool = ProcessInfo.processInfo.environment["LORWEB_WORKER_POOL"] != "gcd"

    /// Calls `body` on up to `threads` contiguous, disjoint sub-ranges covering 0..<count (in parallel when
    /// there is more than one). `minimumPerThread` keeps tiny jobs on the calling thread. Sub-range 0 runs on the
    /// calling thread, the others on the worker pool; a call made while the pool is busy (from inside a body, or
    /// from another thread) runs on GCD instead.
    static func forRanges(_ count: Int, threads: Int, minimumPerThread: Int = 1,
                          _ body: @Sendable (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let workers = max(1, min(threads, count / max(minimumPerThread, 1)))
        if workers == 1 { body(0..<count); return }
        let pooled = usesPool && withoutActuallyEscaping(body) { body in
            var job = PoolJob(count: count, workers: workers, body: body)
            return withUnsafeMutablePointer(to: &job) { pointer in
                lw_pool_run(Int32(workers), { context, part in
                    context!.assumingMemoryBound(to: PoolJob.self).pointee.run(Int(part))
                }, pointer) == 0
            }
        }
        if pooled { return }
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            body(count * w / workers ..< count * (w + 1) / workers)
        }
    }

    /// What a pool worker reads through the job's context pointer.
    private struct PoolJob {
        let count: Int
        let workers: Int
        let body: @Sendable (Range<Int>) -> Void

        func run(_ part: Int) { body(count * part / workers ..< count * (part + 1) / workers) }
    }
}

extension UnsafeBufferPointer where Element == Float {
    /// The base address, or a dangling non-null pointer for an empty buffer (kernels never read it then).
    var base: UnsafePointer<Float> { baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<Float>.alignment)! }
}

extension UnsafeMutableBufferPointer where Element == Float {
    var base: UnsafeMutablePointer<Float> { baseAddress ?? UnsafeMutablePointer(bitPattern: MemoryLayout<Float>.alignment)! }
}

/// An immutable-after-fill float buffer aligned to 64 bytes (one cache line), so every 16-float panel row is
/// exactly one line and no SIMD load of packed data straddles two lines.
final class AlignedFloats: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    /// Zero-filled.
    convenience init(count: Int) {
        self.init(uninitializedCount: count)
        pointer.update(repeating: 0, count: max(count, 1))
    }

    /// Scratch whose every element the caller writes before reading it (the GEMM's packed A blocks): skipping
    /// the zero fill saved a memset of up to 393 KB per GEMM call.
    init(uninitializedCount count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    deinit { pointer.deallocate() }
}

extension Array where Element == Float {
    /// `count` floats left as the allocator returned them, for outputs the caller overwrites completely: the zero
    /// fill of `[Float](repeating: 0, count:)` was 3-5 % of a `mini` step (memset + first-touch page faults).
    /// Float is a trivial type, so unwritten elements are merely unspecified values, never unsafe.
    init(uninitializedCount count: Int) {
        self.init(unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }
}

/// The 16-bit twin of AlignedFloats: half-resident (bf16/f16) weight panels, 64-byte aligned, zero-filled.
final class AlignedHalves: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<UInt16>
    let count: Int

    init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 2, alignment: 64)
        pointer = raw.bindMemory(to: UInt16.self, capacity: max(count, 1))
        pointer.update(repeating: 0, count: max(count, 1))
    }

    deinit { pointer.deallocate() }
}
