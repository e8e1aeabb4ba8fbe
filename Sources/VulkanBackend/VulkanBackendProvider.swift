// The Vulkan family in the BackendRegistry: devices "vulkan:N" (N = the loader's index), opened and probed once
// per process. Sources/InstalledBackends registers it in a GPU build.
import TensorCore

public struct VulkanBackendProvider: BackendProvider {
    public var family: String { "vulkan" }
    public init() {}

    public func devices() throws -> [DeviceListing] {
        try VulkanDevices.list().map { DeviceListing(name: "vulkan:\($0.index)", title: $0.name, details: [$0.summary]) }
    }

    public func open(_ device: String, threads: Int) throws -> any Backend {
        guard let index = Int(device.dropFirst("vulkan:".count)) else { throw DeviceError("not a Vulkan device: '\(device)'") }
        return try VulkanBackend(deviceIndex: index, hostThreads: threads)
    }

    public func findings(_ backend: any Backend) -> [String] {
        guard let vulkan = backend as? VulkanBackend else { return [] }
        return ["probe: " + (vulkan.device.capabilities?.summary ?? "not run")]
    }

    public func benchmark(_ backend: any Backend, size: Int) throws -> String? {
        guard let vulkan = backend as? VulkanBackend else { return nil }
        return try vulkan.benchmarkGEMM(m: size, k: size, n: size).summary + " (FMA_MODE \(vulkan.device.fmaMode))"
    }
}

extension VulkanBackend {
    /// Every op has a kernel; only layout ops above rank 8 and broadcasts that keep more than 8 dimensions after
    /// merging exceed the kernels' push constants, and run on the host CPU instead (same bytes).
    public func supports(_ call: OpCall) -> Bool {
        switch call {
        case .permute(let x, _), .slice(let x, _, _): return Self.copyFits(rank: x.rank)
        case .concat(let parts, _): return Self.copyFits(rank: parts.first?.rank ?? 0)
        case .add(let a, let b), .sub(let a, let b), .mul(let a, let b), .div(let a, let b):
            let shape = ShapeRules.broadcast(a.shape, b.shape, op: "\(call.op)")
            return Self.broadcastPlan(a.shape, b.shape, into: shape).dims.count <= Self.maxBroadcastRank
        default: return true
        }
    }
}
