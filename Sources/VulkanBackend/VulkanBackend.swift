// The Vulkan backend: the Backend protocol on a Vulkan device, byte-identical to CPUBackend in exact mode.
// Host tensors in and out: each op uploads its inputs, runs its kernels, downloads the result (PackedLinear
// weights are uploaded once and cached). The few calls beyond the kernels' limits run on the host CPU (`supports`).
import Foundation
import TensorCore

public struct VulkanBackend: Backend {
    public let device: VulkanDevice
    public var mode: ComputeMode { .exact }
    /// Runs the calls `supports` declines (same bytes) and prepares host-side layouts.
    let host: CPUBackend
    let weights: WeightCache

    /// Opens Vulkan device `index` (probed once per process, then shared) for exact computation.
    public init(deviceIndex: Int = 0, hostThreads: Int = 2) throws {
        device = try VulkanDevice.open(index: deviceIndex)
        host = CPUBackend(threads: max(1, hostThreads))
        weights = WeightCache()
    }

    /// Traps with the message: the Backend protocol has no error channel, and a failing device mid-run
    /// (lost device, out of memory) cannot produce the promised bytes.
    func run<T>(_ op: String, _ body: () throws -> T) -> T {
        do { return try body() } catch { fatalError("Vulkan \(op) on \(device.info.name): \(error)") }
    }
}

extension VulkanDevice {
    nonisolated(unsafe) private static var opened: [Int: VulkanDevice] = [:]
    private static let openLock = NSLock()

    /// The shared, probed device `index`: created and probed on first use (the probe picks FMA_MODE and
    /// DIVSQRT_MODE), refused with an error when it cannot meet the numerics contract.
    public static func open(index: Int) throws -> VulkanDevice {
        openLock.lock()
        defer { openLock.unlock() }
        if let device = opened[index] { return device }
        let device = try VulkanDevice(index: index)
        try device.probe()
        opened[index] = device
        return device
    }
}

/// Device copies of PackedLinear panels and biases, keyed by the packed storage (kept alive by the entry, so the
/// key cannot be reused). Bounded: the oldest entries are dropped beyond `limitBytes`.
final class WeightCache: @unchecked Sendable {
    struct Entry { let layer: PackedLinear; let panels: VulkanBuffer; let bias: VulkanBuffer? }
    private var entries: [ObjectIdentifier: Entry] = [:]
    private var order: [ObjectIdentifier] = []
    private var bytes = 0
    private let lock = NSLock()
    let limitBytes = 4 << 30

    func buffers(for layer: PackedLinear, on device: VulkanDevice) throws -> (panels: VulkanBuffer, bias: VulkanBuffer?) {
        try layer.withPackedStorage { panels, paddedBias, key in
            lock.lock()
            defer { lock.unlock() }
            if let hit = entries[key] { return (hit.panels, hit.bias) }
            let buffer = try device.buffer(count: panels.count)
            if let base = panels.baseAddress { buffer.mapped.update(from: base, count: panels.count) }
            let bias = try paddedBias.map { try device.buffer($0) }
            entries[key] = Entry(layer: layer, panels: buffer, bias: bias)
            order.append(key)
            bytes += buffer.byteSize + (bias?.byteSize ?? 0)
            while bytes > limitBytes, order.count > 1 {
                let old = order.removeFirst()
                if let e = entries.removeValue(forKey: old) { bytes -= e.panels.byteSize + (e.bias?.byteSize ?? 0) }
            }
            return (buffer, bias)
        }
    }
}
