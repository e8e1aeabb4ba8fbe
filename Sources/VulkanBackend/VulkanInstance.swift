// The process-wide Vulkan instance and the list of physical devices (what `lorweb devices` shows).
import CVulkan
import Foundation

/// What the driver reports about one physical device (before any probe runs).
public struct VulkanDeviceInfo: Sendable, Equatable {
    public let index: Int
    public let name: String
    public let type: String
    public let apiVersion: String
    public let driver: String
    public let shaderFloat64: Bool
    public let shaderInt64: Bool
    public let hasComputeQueue: Bool
    /// VK_KHR_shader_float_controls as reported (Vulkan 1.2 core); nil when the driver does not say.
    public let denormPreserveFloat32: Bool?
    public let signedZeroInfNanPreserveFloat32: Bool?

    public var summary: String {
        "\(type), Vulkan \(apiVersion), driver \(driver); shaderFloat64 \(shaderFloat64), shaderInt64 \(shaderInt64)"
            + (denormPreserveFloat32.map { ", declares DenormPreserve(f32) \($0)" } ?? "")
            + (signedZeroInfNanPreserveFloat32.map { ", SignedZeroInfNanPreserve(f32) \($0)" } ?? "")
    }
}

final class VulkanInstance: @unchecked Sendable {
    let handle: VkInstance
    let physicalDevices: [VkPhysicalDevice]

    /// Created once per process on first use; the error (no loader, no driver) is remembered.
    static let shared: Result<VulkanInstance, VulkanError> = {
        do { return .success(try VulkanInstance()) } catch let error as VulkanError { return .failure(error) } catch {
            return .failure(VulkanError("Vulkan: \(error)"))
        }
    }()

    private init() throws {
        var app = VkApplicationInfo()
        app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO
        app.apiVersion = cvulkan_api_version(1, 2)
        var instance: VkInstance?
        let result = "lorweb".withCString { name -> VkResult in
            app.pApplicationName = name
            app.pEngineName = name
            return withUnsafePointer(to: &app) { appPointer in
                var info = VkInstanceCreateInfo()
                info.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO
                info.pApplicationInfo = appPointer
                return vkCreateInstance(&info, nil, &instance)
            }
        }
        guard result == VK_SUCCESS, let instance else {
            throw VulkanError("Vulkan: no instance (VkResult \(result.rawValue)); is a Vulkan driver installed "
                + "(e.g. apt install mesa-vulkan-drivers)?")
        }
        handle = instance
        var count: UInt32 = 0
        try VulkanError.check(vkEnumeratePhysicalDevices(instance, &count, nil), "vkEnumeratePhysicalDevices")
        var devices = [VkPhysicalDevice?](repeating: nil, count: Int(count))
        try VulkanError.check(vkEnumeratePhysicalDevices(instance, &count, &devices), "vkEnumeratePhysicalDevices")
        physicalDevices = devices.prefix(Int(count)).compactMap { $0 }
    }

    /// The physical devices, in the driver's order (the N of `--device vulkan:N`).
    static func devices() throws -> [VulkanDeviceInfo] {
        let instance = try shared.get()
        return instance.physicalDevices.enumerated().map { instance.info(index: $0.offset) }
    }

    func info(index: Int) -> VulkanDeviceInfo {
        let device = physicalDevices[index]
        var floatControls = VkPhysicalDeviceFloatControlsProperties()
        floatControls.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FLOAT_CONTROLS_PROPERTIES
        var properties2 = VkPhysicalDeviceProperties2()
        properties2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2
        var properties = VkPhysicalDeviceProperties()
        vkGetPhysicalDeviceProperties(device, &properties)
        let apiAtLeast12 = properties.apiVersion >= cvulkan_api_version(1, 2)
        var driverProperties = VkPhysicalDeviceDriverProperties()
        driverProperties.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES
        if apiAtLeast12 {
            withUnsafeMutablePointer(to: &driverProperties) { dp in
                floatControls.pNext = UnsafeMutableRawPointer(dp)
                withUnsafeMutablePointer(to: &floatControls) { fc in
                    properties2.pNext = UnsafeMutableRawPointer(fc)
                    vkGetPhysicalDeviceProperties2(device, &properties2)
                }
            }
        }
        func text<T>(_ tuple: T) -> String {
            withUnsafeBytes(of: tuple) { raw in String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self) }
        }
        var features = VkPhysicalDeviceFeatures()
        vkGetPhysicalDeviceFeatures(device, &features)
        let name = text(properties.deviceName)
        let driverText = apiAtLeast12 ? "\(text(driverProperties.driverName)) \(text(driverProperties.driverInfo))"
            : String(format: "0x%08x", properties.driverVersion)
        let v = properties.apiVersion
        let types: [VkPhysicalDeviceType: String] = [
            VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: "discrete GPU", VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: "integrated GPU",
            VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: "virtual GPU", VK_PHYSICAL_DEVICE_TYPE_CPU: "CPU (software)",
        ]
        return VulkanDeviceInfo(
            index: index, name: name, type: types[properties.deviceType] ?? "other",
            apiVersion: "\(v >> 22).\((v >> 12) & 0x3FF).\(v & 0xFFF)",
            driver: driverText,
            shaderFloat64: features.shaderFloat64 != 0, shaderInt64: features.shaderInt64 != 0,
            hasComputeQueue: computeQueueFamily(device) != nil,
            denormPreserveFloat32: apiAtLeast12 ? floatControls.shaderDenormPreserveFloat32 != 0 : nil,
            signedZeroInfNanPreserveFloat32: apiAtLeast12 ? floatControls.shaderSignedZeroInfNanPreserveFloat32 != 0 : nil)
    }

    func computeQueueFamily(_ device: VkPhysicalDevice) -> UInt32? {
        var count: UInt32 = 0
        vkGetPhysicalDeviceQueueFamilyProperties(device, &count, nil)
        var families = [VkQueueFamilyProperties](repeating: VkQueueFamilyProperties(), count: Int(count))
        vkGetPhysicalDeviceQueueFamilyProperties(device, &count, &families)
        let compute = VkQueueFlags(VK_QUEUE_COMPUTE_BIT.rawValue)
        return families.firstIndex { $0.queueFlags & compute != 0 }.map { UInt32($0) }
    }
}

/// The Vulkan devices of this machine, for `lorweb devices` and the tests.
public enum VulkanDevices {
    /// Every physical device the loader reports (index = the N of `--device vulkan:N`); throws when there is
    /// no Vulkan loader or driver at all.
    public static func list() throws -> [VulkanDeviceInfo] { try VulkanInstance.devices() }
}
