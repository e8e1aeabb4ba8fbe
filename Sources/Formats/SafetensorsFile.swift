// Reading safetensors files: memory-mapped, every header field validated before anything is used.
//
// Layout: 8-byte little-endian header length N, N bytes of JSON, then the data area.
// The JSON maps tensor names to {"dtype", "shape", "data_offsets": [begin, end]} (offsets relative
// to the data area) plus an optional "__metadata__" object of string values.

import Numerics
import TensorCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct TensorInfo: Sendable, Equatable {
    public let dtype: DType
    public let shape: [Int]
    public let byteCount: Int
    public var elementCount: Int { shape.reduce(1, *) }

    public init(dtype: DType, shape: [Int], byteCount: Int) {
        self.dtype = dtype
        self.shape = shape
        self.byteCount = byteCount
    }
}

/// Anything that serves named weights: one safetensors file or a sharded checkpoint.
public protocol WeightSource: AnyObject, Sendable {
    /// Every tensor name, sorted.
    var keys: [String] { get }
    var metadata: [String: String] { get }
    func contains(_ key: String) -> Bool
    func info(_ key: String) throws -> TensorInfo
    /// The stored bytes (little-endian, possibly unaligned); valid while the source lives.
    func rawBytes(_ key: String) throws -> UnsafeRawBufferPointer
    /// The tensor widened to f32 (f16/bf16 widening is exact).
    func tensor(_ key: String) throws -> Tensor
    /// Hints that `key`'s bytes were consumed (copied into packed f32 weights): a memory-mapped source drops their
    /// resident pages so that loading never holds the file and its packed copy at once. Reading the key again
    /// still works (the pages fault back in from the file).
    func releasePages(_ key: String)
}

extension WeightSource {
    public func releasePages(_ key: String) {}
}

public final class SafetensorsFile: WeightSource, @unchecked Sendable {
    /// Headers larger than this are refused (the reference implementation's limit).
    public static let maxHeaderBytes = 100_000_000
    /// The header budget in JSON values: FLUX.1 needs about 10,000 (8 per tensor), so 2 million leaves
    /// room for any real checkpoint while a hostile 100 MB header of bare numbers is refused early
    /// (parsed in full it would hold 50 million values, over 2 GB).
    public static let maxHeaderValues = 2_000_000
    /// Most dimensions a tensor may have (real ones have up to 5 or 6).
    public static let maxRank = 64

    /// Every dtype name the safetensors format defines, with its element size. Only F32, F16 and BF16
    /// can be loaded; the others are accepted in a header (their sizes still checked) but refused on use.
    static let knownDTypeSizes: [String: Int] = [
        "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
        "I32": 4, "U32": 4, "F32": 4, "F64": 8, "I64": 8, "U64": 8,
    ]

    struct Entry {
        let dtypeName: String
        let shape: [Int]
        let begin: Int   // absolute offset in the file
        let byteCount: Int
    }

    public let path: String
    public let keys: [String]
    public let metadata: [String: String]
    let entries: [String: Entry]
    private let base: UnsafeRawPointer?
    private let mappedLength: Int

