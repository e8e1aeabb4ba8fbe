// The one list of the backend targets built into this binary: each registers its provider here, once. Nothing
// else names a backend; Pipeline and the CLI ask `InstalledBackends.registry`. Adding a backend is its own
// target folder plus one line here (and its target in Package.swift); README "Layout" walks through it.
import TensorCore
#if canImport(VulkanBackend)
import VulkanBackend
#endif

public enum InstalledBackends {
    /// BackendRegistry.shared with every built-in backend registered (the CPU is always there).
    public static let registry: BackendRegistry = {
        #if canImport(VulkanBackend)
        BackendRegistry.shared.register(VulkanBackendProvider())
        #endif
        return BackendRegistry.shared
    }()
}
