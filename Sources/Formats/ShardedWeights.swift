// Sharded checkpoints (`*.safetensors.index.json`: {"metadata": {...}, "weight_map": {tensor: shard}})
// and `WeightSources.open`, which accepts a file, an index, or a folder holding either.

import Numerics
import TensorCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public final class ShardedSafetensors: WeightSource, @unchecked Sendable {
    public let indexPath: String
    public let keys: [String]
    /// The index's "metadata" (scalar values as text, e.g. "total_size").
    public let metadata: [String: String]
    public let shards: [String: SafetensorsFile]   // by shard file name
    private let shardOf: [String: SafetensorsFile]

    public init(indexPath: String) throws {
        self.indexPath = indexPath
        func problem(_ text: String) -> FormatError { FormatError(path: indexPath, text) }
        let bytes = try readWholeFile(indexPath, limit: 64 << 20)
        let json: JSONValue
        do { json = try JSONParser.parse(bytes) } catch let e as JSONParseError {
            throw problem("index is not valid JSON: \(e)")
        }
        guard json.objectMembers != nil else { throw problem("index JSON is not an object") }
        guard let map = json["weight_map"]?.objectMembers else { throw problem("index has no \"weight_map\" object") }
        var metadata: [String: String] = [:]
        if let fields = json["metadata"]?.objectMembers {
            for (k, v) in fields {
                switch v {
                case let .string(s): metadata[k] = s
                case let .int(i): metadata[k] = String(i)
                case let .double(d): metadata[k] = String(d)
                case let .bool(b): metadata[k] = String(b)
                default: break
                }
            }
        }
        let folder = indexPath.lastIndex(of: "/").map { String(indexPath[...$0]) } ?? ""
        var shards: [String: SafetensorsFile] = [:]
        var shardOf: [String: SafetensorsFile] = [:]
        for (name, value) in map {
            guard let shardName = value.stringValue else { throw problem("weight_map entry \"\(name)\" is not a string") }
            guard !shardName.isEmpty, !shardName.contains("/"), shardName != ".", shardName != ".." else {
                throw problem("weight_map entry \"\(name)\" names \"\(shardName)\", not a file in the index's folder")
            }
            if shards[shardName] == nil { shards[shardName] = try SafetensorsFile(path: folder + shardName) }
            let shard = shards[shardName]!
            guard shard.contains(name) else {
                throw problem("weight_map says \"\(name)\" is in \(shardName), but that file has no such tensor")
            }
            shardOf[name] = shard
        }
        self.shards = shards
        self.shardOf = shardOf
        self.metadata = metadata
        self.keys = shardOf.keys.sorted()
    }

    public func contains(_ key: String) -> Bool { shardOf[key] != nil }

    private func shard(_ key: String) throws -> SafetensorsFile {
        guard let s = shardOf[key] else { throw FormatError(path: indexPath, "no tensor named \"\(key)\" in the weight_map") }
        return s
    }

    public func info(_ key: String) throws -> TensorInfo { try shard(key).info(key) }
    public func rawBytes(_ key: String) throws -> UnsafeRawBufferPointer { try shard(key).rawBytes(key) }
    public func tensor(_ key: String) throws -> Tensor { try shard(key).tensor(key) }
    public func releasePages(_ key: String) { (try? shard(key))?.releasePages(key) }
}

public enum WeightSources {
    /// File names tried, in order, when `open` is given a folder (diffusers and transformers layouts).
    public static let folderCandidates = [
        "diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.safetensors.index.json",
        "model.safetensors", "model.safetensors.index.json",
    ]

    /// Opens a `.safetensors` file, a `*.safetensors.index.json`, or a folder holding one of the
    /// `folderCandidates` (else exactly one `.safetensors` file or one index).
    public static func open(path: String) throws -> any WeightSource {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw FormatError(path: path, "cannot open weights: \(String(cString: strerror(errno)))")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            let folder = path.hasSuffix("/") ? path : path + "/"
            for name in folderCandidates where fileExists(folder + name) {
                return try openFile(folder + name)
            }
            let names = listFolder(path)
            let single = names.filter { $0.hasSuffix(".safetensors") }
            let indexes = names.filter { $0.hasSuffix(".safetensors.index.json") }
            if indexes.count == 1 { return try openFile(folder + indexes[0]) }
            if indexes.isEmpty && single.count == 1 { return try openFile(folder + single[0]) }
            throw FormatError(path: path, "folder holds no unambiguous weights (looked for \(folderCandidates.joined(separator: ", ")), found \(single.count) .safetensors and \(indexes.count) index files)")
        }
        return try openFile(path)
    }

    private static func openFile(_ path: String) throws -> any WeightSource {
        if path.hasSuffix(".json") { return try ShardedSafetensors(indexPath: path) }
        return try SafetensorsFile(path: path)
    }

    private static func fileExists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    private static func listFolder(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}

/// Reads a whole (small) file, refusing files larger than `limit` bytes.
func readWholeFile(_ path: String, limit: Int) throws -> [UInt8] {
    guard let file = fopen(path, "rb") else {
        throw FormatError(path: path, "cannot open: \(String(cString: strerror(errno)))")
    }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        bytes += buffer[0..<n]
        if bytes.count > limit { throw FormatError(path: path, "file is larger than the \(limit)-byte limit") }
        if n < buffer.count {
            if ferror(file) != 0 { throw FormatError(path: path, "read error") }
            return bytes
        }
    }
}
