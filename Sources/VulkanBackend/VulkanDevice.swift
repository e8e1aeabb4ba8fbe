// One Vulkan device ready for compute: logical device, compute queue, command buffer, descriptor pool, compute
// pipelines (cached per shader + specialization), buffers. Dispatches are synchronous (submit, wait).
//
// Kernel binding convention (every shader in Shaders/): descriptor set 0; bindings 0..n-1 = the inputs in
// argument order, then the output; push constants (<= 128 bytes) for sizes and float scalars; specialization
// constant 0 = FMA_MODE, 1 = DIVSQRT_MODE (include/contract.glsl), chosen by the probe at device start.
import CVulkan
import Foundation

/// The exact GEMM kernels (same bytes; different speed per device kind).
public enum GEMMKernel: String, Sendable, CaseIterable {
    /// gemm_panels.comp: RGBA32F texel-buffer operands, 4x4 register tile.
    case texel
    /// gemm_tiled.comp: storage-buffer operands staged through shared memory, 64x64 block per workgroup.
    case tiled

    var shader: String { self == .texel ? "gemm_panels" : "gemm_tiled" }
}

/// One descriptor binding of a dispatch.
public enum VulkanBinding {
    /// `layout(std430, binding = i) buffer { float x[]; }`.
    case storage(VulkanBuffer)
    /// The same, bound to elements offset..<offset+count of the buffer (a guarded output, see OutputBuffer).
    case storageRange(VulkanBuffer, offset: Int, count: Int)
    /// `layout(binding = i) uniform samplerBuffer x;` read with texelFetch, RGBA32F (4 floats per texel):
    /// llvmpipe vectorises texel fetches, ~8x faster than SSBO loads for GEMM operands (Docs/VULKAN.md §1.2).
    case texels(VulkanBuffer)

    var buffer: VulkanBuffer {
        switch self { case .storage(let b), .texels(let b), .storageRange(let b, _, _): return b }
    }
    var isTexel: Bool { if case .texels = self { return true } else { return false } }
}

public final class VulkanDevice: @unchecked Sendable {
    public let info: VulkanDeviceInfo
    let physical: VkPhysicalDevice
    let handle: VkDevice
    let queue: VkQueue
    let commandPool: VkCommandPool
    let commandBuffer: VkCommandBuffer
    let fence: VkFence
    let descriptorPool: VkDescriptorPool
    let pipelineCache: VkPipelineCache
    let memoryProperties: VkPhysicalDeviceMemoryProperties
    /// Serialises command recording and submission (one queue, one command buffer).
    let lock = NSLock()
    var pipelines: [String: ComputePipeline] = [:]
    /// FMA_MODE / DIVSQRT_MODE for every kernel; set by the probe (see DeviceProbe).
    public internal(set) var fmaMode: UInt32 = 1
    public internal(set) var divSqrtMode: UInt32 = 0
    /// Which exact GEMM kernel products use: texel-buffer operands on CPU drivers (lavapipe vectorises texel
    /// fetches), shared-memory tiles on GPUs. LORWEB_VULKAN_GEMM=texel|tiled overrides (tests run both).
    public internal(set) var gemmKernel: GEMMKernel = .texel
    /// The probe's findings (nil until `probe()` ran).
    public internal(set) var capabilities: DeviceCapabilities?