    public init(path: String) throws {
        self.path = path
        try FileChecks.checkRegular(path)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw FormatError(path: path, "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw FormatError(path: path, "cannot stat: \(String(cString: strerror(errno)))")
        }
        let size = Int(st.st_size)
        if size == 0 { throw FormatError(path: path, "empty file (a safetensors file starts with an 8-byte header length)") }
        if size < 8 { throw FormatError(path: path, "file is \(size) bytes, too short for the 8-byte header length") }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw FormatError(path: path, "cannot memory-map: \(String(cString: strerror(errno)))")
        }
        let raw = UnsafeRawPointer(mapped)
        do {
            let parsed = try Self.parseHeader(UnsafeRawBufferPointer(start: raw, count: size), path: path)
            self.entries = parsed.entries
            self.metadata = parsed.metadata
            self.keys = parsed.entries.keys.sorted()
            self.base = raw
            self.mappedLength = size
        } catch {
            munmap(mapped, size)
            throw error
        }
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), mappedLength) }
    }

    public func contains(_ key: String) -> Bool { entries[key] != nil }

    /// The dtype name as written in the header (also for dtypes this project cannot load).
    public func storedDType(_ key: String) throws -> String { try entry(key).dtypeName }

    /// The shape as written in the header, for every dtype (integer tensors included).
    public func storedShape(_ key: String) throws -> [Int] { try entry(key).shape }

    public func info(_ key: String) throws -> TensorInfo {
        let e = try entry(key)
        guard let dtype = DType(rawValue: e.dtypeName) else {
            throw FormatError(path: path, "tensor \"\(key)\": unsupported dtype \(e.dtypeName) (supported: F32, F16, BF16)")
        }
        return TensorInfo(dtype: dtype, shape: e.shape, byteCount: e.byteCount)
    }

    public func rawBytes(_ key: String) throws -> UnsafeRawBufferPointer {
        let e = try entry(key)
        return UnsafeRawBufferPointer(start: base! + e.begin, count: e.byteCount)
    }

    public func tensor(_ key: String) throws -> Tensor {
        let info = try info(key)
        let bytes = try rawBytes(key)
        return Tensor(shape: info.shape, data: WeightDecoding.floats(bytes, dtype: info.dtype))
    }

    public func releasePages(_ key: String) {
        guard let e = entries[key], let base else { return }
        // Whole pages inside the tensor's byte range only, so neighbours' pages stay resident.
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = Int(bitPattern: base) + e.begin, end = start + e.byteCount
        let first = (start + page - 1) / page * page, last = end / page * page
        guard last > first else { return }
        _ = madvise(UnsafeMutableRawPointer(bitPattern: first), last - first, Int32(MADV_DONTNEED))
    }

    private func entry(_ key: String) throws -> Entry {
        guard let e = entries[key] else { throw FormatError(path: path, "no tensor named \"\(FormatError.short(key))\"") }
        return e
    }

    // MARK: header validation

    static func parseHeader(_ file: UnsafeRawBufferPointer, path: String) throws
        -> (entries: [String: Entry], metadata: [String: String]) {
        func problem(_ text: String) -> FormatError { FormatError(path: path, text) }
        var headerLength: UInt64 = 0
        for k in 0..<8 { headerLength |= UInt64(file[k]) << UInt64(8 * k) }
        guard headerLength >= 2 else { throw problem("header length \(headerLength) is too small for a JSON object") }
        guard headerLength <= UInt64(maxHeaderBytes) else {
            throw problem("header length \(headerLength) is larger than the \(maxHeaderBytes)-byte limit (corrupt or not safetensors)")
        }
        let n = Int(headerLength)
        guard 8 + n <= file.count else {
            throw problem("header length \(n) runs past the end of the file (file is \(file.count) bytes)")
        }
        let json: JSONValue
        do {
            json = try JSONParser.parse(UnsafeRawBufferPointer(rebasing: file[8..<(8 + n)]), maxValues: maxHeaderValues)
        } catch let e as JSONParseError {
            throw problem("header is not valid JSON: \(e)")
        }
        guard let members = json.objectMembers else { throw problem("header JSON is not an object") }

        let dataStart = 8 + n
        let dataSize = file.count - dataStart
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        var spans: [(begin: Int, end: Int, name: String)] = []
        for (name, value) in members {
            if name == "__metadata__" {
                guard let fields = value.objectMembers else { throw problem("__metadata__ is not an object") }
                for (k, v) in fields {
                    guard let s = v.stringValue else { throw problem("__metadata__ value for \"\(FormatError.short(k))\" is not a string") }
                    metadata[k] = s
                }
                continue
            }
            let context = "tensor \"\(FormatError.short(name))\""
            guard let fields = value.objectMembers else { throw problem("\(context): entry is not an object") }
            for (field, _) in fields where !["dtype", "shape", "data_offsets"].contains(field) {
                throw problem("\(context): unexpected field \"\(FormatError.short(field))\"")
            }
            guard let dtypeName = value["dtype"]?.stringValue else { throw problem("\(context): missing or non-string dtype") }
            guard let elementSize = knownDTypeSizes[dtypeName] else {
                throw problem("\(context): unknown dtype \"\(FormatError.short(dtypeName))\"")
            }
            guard let shapeValues = value["shape"]?.arrayValue else { throw problem("\(context): missing or non-array shape") }
            guard shapeValues.count <= maxRank else {
                throw problem("\(context): shape has \(shapeValues.count) dimensions, more than \(maxRank)")
            }
            var shape: [Int] = []
            var elements = 1
            var overflow = false
            for d in shapeValues {
                guard let dim = d.intValue else { throw problem("\(context): shape \(describe(shapeValues)) has a non-integer dimension") }
                guard dim >= 0 else { throw problem("\(context): shape \(describe(shapeValues)) has a negative dimension") }
                shape.append(Int(dim))
                let (product, o) = elements.multipliedReportingOverflow(by: Int(dim))
                elements = product
                overflow = overflow || o
            }
            let (bytes, o2) = elements.multipliedReportingOverflow(by: elementSize)
            guard !overflow, !o2 else { throw problem("\(context): shape \(shape) is too large") }
            guard let offsets = value["data_offsets"]?.arrayValue, offsets.count == 2,
                  let begin64 = offsets[0].intValue, let end64 = offsets[1].intValue else {
                throw problem("\(context): data_offsets must be two integers")
            }
            guard begin64 >= 0, begin64 <= end64 else {
                throw problem("\(context): data_offsets [\(begin64), \(end64)] are not an increasing pair of non-negative numbers")
            }
            guard end64 <= Int64(dataSize) else {
                throw problem("\(context): data_offsets [\(begin64), \(end64)] lie outside the data area (\(dataSize) bytes)")
            }
            let begin = Int(begin64), end = Int(end64)
            guard end - begin == bytes else {
                throw problem("\(context): shape \(shape) × \(dtypeName) (\(elementSize) bytes) needs \(bytes) bytes, data_offsets give \(end - begin)")
            }
            entries[name] = Entry(dtypeName: dtypeName, shape: shape, begin: dataStart + begin, byteCount: bytes)
            if bytes > 0 { spans.append((begin, end, name)) }
        }
        spans.sort { $0.begin < $1.begin || ($0.begin == $1.begin && $0.name < $1.name) }
        for (a, b) in zip(spans, spans.dropFirst()) where b.begin < a.end {
            throw problem("tensors \"\(FormatError.short(a.name))\" [\(a.begin), \(a.end)) and \"\(FormatError.short(b.name))\" [\(b.begin), \(b.end)) overlap")
        }
        return (entries, metadata)
    }

    private static func describe(_ values: [JSONValue]) -> String {
        "[" + values.map { v -> String in
            switch v {
            case let .int(i): return String(i)
            case let .double(d): return String(d)
            case let .string(s): return "\"\(s)\""
            case let .bool(b): return String(b)
            case .null: return "null"
            case .array: return "[…]"
            case .object: return "{…}"
            }
        }.joined(separator: ", ") + "]"
    }
}

/// Stored bytes (little-endian) to f32, exactly.
public enum WeightDecoding {
    public static func floats(_ bytes: UnsafeRawBufferPointer, dtype: DType) -> [Float] {
        let count = bytes.count / dtype.size
        switch dtype {
        case .f32:
            return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                for i in 0..<count {
                    buffer[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                }
                initialized = count
            }
        case .f16:
            return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                for i in 0..<count {
                    buffer[i] = DTypeConversion.float(f16Bits: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                }
                initialized = count
            }
        case .bf16:
            return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                for i in 0..<count {
                    buffer[i] = DTypeConversion.float(bf16Bits: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                }
                initialized = count
            }
        }
    }
}
