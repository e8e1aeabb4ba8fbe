// Checks made before a file is opened: a path with a NUL byte would be cut short by the C calls
// below us (and name another file), and anything but a regular file - a FIFO, /dev/zero, a
// directory - can block a reader or never end. Every reader and hasher in Formats calls these first.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum FileChecks {
    /// Refuses a path that contains a NUL byte (C would read only the part before it).
    public static func checkName(_ path: String) throws {
        if path.utf8.contains(0) {
            throw FormatError(path: path.replacingNULs(), "the file name contains a NUL byte")
        }
    }

    /// Refuses a path that does not name a regular file (after following links), before opening it:
    /// opening a FIFO blocks, and a device such as /dev/zero never ends.
    public static func checkRegular(_ path: String) throws {
        try checkName(path)
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw FormatError(path: path, "cannot open: \(String(cString: strerror(errno)))")
        }
        let kind = st.st_mode & S_IFMT
        guard kind == S_IFREG else { throw FormatError(path: path, "not a regular file (\(describe(kind)))") }
    }

    static func describe(_ kind: mode_t) -> String {
        switch kind {
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a FIFO"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "not a plain file"
        }
    }
}

extension String {
    /// The text with NUL bytes shown as "\0", for messages.
    func replacingNULs() -> String {
        String(decoding: utf8.flatMap { $0 == 0 ? Array("\\0".utf8) : [$0] }, as: UTF8.self)
    }
}
