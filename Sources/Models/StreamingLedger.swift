// What streaming the transformer's blocks costs (issue 20): the seconds spent packing blocks from the
// memory-mapped checkpoint inside forward passes, by kind. A run or a benchmark can then state the price of
// `--stream-weights` directly, instead of as the difference of two end-to-end timings on a noisy machine.
import Foundation
import Synchronization

public final class StreamingLedger: Sendable {
    public struct Totals: Sendable, Equatable {
        public var doublePacks = 0
        public var singlePacks = 0
        public var doubleSeconds = 0.0
        public var singleSeconds = 0.0

        public var packs: Int { doublePacks + singlePacks }
        public var seconds: Double { doubleSeconds + singleSeconds }
    }

    private let state = Mutex(Totals())

    public init() {}

    public var totals: Totals { state.withLock { $0 } }

    public func reset() { state.withLock { $0 = Totals() } }

    /// Runs `pack` (one block's packing) and books its wall time.
    func timed<T>(double: Bool, _ pack: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        let value = try pack()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        state.withLock { totals in
            if double {
                totals.doublePacks += 1
                totals.doubleSeconds += seconds
            } else {
                totals.singlePacks += 1
                totals.singleSeconds += seconds
            }
        }
        return value
    }
}
