// Whole-file replacement: write a temporary file in the destination's folder, then rename it over
// the destination (rename within one file system is atomic on POSIX).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum AtomicFile {
    /// A unique temporary name next to `path` (same folder, so the rename stays on one file system).
    static func temporaryPath(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var random = SystemRandomNumberGenerator()
        let tag = String(random.next() as UInt64, radix: 36)
        return "\(folder).\(name).\(getpid()).\(tag).tmp"
    }

    static func commit(temporary: String, to path: String) throws {
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw FormatError(path: path, "cannot move the finished file into place: \(reason)")
        }
    }

    /// Writes `bytes` to `path` atomically; checks every write, the sync and the close.
    static func write(_ bytes: UnsafeRawBufferPointer, to path: String) throws {
        try write(to: path) { sink in try sink.write(bytes) }
    }

    /// Streams a file: `body` writes through the sink into a temporary file, which is synced, closed
    /// and renamed over `path` only if everything succeeded. On any error the temporary file is removed.
    static func write(to path: String, _ body: (inout Sink) throws -> Void) throws {
        try FileChecks.checkName(path)
        let temporary = temporaryPath(for: path)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw FormatError(path: path, "cannot create a temporary file next to it: \(String(cString: strerror(errno)))")
        }
        var sink = Sink(fd: fd, path: path)
        do {
            try body(&sink)
        } catch {
            close(fd); unlink(temporary)
            throw error
        }
        let synced = fsync(fd) == 0
        let syncError = errno
        let closed = close(fd) == 0
        if !synced || !closed {
            let reason = String(cString: strerror(synced ? errno : syncError))
            unlink(temporary)
            throw FormatError(path: path, "write failed: \(reason)")
        }
        try commit(temporary: temporary, to: path)
    }

    struct Sink {
        let fd: Int32
        let path: String

        func write(_ bytes: UnsafeRawBufferPointer) throws {
            var offset = 0
            while offset < bytes.count {
                #if canImport(Glibc)
                let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                #else
                let n = Darwin.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                #endif
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FormatError(path: path, "write failed: \(String(cString: strerror(errno)))")
                }
                offset += n
            }
        }

        func write(_ bytes: [UInt8]) throws {
            try bytes.withUnsafeBytes { try write($0) }
        }
    }
}
