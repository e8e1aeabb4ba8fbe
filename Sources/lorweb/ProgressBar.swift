// A one-line progress bar on standard error, drawn only when it is a terminal, with the elapsed time
// and an estimate of the time left.
import Foundation
import RecipeEngine
import Synchronization

final class ProgressBar: Sendable {
    private struct State {
        var lastDrawn = ""
        /// Which run the bar shows (binding and step) and when it started.
        var run = ""
        var started = Date()
        var lastCompleted = 0
    }
    private let state = Mutex(State())
    /// A bar line is on screen without its newline: whatever prints next must start a new line.
    private static let lineOpen = Atomic<Bool>(false)

    /// nil when standard error is not a terminal (or bars are off): scripts get clean logs.
    static func forStandardError(enabled: Bool) -> ProgressBar? {
        enabled && isatty(STDERR_FILENO) == 1 ? ProgressBar() : nil
    }

    /// Ends an unfinished bar line, so that a message (an error, "interrupted") starts on its own line.
    static func endLine() {
        if lineOpen.exchange(false, ordering: .relaxed) { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    func update(_ event: ProgressEvent) {
        let now = Date()
        let finished = event.completed >= event.total
        state.withLock { state in
            let run = "\(event.step) \(event.binding)"
            // A new run (or the next broadcast element, which starts again from 0) restarts the clock.
            if run != state.run || event.completed < state.lastCompleted {
                state.run = run
                state.started = now
            }
            state.lastCompleted = event.completed
            let line = "\r" + Self.line(event, elapsed: now.timeIntervalSince(state.started))
            guard line != state.lastDrawn else { return }
            state.lastDrawn = line
            FileHandle.standardError.write(Data((line + (finished ? "\n" : "")).utf8))
            Self.lineOpen.store(!finished, ordering: .relaxed)
        }
    }

    /// `sample b' [#########.....] 12/20 0:07 elapsed, about 0:05 left`
    static func line(_ event: ProgressEvent, elapsed: TimeInterval) -> String {
        let width = 30
        let total = max(1, event.total)
        let filled = min(width, event.completed * width / total)
        var line = "\(event.step) \(event.binding) [" + String(repeating: "#", count: filled)
            + String(repeating: ".", count: width - filled) + "] \(event.completed)/\(event.total) \(clock(elapsed)) elapsed"
        if event.completed > 0 && event.completed < event.total {
            let left = elapsed / Double(event.completed) * Double(event.total - event.completed)
            line += ", about \(clock(left)) left"
        }
        return line
    }

    /// m:ss (h:mm:ss past an hour).
    static func clock(_ seconds: TimeInterval) -> String {
        let s = max(0, Int(seconds.rounded()))
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
