// A device buffer of f32 elements in host-visible, coherent memory (upload and download are memcpy).
// Memory that is also device-local is preferred (resizable BAR on discrete GPUs; all memory on lavapipe).
import CVulkan

public final class VulkanBuffer: @unchecked Sendable {
    public let count: Int
    let buffer: VkBuffer
    let memory: VkDeviceMemory
    let mapped: UnsafeMutablePointer<Float>
    unowned let device: VulkanDevice
    /// RGBA32F uniform texel view (count must be a multiple of 4), created on first use.
    private var texelView: VkBufferView?

    /// Capacity in bytes; never 0 (Vulkan has no empty buffers), at least 16 so a texel view always fits.
    var byteSize: Int { max(count, 4) * 4 }

    init(device: VulkanDevice, count: Int) throws {
        precondition(count >= 0, "VulkanBuffer: negative count")
        self.count = count
        self.device = device
        let bytes = VkDeviceSize(max(count, 4) * 4)
        var info = VkBufferCreateInfo()
        info.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO
        info.size = bytes
        info.usage = VkBufferUsageFlags(VK_BUFFER_USAGE_STORAGE_BUFFER_BIT.rawValue | VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT.rawValue
            | VK_BUFFER_USAGE_TRANSFER_SRC_BIT.rawValue | VK_BUFFER_USAGE_TRANSFER_DST_BIT.rawValue)
        info.sharingMode = VK_SHARING_MODE_EXCLUSIVE
        var buffer: VkBuffer?
        try VulkanError.check(vkCreateBuffer(device.handle, &info, nil, &buffer), "vkCreateBuffer(\(bytes) bytes)")
        guard let buffer else { throw VulkanError("Vulkan: vkCreateBuffer returned no buffer") }
        var requirements = VkMemoryRequirements()
        vkGetBufferMemoryRequirements(device.handle, buffer, &requirements)
        // Device-local host-visible memory first (resizable BAR; lavapipe's only kind); when that heap is small
        // (a 256 MiB BAR window without resizable BAR) or full, plain host memory.
        let types = device.hostVisibleMemoryTypes(bits: requirements.memoryTypeBits)
        var memory: VkDeviceMemory?
        var lastResult = VK_ERROR_OUT_OF_DEVICE_MEMORY
        for type in types where memory == nil {
            var allocation = VkMemoryAllocateInfo()
            allocation.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO
            allocation.allocationSize = requirements.size
            allocation.memoryTypeIndex = type
            lastResult = vkAllocateMemory(device.handle, &allocation, nil, &memory)
            if lastResult != VK_SUCCESS { memory = nil }
        }
        guard let memory else {
            vkDestroyBuffer(device.handle, buffer, nil)
            throw VulkanError(types.isEmpty ? "Vulkan: no host-visible coherent memory for a buffer"
                : "Vulkan: out of memory allocating \(bytes) bytes (VkResult \(lastResult.rawValue))")
        }
        vkBindBufferMemory(device.handle, buffer, memory, 0)
        var pointer: UnsafeMutableRawPointer?
        try VulkanError.check(vkMapMemory(device.handle, memory, 0, bytes, 0, &pointer), "vkMapMemory")
        self.buffer = buffer
        self.memory = memory
        self.mapped = pointer!.bindMemory(to: Float.self, capacity: max(count, 4))
    }

    deinit {
        if let texelView { vkDestroyBufferView(device.handle, texelView, nil) }
        vkUnmapMemory(device.handle, memory)
        vkDestroyBuffer(device.handle, buffer, nil)
        vkFreeMemory(device.handle, memory, nil)
    }

    /// Copies `values` (at most `count`) to the start of the buffer.
    public func upload(_ values: [Float], at offset: Int = 0) {
        precondition(offset >= 0 && offset + values.count <= count, "VulkanBuffer.upload: \(values.count) at \(offset) into \(count)")
        values.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return }
            (mapped + offset).update(from: base, count: values.count)
        }
    }

    /// Fills the whole buffer with one bit pattern (sentinels in the tests).
    public func fill(bitPattern: UInt32) {
        let value = Float(bitPattern: bitPattern)
        mapped.update(repeating: value, count: count)
    }

    /// Elements [range] of the buffer.
    public func download(_ range: Range<Int>? = nil) -> [Float] {
        let r = range ?? 0..<count
        precondition(r.lowerBound >= 0 && r.upperBound <= count, "VulkanBuffer.download: \(r) of \(count)")
        return Array(UnsafeBufferPointer(start: mapped + r.lowerBound, count: r.count))
    }

    /// The RGBA32F uniform texel buffer view of this buffer (element i = floats 4i..4i+3).
    func texels() throws -> VkBufferView {
        if let texelView { return texelView }
        var info = VkBufferViewCreateInfo()
        info.sType = VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO
        info.buffer = buffer
        info.format = VK_FORMAT_R32G32B32A32_SFLOAT
        info.offset = 0
        info.range = VkDeviceSize(byteSize / 16 * 16)
        var view: VkBufferView?
        try VulkanError.check(vkCreateBufferView(device.handle, &info, nil, &view), "vkCreateBufferView")
        texelView = view
        return view!
    }
}
