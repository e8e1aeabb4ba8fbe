// Writing safetensors files: header JSON (metadata first, then tensors in the given order, data laid
// out contiguously in that order), padded with spaces to a multiple of 8 bytes like the reference
// writer, written through a temporary file and renamed into place.

import Numerics
import TensorCore

public enum SafetensorsWriter {
    public static func write(_ tensors: [(name: String, tensor: Tensor)], dtype: DType = .f32,
                             metadata: [String: String] = [:], to path: String) throws {
        var seen = Set<String>()
        for (name, _) in tensors {
            guard name != "__metadata__" else { throw FormatError(path: path, "\"__metadata__\" cannot name a tensor") }
            guard seen.insert(name).inserted else { throw FormatError(path: path, "tensor name \"\(name)\" given twice") }
        }
        let header = headerBytes(tensors.map { ($0.name, $0.tensor.shape) }, dtype: dtype, metadata: metadata)
        var length = [UInt8](repeating: 0, count: 8)
        for k in 0..<8 { length[k] = UInt8(truncatingIfNeeded: UInt64(header.count) >> UInt64(8 * k)) }
        try AtomicFile.write(to: path) { sink in
            try sink.write(length)
            try sink.write(header)
            for (_, tensor) in tensors {
                try encode(tensor.data, dtype: dtype).withUnsafeBytes { try sink.write($0) }
            }
        }
    }

    /// The header JSON, padded with spaces so that its length is a multiple of 8.
    static func headerBytes(_ entries: [(String, [Int])], dtype: DType, metadata: [String: String]) -> [UInt8] {
        var parts: [String] = []
        if !metadata.isEmpty {
            let fields = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            parts.append("\"__metadata__\":{\(fields.joined(separator: ","))}")
        }
        var offset = 0
        for (name, shape) in entries {
            let bytes = shape.reduce(1, *) * dtype.size
            let shapeText = shape.map(String.init).joined(separator: ",")
            parts.append("\(jsonString(name)):{\"dtype\":\"\(dtype.rawValue)\",\"shape\":[\(shapeText)],\"data_offsets\":[\(offset),\(offset + bytes)]}")
            offset += bytes
        }
        var header = Array("{\(parts.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        return header
    }

    /// f32 values in the storage dtype, little-endian; narrowing rounds to nearest even.
    static func encode(_ values: [Float], dtype: DType) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: values.count * dtype.size)
        out.withUnsafeMutableBytes { raw in
            for (i, v) in values.enumerated() {
                switch dtype {
                case .f32: raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
                case .f16: raw.storeBytes(of: DTypeConversion.f16Bits(v).littleEndian, toByteOffset: 2 * i, as: UInt16.self)
                case .bf16: raw.storeBytes(of: DTypeConversion.bf16Bits(v).littleEndian, toByteOffset: 2 * i, as: UInt16.self)
                }
            }
        }
        return out
    }
}

/// A JSON string literal for `s` (RFC 8259: quotes, backslashes and control characters escaped).
/// Shared by every hand-written JSON in the project (safetensors headers, analogy manifests).
public func jsonString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 {
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}
