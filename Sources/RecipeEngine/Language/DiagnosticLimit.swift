// How many diagnostics a failure prints: a file of junk must not bury the first, useful errors under
// thousands of lines. The checker still collects every one (tests and tools read them all).

extension RecipeFailure {
    /// Errors printed before "… and N more".
    public static let printedLimit = 20

    public func rendered(limit: Int) -> String {
        let shown = diagnostics.prefix(limit).map { $0.rendered() }
        let hidden = diagnostics.count - shown.count
        guard hidden > 0 else { return shown.joined(separator: "\n") }
        return (shown + ["… and \(hidden) more error\(hidden == 1 ? "" : "s") (fix the first ones and run again)"]).joined(separator: "\n")
    }
}
