// Reading REPL lines: readline (editing, persistent history, tab completion) on a terminal; plain
// `readLine()` without prompts when stdin is a pipe or file, so sessions are scriptable.
import CReadline
import Foundation

/// Words offered by tab completion; set before each prompt (readline's callbacks cannot capture).
nonisolated(unsafe) private var completionWords: [String] = []
nonisolated(unsafe) private var completionMatches: [String] = []
nonisolated(unsafe) private var completionIndex = 0

final class LineEditor {
    let interactive: Bool
    private let historyPath: String

    init() {
        interactive = isatty(STDIN_FILENO) == 1
        historyPath = Self.historyPath(environment: ProcessInfo.processInfo.environment)
        guard interactive else { return }
        // append_history only appends to an existing file: create it first (write_history makes an empty one).
        if !FileManager.default.fileExists(atPath: historyPath), write_history(historyPath) != 0 {
            FileHandle.standardError.write(Data("note: history is not saved: cannot create \(historyPath)\n".utf8))
        }
        _ = read_history(historyPath)
        // Primes belong to names (a', b'): not word breaks.
        lorweb_rl_install_completer({ text, start, _ in
            guard let text else { return nil }
            // Inside a string: complete file paths.
            if lorweb_rl_char_before(start) == CChar(UInt8(ascii: "\"")) {
                return lorweb_rl_filename_matches(text)
            }
            lorweb_rl_suppress_default_completion()
            let prefix = String(cString: text)
            completionMatches = completionWords.filter { $0.hasPrefix(prefix) }
            return rl_completion_matches(text) { _, state in
                if state == 0 { completionIndex = 0 }
                guard completionIndex < completionMatches.count else { return nil }
                defer { completionIndex += 1 }
                return strdup(completionMatches[completionIndex])
            }
        }, " \t\n\"[],=:")
    }

    /// `LORWEB_HISTORY`, else `~/.lorweb_history`.
    static func historyPath(environment: [String: String]) -> String {
        if let path = environment["LORWEB_HISTORY"], !path.isEmpty { return path }
        return (environment["HOME"] ?? ".") + "/.lorweb_history"
    }

    /// The next line, or nil at end of input.
    func readLine(prompt: String, completions: [String]) -> String? {
        guard interactive else { return Swift.readLine(strippingNewline: true) }
        completionWords = completions
        guard let raw = readline(prompt) else { return nil }
        defer { free(raw) }
        let line = String(cString: raw)
        if !line.trimmingCharacters(in: .whitespaces).isEmpty {
            add_history(raw)
            _ = append_history(1, historyPath)
        }
        return line
    }

    func close() {
        guard interactive else { return }
        _ = history_truncate_file(historyPath, 2000)
    }
}
