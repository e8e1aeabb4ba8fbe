// Ctrl-C: the first press asks the running step to stop (through the progress callback and between
// steps); a second press while still running exits at once with 130.
import Foundation
import Synchronization

enum Interrupts {
    private static let flag = Atomic<Int>(0)

    static var requested: Bool { flag.load(ordering: .relaxed) > 0 }

    static func reset() { flag.store(0, ordering: .relaxed) }

    /// `exitOnSecondPress`: batch runs exit on a second Ctrl-C; the REPL never does.
    static func install(exitOnSecondPress: Bool = true) {
        if exitOnSecondPress {
            signal(SIGINT) { _ in
                if Interrupts.flag.add(1, ordering: .relaxed).oldValue >= 1 { _exit(130) }
            }
        } else {
            signal(SIGINT) { _ in _ = Interrupts.flag.add(1, ordering: .relaxed) }
        }
    }
}
