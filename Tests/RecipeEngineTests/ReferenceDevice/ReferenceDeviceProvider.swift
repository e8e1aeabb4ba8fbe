// A backend added the way every backend is added: this folder only. ReferenceBackend (the scalar definition of
// every op) is offered as the device "reference" by a BackendProvider registered in the shared registry; nothing
// outside this folder names it. ReferenceDeviceTests then runs the conformance suite and the goldens on it.
import Foundation
import Pipeline
import TensorCore

struct ReferenceDeviceProvider: BackendProvider {
    var family: String { "reference" }

    func devices() throws -> [DeviceListing] {
        [DeviceListing(name: "reference", title: "the scalar reference backend (tests only)")]
    }

    func open(_ device: String, threads: Int) throws -> any Backend {
        Self.opened.increment()
        return ReferenceBackend()
    }

    /// How many times a backend was opened (so a test can tell that a run really went through this device).
    static let opened = Counter()

    /// The registration: the one line a backend needs.
    static func register() { ExecutionContext.registry.register(ReferenceDeviceProvider()) }
}

final class Counter: @unchecked Sendable {
    private var count = 0
    private let lock = NSLock()
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