    /// Opens physical device `index` (the N of `--device vulkan:N`). Does not run the probe: see `open`.
    public init(index: Int) throws {
        let instance = try VulkanInstance.shared.get()
        guard index >= 0 && index < instance.physicalDevices.count else {
            throw VulkanError(instance.physicalDevices.isEmpty ? "no Vulkan device found (vulkaninfo lists none)"
                : "no Vulkan device \(index): there are \(instance.physicalDevices.count) (0...\(instance.physicalDevices.count - 1))")
        }
        let physical = instance.physicalDevices[index]
        let info = instance.info(index: index)
        guard let family = instance.computeQueueFamily(physical) else {
            throw VulkanError("Vulkan device \(index) (\(info.name)) has no compute queue")
        }
        guard info.shaderFloat64 && info.shaderInt64 else {
            throw VulkanError("Vulkan device \(index) (\(info.name)) lacks shaderFloat64/shaderInt64, which the exact "
                + "kernels need (FP64 round-to-odd FMA and correctly rounded division fallbacks)")
        }
        var properties = VkPhysicalDeviceProperties()
        vkGetPhysicalDeviceProperties(physical, &properties)
        guard properties.limits.minStorageBufferOffsetAlignment <= VkDeviceSize(OutputBuffer.guardCount * 4) else {
            throw VulkanError("Vulkan device \(index) (\(info.name)) needs storage offsets aligned to "
                + "\(properties.limits.minStorageBufferOffsetAlignment) bytes; the guarded outputs use 256")
        }
        self.info = info
        self.physical = physical
        var priority: Float = 1
        var queueInfo = VkDeviceQueueCreateInfo()
        queueInfo.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO
        queueInfo.queueFamilyIndex = family
        queueInfo.queueCount = 1
        var features = VkPhysicalDeviceFeatures()
        features.shaderFloat64 = VkBool32(VK_TRUE)
        features.shaderInt64 = VkBool32(VK_TRUE)
        var device: VkDevice?
        let created = withUnsafePointer(to: &priority) { priorityPointer -> VkResult in
            queueInfo.pQueuePriorities = priorityPointer
            return withUnsafePointer(to: &queueInfo) { queuePointer in
                withUnsafePointer(to: &features) { featuresPointer in
                    var deviceInfo = VkDeviceCreateInfo()
                    deviceInfo.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO
                    deviceInfo.queueCreateInfoCount = 1
                    deviceInfo.pQueueCreateInfos = queuePointer
                    deviceInfo.pEnabledFeatures = featuresPointer
                    return vkCreateDevice(physical, &deviceInfo, nil, &device)
                }
            }
        }
        try VulkanError.check(created, "vkCreateDevice(\(info.name))")
        handle = device!
        var queue: VkQueue?
        vkGetDeviceQueue(handle, family, 0, &queue)
        self.queue = queue!

        var poolInfo = VkCommandPoolCreateInfo()
        poolInfo.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO
        poolInfo.flags = VkCommandPoolCreateFlags(VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT.rawValue)
        poolInfo.queueFamilyIndex = family
        var pool: VkCommandPool?
        try VulkanError.check(vkCreateCommandPool(handle, &poolInfo, nil, &pool), "vkCreateCommandPool")
        commandPool = pool!
        var allocate = VkCommandBufferAllocateInfo()
        allocate.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO
        allocate.commandPool = commandPool
        allocate.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY
        allocate.commandBufferCount = 1
        var commandBuffer: VkCommandBuffer?
        try VulkanError.check(vkAllocateCommandBuffers(handle, &allocate, &commandBuffer), "vkAllocateCommandBuffers")
        self.commandBuffer = commandBuffer!
        var fenceInfo = VkFenceCreateInfo()
        fenceInfo.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO
        var fence: VkFence?
        try VulkanError.check(vkCreateFence(handle, &fenceInfo, nil, &fence), "vkCreateFence")
        self.fence = fence!

        var sizes = [VkDescriptorPoolSize(type: VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, descriptorCount: 4096),
                     VkDescriptorPoolSize(type: VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, descriptorCount: 4096)]
        var descriptorInfo = VkDescriptorPoolCreateInfo()
        descriptorInfo.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO
        descriptorInfo.maxSets = Self.maxDispatchesPerSubmit
        descriptorInfo.poolSizeCount = UInt32(sizes.count)
        var descriptorPool: VkDescriptorPool?
        let vk = handle
        let pooled = sizes.withUnsafeMutableBufferPointer { p -> VkResult in
            descriptorInfo.pPoolSizes = UnsafePointer(p.baseAddress)
            return vkCreateDescriptorPool(vk, &descriptorInfo, nil, &descriptorPool)
        }
        try VulkanError.check(pooled, "vkCreateDescriptorPool")
        self.descriptorPool = descriptorPool!
        var cacheInfo = VkPipelineCacheCreateInfo()
        cacheInfo.sType = VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO
        var cache: VkPipelineCache?
        try VulkanError.check(vkCreatePipelineCache(handle, &cacheInfo, nil, &cache), "vkCreatePipelineCache")
        pipelineCache = cache!
        let forced = ProcessInfo.processInfo.environment["LORWEB_VULKAN_GEMM"].flatMap(GEMMKernel.init(rawValue:))
        gemmKernel = forced ?? (properties.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU ? .texel : .tiled)
        var memory = VkPhysicalDeviceMemoryProperties()
        vkGetPhysicalDeviceMemoryProperties(physical, &memory)
        memoryProperties = memory
    }

