// The one error type of the Formats layer: which file, and what was wrong with it.

public struct FormatError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file the problem is about (as the caller named it).
    public let path: String
    /// What was wrong, in words a user can act on.
    public let problem: String

    public init(path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }

    /// A name from the file, shortened for a message (a hostile header may hold megabyte names).
    public static func short(_ name: String, limit: Int = 80) -> String {
        guard name.utf8.count > limit, name.count > limit else { return name }
        return "\(name.prefix(limit))… (\(name.count) characters)"
    }
}
