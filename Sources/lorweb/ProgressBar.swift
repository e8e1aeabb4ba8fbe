// A one-line progress bar on standard error, drawn only when it is a terminal.
import Foundation
import RecipeEngine
import Synchronization

final class ProgressBar: Sendable {
    private let lastDrawn = Mutex<String>("")

    /// nil when standard error is not a terminal (or bars are off): scripts get clean logs.
    static func forStandardError(enabled: Bool) -> ProgressBar? {
        enabled && isatty(STDERR_FILENO) == 1 ? ProgressBar() : nil
    }

    func update(_ event: ProgressEvent) {
        let width = 30
        let total = max(1, event.total)
        let filled = min(width, event.completed * width / total)
        let line = "\r\(event.step) \(event.binding) [" + String(repeating: "#", count: filled)
            + String(repeating: ".", count: width - filled) + "] \(event.completed)/\(event.total)"
        let finished = event.completed >= event.total
        lastDrawn.withLock { last in
            guard line != last else { return }
            last = line
            FileHandle.standardError.write(Data((line + (finished ? "\n" : "")).utf8))
        }
    }
}
