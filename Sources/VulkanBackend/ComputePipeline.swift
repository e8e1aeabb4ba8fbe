// Compute pipelines: one per (shader, binding kinds, FMA_MODE, DIVSQRT_MODE), built on first use and cached for
// the device's lifetime (vkCreateComputePipelines JIT-compiles; 2-30 ms each on lavapipe).
import CVulkan

final class ComputePipeline {
    let pipeline: VkPipeline
    let layout: VkPipelineLayout
    let setLayout: VkDescriptorSetLayout
    let module: VkShaderModule

    init(device: VulkanDevice, kernel: String, texelBindings: [Bool], fmaMode: UInt32, divSqrtMode: UInt32) throws {
        guard let words = ShaderLibrary.spirv(named: kernel) else {
            throw VulkanError("no compute shader named '\(kernel)' (Sources/VulkanBackend/Shaders/\(kernel).comp)")
        }
        let vk = device.handle
        var moduleInfo = VkShaderModuleCreateInfo()
        moduleInfo.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO
        moduleInfo.codeSize = words.count * 4
        var module: VkShaderModule?
        let made = words.withUnsafeBufferPointer { p -> VkResult in
            moduleInfo.pCode = p.baseAddress
            return vkCreateShaderModule(vk, &moduleInfo, nil, &module)
        }
        try VulkanError.check(made, "vkCreateShaderModule(\(kernel))")
        self.module = module!

        var bindings = texelBindings.enumerated().map { index, texel in
            var b = VkDescriptorSetLayoutBinding()
            b.binding = UInt32(index)
            b.descriptorType = texel ? VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER : VK_DESCRIPTOR_TYPE_STORAGE_BUFFER
            b.descriptorCount = 1
            b.stageFlags = VkShaderStageFlags(VK_SHADER_STAGE_COMPUTE_BIT.rawValue)
            return b
        }
        var setInfo = VkDescriptorSetLayoutCreateInfo()
        setInfo.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO
        setInfo.bindingCount = UInt32(bindings.count)
        var setLayout: VkDescriptorSetLayout?
        let setMade = bindings.withUnsafeMutableBufferPointer { p -> VkResult in
            setInfo.pBindings = UnsafePointer(p.baseAddress)
            return vkCreateDescriptorSetLayout(vk, &setInfo, nil, &setLayout)
        }
        try VulkanError.check(setMade, "vkCreateDescriptorSetLayout(\(kernel))")
        self.setLayout = setLayout!

        var range = VkPushConstantRange(stageFlags: VkShaderStageFlags(VK_SHADER_STAGE_COMPUTE_BIT.rawValue), offset: 0,
                                        size: UInt32(PushConstants.maxBytes))
        var set: VkDescriptorSetLayout? = self.setLayout
        var layoutInfo = VkPipelineLayoutCreateInfo()
        layoutInfo.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO
        layoutInfo.setLayoutCount = 1
        layoutInfo.pushConstantRangeCount = 1
        var layout: VkPipelineLayout?
        let layoutMade = withUnsafePointer(to: &set) { setPointer in
            withUnsafePointer(to: &range) { rangePointer -> VkResult in
                layoutInfo.pSetLayouts = setPointer
                layoutInfo.pPushConstantRanges = rangePointer
                return vkCreatePipelineLayout(vk, &layoutInfo, nil, &layout)
            }
        }
        try VulkanError.check(layoutMade, "vkCreatePipelineLayout(\(kernel))")
        self.layout = layout!

        // Specialization: constant_id 0 = FMA_MODE, 1 = DIVSQRT_MODE (32-bit ints).
        var values: [UInt32] = [fmaMode, divSqrtMode]
        var entries = [VkSpecializationMapEntry(constantID: 0, offset: 0, size: 4),
                       VkSpecializationMapEntry(constantID: 1, offset: 4, size: 4)]
        var pipeline: VkPipeline?
        let (shaderModule, pipelineLayout) = (self.module, self.layout)
        let pipelineMade = values.withUnsafeMutableBytes { valueBytes in
            entries.withUnsafeMutableBufferPointer { entryPointer -> VkResult in
                var specialization = VkSpecializationInfo(mapEntryCount: 2, pMapEntries: UnsafePointer(entryPointer.baseAddress),
                                                          dataSize: 8, pData: UnsafeRawPointer(valueBytes.baseAddress))
                return "main".withCString { entry in
                    withUnsafePointer(to: &specialization) { specPointer in
                        var stage = VkPipelineShaderStageCreateInfo()
                        stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO
                        stage.stage = VK_SHADER_STAGE_COMPUTE_BIT
                        stage.module = shaderModule
                        stage.pName = entry
                        stage.pSpecializationInfo = specPointer
                        var info = VkComputePipelineCreateInfo()
                        info.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO
                        info.stage = stage
                        info.layout = pipelineLayout
                        return vkCreateComputePipelines(vk, device.pipelineCache, 1, &info, nil, &pipeline)
                    }
                }
            }
        }
        try VulkanError.check(pipelineMade, "vkCreateComputePipelines(\(kernel))")
        self.pipeline = pipeline!
    }

    func destroy(_ vk: VkDevice) {
        vkDestroyPipeline(vk, pipeline, nil)
        vkDestroyPipelineLayout(vk, layout, nil)
        vkDestroyDescriptorSetLayout(vk, setLayout, nil)
        vkDestroyShaderModule(vk, module, nil)
    }
}