    deinit {
        vkDeviceWaitIdle(handle)
        for pipeline in pipelines.values { pipeline.destroy(handle) }
        vkDestroyPipelineCache(handle, pipelineCache, nil)
        vkDestroyDescriptorPool(handle, descriptorPool, nil)
        vkDestroyFence(handle, fence, nil)
        vkDestroyCommandPool(handle, commandPool, nil)
        vkDestroyDevice(handle, nil)
    }

    static let maxDispatchesPerSubmit: UInt32 = 256

    /// A buffer of `count` floats (contents undefined until written).
    public func buffer(count: Int) throws -> VulkanBuffer { try VulkanBuffer(device: self, count: count) }

    /// A buffer holding `values`.
    public func buffer(_ values: [Float]) throws -> VulkanBuffer {
        let b = try VulkanBuffer(device: self, count: values.count)
        b.upload(values)
        return b
    }

    /// Host-visible coherent memory types allowed by `bits`, device-local ones first.
    func hostVisibleMemoryTypes(bits: UInt32) -> [UInt32] {
        let wanted = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT.rawValue | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT.rawValue
        let local = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT.rawValue
        let types = withUnsafeBytes(of: memoryProperties.memoryTypes) { Array($0.bindMemory(to: VkMemoryType.self)) }
        let candidates = (0..<Int(memoryProperties.memoryTypeCount)).filter {
            bits & (1 << UInt32($0)) != 0 && types[$0].propertyFlags & wanted == wanted
        }
        let deviceLocal = candidates.filter { types[$0].propertyFlags & local != 0 }
        return (deviceLocal + candidates.filter { types[$0].propertyFlags & local == 0 }).map { UInt32($0) }
    }

    // MARK: Dispatch

    /// Runs `kernel` once over `groups` workgroups with inputs bound at 0..n-1 and the output at n (all storage
    /// buffers), and waits for it.
    public func dispatch(_ kernel: String, inputs: [VulkanBuffer], output: VulkanBuffer, push: PushConstants = PushConstants(),
                         groups: (Int, Int, Int)) throws {
        try dispatch(kernel, bindings: inputs.map { .storage($0) } + [.storage(output)], push: push, groups: groups)
    }

    /// Runs `kernel` with explicit bindings (texel or storage) and waits for it. `specialization` overrides the
    /// device's (FMA_MODE, DIVSQRT_MODE): the probe uses it to test each mode.
    public func dispatch(_ kernel: String, bindings: [VulkanBinding], push: PushConstants = PushConstants(),
                         groups: (Int, Int, Int), specialization: (fma: UInt32, divSqrt: UInt32)? = nil) throws {
        try sequence { recorder in
            try recorder.dispatch(kernel, bindings: bindings, push: push, groups: groups, specialization: specialization)
        }
    }

