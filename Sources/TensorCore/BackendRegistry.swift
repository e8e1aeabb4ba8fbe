// Devices by name: each backend target registers a BackendProvider for its family ("cpu", "vulkan"), and every
// caller that turns a --device value into a Backend (Pipeline, the CLI, the tests) asks the registry, so none of
// them knows which backends exist. Device names are "family" or "family:N"; a bare family is its first device.
import Foundation

/// One device as the registry lists it.
public struct DeviceListing: Sendable, Equatable {
    /// The --device value ("cpu", "vulkan:0").
    public let name: String
    /// One line: what the device is.
    public let title: String
    /// Further lines for `lorweb devices` (driver, version, ...).
    public let details: [String]

    public init(name: String, title: String, details: [String] = []) {
        self.name = name
        self.title = title
        self.details = details
    }
}

/// What a backend target registers: how to list and open its devices.
public protocol BackendProvider: Sendable {
    /// The part of a device name before ':' ("cpu", "vulkan").
    var family: String { get }
    /// This machine's devices of the family, in order (the first is what the bare family name means). Throws
    /// when the family's driver or loader is missing.
    func devices() throws -> [DeviceListing]
    /// Opens one of the listed devices; `threads` is for host-side work. Throws when the device is unusable.
    func open(_ device: String, threads: Int) throws -> any Backend
    /// Lines for `lorweb devices` about an opened device (what its probe found); none by default.
    func findings(_ backend: any Backend) -> [String]
    /// A throughput line for `lorweb devices --benchmark SIZE`; nil when the family has no benchmark.
    func benchmark(_ backend: any Backend, size: Int) throws -> String?
}

extension BackendProvider {
    public func findings(_ backend: any Backend) -> [String] { [] }
    public func benchmark(_ backend: any Backend, size: Int) throws -> String? { nil }
}

/// A --device value the registry cannot serve; the message lists what this machine has.
public struct DeviceError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

public final class BackendRegistry: @unchecked Sendable {
    /// The process-wide registry: the CPU backend, plus whatever the backend targets register.
    public static let shared = BackendRegistry([CPUBackendProvider()])

    private var registered: [any BackendProvider]
    private let lock = NSLock()

    public init(_ providers: [any BackendProvider]) { registered = providers }

    /// Adds a family, or replaces the provider already registered for it.
    public func register(_ provider: any BackendProvider) {
        lock.lock()
        defer { lock.unlock() }
        registered.removeAll { $0.family == provider.family }
        registered.append(provider)
    }

    /// The registered providers in registration order.
    public var providers: [any BackendProvider] {
        lock.lock()
        defer { lock.unlock() }
        return registered
    }

    public func provider(family: String) -> (any BackendProvider)? { providers.first { $0.family == family } }

    /// The listed device `name` stands for (a bare family is its first device), with its provider. Throws a
    /// DeviceError naming every device of this machine when there is no such device.
    public func resolve(_ name: String) throws -> (provider: any BackendProvider, device: DeviceListing) {
        let family = String(name.prefix { $0 != ":" })
        guard let provider = provider(family: family) else { throw unknown(name) }
        let devices: [DeviceListing]
        do { devices = try provider.devices() } catch {
            throw DeviceError("device '\(name)': \(error)")
        }
        let match = name == family ? devices.first : devices.first { $0.name == name }
        guard let match else { throw unknown(name) }
        return (provider, match)
    }

    /// Opens device `name` (see `resolve`).
    public func open(_ name: String, threads: Int) throws -> any Backend {
        let (provider, device) = try resolve(name)
        do { return try provider.open(device.name, threads: max(1, threads)) } catch {
            throw DeviceError("device '\(name)': \(error)")
        }
    }

    /// Every device name of this machine, family by family (a family whose driver is missing lists none).
    public func deviceNames() -> [String] {
        providers.flatMap { (try? $0.devices().map(\.name)) ?? [] }
    }

    func unknown(_ name: String) -> DeviceError {
        DeviceError("unknown device '\(name)': this machine has " + deviceNames().joined(separator: ", ")
            + " (`lorweb devices` describes them)")
    }
}

/// The CPU: always present, one device.
public struct CPUBackendProvider: BackendProvider {
    public static let family = "cpu"
    public var family: String { Self.family }
    public init() {}

    public func devices() throws -> [DeviceListing] {
        let kernels = CPUKernel.supported.map(\.rawValue).joined(separator: ", ")
        return [DeviceListing(name: Self.family, title: "CPU (\(ProcessInfo.processInfo.activeProcessorCount) cores), exact kernels",
                              details: ["GEMM kernel: \(CPUKernel.selected.rawValue) (this machine runs: \(kernels); "
                                        + "\(CPUKernel.overrideVariable) overrides, same bytes)"])]
    }

    public func open(_ device: String, threads: Int) throws -> any Backend { CPUBackend(threads: threads) }
}
