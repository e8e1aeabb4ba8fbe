// Errors of the GPU build: values with a message for the user (no device, refused device, Vulkan failures).
import CVulkan

public struct VulkanError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    /// Throws when a Vulkan call did not return VK_SUCCESS, naming the call.
    static func check(_ result: VkResult, _ call: String) throws {
        guard result == VK_SUCCESS else { throw VulkanError("Vulkan: \(call) failed (VkResult \(result.rawValue))") }
    }
}