/// Records dispatches into the device's command buffer inside `VulkanDevice.sequence`.
public final class DispatchRecorder {
    unowned let device: VulkanDevice
    private(set) var count = 0
    /// Kernel names in recording order (for the profile).
    private(set) var kernels: [String] = []
    /// Keeps every bound buffer alive until the submission finished.
    private var retained: [VulkanBuffer] = []

    init(device: VulkanDevice) { self.device = device }

    /// Records one dispatch (after a barrier that makes earlier dispatches' writes visible).
    public func dispatch(_ kernel: String, bindings: [VulkanBinding], push: PushConstants = PushConstants(),
                         groups: (Int, Int, Int), specialization: (fma: UInt32, divSqrt: UInt32)? = nil) throws {
        let (gx, gy, gz) = groups
        let limit = 65535
        guard gx >= 0, gy >= 0, gz >= 0, gx <= limit, gy <= limit, gz <= limit else {
            throw VulkanError("\(kernel): workgroup grid (\(gx), \(gy), \(gz)) exceeds \(limit) per dimension")
        }
        guard gx > 0, gy > 0, gz > 0 else { return }
        guard UInt32(count) < VulkanDevice.maxDispatchesPerSubmit else {
            throw VulkanError("more than \(VulkanDevice.maxDispatchesPerSubmit) dispatches in one sequence")
        }
        let modes = specialization ?? (device.fmaMode, device.divSqrtMode)
        let texel = bindings.map(\.isTexel)
        let key = "\(kernel)|\(texel.map { $0 ? "t" : "s" }.joined())|\(modes.fma)|\(modes.divSqrt)"
        let pipeline: ComputePipeline
        if let cached = device.pipelines[key] { pipeline = cached } else {
            pipeline = try ComputePipeline(device: device, kernel: kernel, texelBindings: texel,
                                           fmaMode: modes.fma, divSqrtMode: modes.divSqrt)
            device.pipelines[key] = pipeline
        }
        let vk = device.handle
        var set: VkDescriptorSet?
        var setLayout: VkDescriptorSetLayout? = pipeline.setLayout
        var allocate = VkDescriptorSetAllocateInfo()
        allocate.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO
        allocate.descriptorPool = device.descriptorPool
        allocate.descriptorSetCount = 1
        let allocated = withUnsafePointer(to: &setLayout) { p -> VkResult in
            allocate.pSetLayouts = p
            return vkAllocateDescriptorSets(vk, &allocate, &set)
        }
        try VulkanError.check(allocated, "vkAllocateDescriptorSets(\(kernel))")

        var bufferInfos = bindings.map { binding -> VkDescriptorBufferInfo in
            if case .storageRange(let b, let offset, let count) = binding {
                return VkDescriptorBufferInfo(buffer: b.buffer, offset: VkDeviceSize(offset * 4), range: VkDeviceSize(max(count, 1) * 4))
            }
            return VkDescriptorBufferInfo(buffer: binding.buffer.buffer, offset: 0, range: VkDeviceSize(UInt64.max))
        }
        var views = try bindings.map { binding -> VkBufferView? in binding.isTexel ? try binding.buffer.texels() : nil }
        bufferInfos.withUnsafeMutableBufferPointer { infoPointer in
            views.withUnsafeMutableBufferPointer { viewPointer in
                var writes = bindings.indices.map { i -> VkWriteDescriptorSet in
                    var w = VkWriteDescriptorSet()
                    w.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET
                    w.dstSet = set
                    w.dstBinding = UInt32(i)
                    w.descriptorCount = 1
                    if bindings[i].isTexel {
                        w.descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER
                        w.pTexelBufferView = UnsafePointer(viewPointer.baseAddress! + i)
                    } else {
                        w.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER
                        w.pBufferInfo = UnsafePointer(infoPointer.baseAddress! + i)
                    }
                    return w
                }
                vkUpdateDescriptorSets(vk, UInt32(writes.count), &writes, 0, nil)
            }
        }
        let cb = device.commandBuffer
        if count > 0 {
            var barrier = VkMemoryBarrier()
            barrier.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER
            barrier.srcAccessMask = VkAccessFlags(VK_ACCESS_SHADER_WRITE_BIT.rawValue)
            barrier.dstAccessMask = VkAccessFlags(VK_ACCESS_SHADER_READ_BIT.rawValue | VK_ACCESS_SHADER_WRITE_BIT.rawValue)
            let stage = VkPipelineStageFlags(VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT.rawValue)
            vkCmdPipelineBarrier(cb, stage, stage, 0, 1, &barrier, 0, nil, 0, nil)
        }
        vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.pipeline)
        vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.layout, 0, 1, &set, 0, nil)
        if !push.words.isEmpty {
            push.words.withUnsafeBytes { raw in
                vkCmdPushConstants(cb, pipeline.layout, VkShaderStageFlags(VK_SHADER_STAGE_COMPUTE_BIT.rawValue), 0,
                                   UInt32(raw.count), raw.baseAddress)
            }
        }
        vkCmdDispatch(cb, UInt32(gx), UInt32(gy), UInt32(gz))
        retained.append(contentsOf: bindings.map(\.buffer))
        count += 1
        if Profile.enabled { kernels.append(kernel) }
    }
}