    /// Records several dispatches into one submission (a barrier between each: later ones may read earlier
    /// outputs), then submits once and waits. Saves the per-submit cost on multi-kernel ops.
    public func sequence(_ body: (DispatchRecorder) throws -> Void) throws {
        lock.lock()
        defer { lock.unlock() }
        let start = Profile.enabled ? DispatchTime.now().uptimeNanoseconds : 0
        try VulkanError.check(vkResetDescriptorPool(handle, descriptorPool, 0), "vkResetDescriptorPool")
        try VulkanError.check(vkResetCommandBuffer(commandBuffer, 0), "vkResetCommandBuffer")
        var begin = VkCommandBufferBeginInfo()
        begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO
        begin.flags = VkCommandBufferUsageFlags(VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT.rawValue)
        try VulkanError.check(vkBeginCommandBuffer(commandBuffer, &begin), "vkBeginCommandBuffer")
        let recorder = DispatchRecorder(device: self)
        do { try body(recorder) } catch {
            vkEndCommandBuffer(commandBuffer)
            throw error
        }
        // Make the shaders' writes visible to the host reads that follow the fence wait.
        var barrier = VkMemoryBarrier()
        barrier.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER
        barrier.srcAccessMask = VkAccessFlags(VK_ACCESS_SHADER_WRITE_BIT.rawValue)
        barrier.dstAccessMask = VkAccessFlags(VK_ACCESS_HOST_READ_BIT.rawValue)
        vkCmdPipelineBarrier(commandBuffer, VkPipelineStageFlags(VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT.rawValue),
                             VkPipelineStageFlags(VK_PIPELINE_STAGE_HOST_BIT.rawValue), 0, 1, &barrier, 0, nil, 0, nil)
        try VulkanError.check(vkEndCommandBuffer(commandBuffer), "vkEndCommandBuffer")
        guard recorder.count > 0 else { return }
        var cb: VkCommandBuffer? = commandBuffer
        let submitted = withUnsafePointer(to: &cb) { cbPointer -> VkResult in
            var submit = VkSubmitInfo()
            submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO
            submit.commandBufferCount = 1
            submit.pCommandBuffers = cbPointer
            return vkQueueSubmit(queue, 1, &submit, fence)
        }
        try VulkanError.check(submitted, "vkQueueSubmit")
        var f: VkFence? = fence
        try VulkanError.check(vkWaitForFences(handle, 1, &f, VkBool32(VK_TRUE), UInt64.max), "vkWaitForFences")
        try VulkanError.check(vkResetFences(handle, 1, &f), "vkResetFences")
        withExtendedLifetime(recorder) {}
        if Profile.enabled { Profile.add(recorder.kernels.joined(separator: "+"), DispatchTime.now().uptimeNanoseconds - start) }
    }
}

/// LORWEB_VULKAN_PROFILE=1: submissions per kernel and their wall time (record + submit + wait), printed to
/// standard error at exit. For finding the slow kernels on a device; off by default.
enum Profile {
    static let enabled = ProcessInfo.processInfo.environment["LORWEB_VULKAN_PROFILE"] == "1"
    nonisolated(unsafe) static var totals: [String: (count: Int, nanoseconds: UInt64)] = [:]
    nonisolated(unsafe) static var registered = false

    /// Called with the device lock held.
    static func add(_ name: String, _ nanoseconds: UInt64) {
        if !registered {
            registered = true
            atexit {
                let lines = Profile.totals.sorted { $0.value.nanoseconds > $1.value.nanoseconds }.map {
                    "\($0.key): \($0.value.count) submissions, " + String(format: "%.3f s", Double($0.value.nanoseconds) / 1e9)
                }
                FileHandle.standardError.write(Data(("Vulkan profile:\n" + lines.joined(separator: "\n") + "\n").utf8))
            }
        }
        let old = totals[name] ?? (0, 0)
        totals[name] = (old.count + 1, old.nanoseconds + nanoseconds)
    }
}
