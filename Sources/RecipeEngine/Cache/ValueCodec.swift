// A small binary encoding of the cacheable values (numbers, strings, booleans, lists, images,
// tensors, tables). Models, bases, queries and mixes are not encodable (they hold live objects).
import Formats
import TensorCore

enum ValueCodec {
    struct DecodeError: Error {}

    static func encode(_ value: Value) -> [UInt8]? {
        var out: [UInt8] = []
        return encode(value, into: &out) ? out : nil
    }

    private static func encode(_ value: Value, into out: inout [UInt8]) -> Bool {
        switch value {
        case .number(let x): out.append(0); put64(x.bitPattern, &out)
        case .string(let s): out.append(1); putString(s, &out)
        case .bool(let b): out.append(2); out.append(b ? 1 : 0)
        case .list(let items):
            out.append(3); put64(UInt64(items.count), &out)
            for item in items where !encode(item, into: &out) { return false }
        case .image(let image):
            out.append(4); put64(UInt64(image.width), &out); put64(UInt64(image.height), &out)
            out.append(contentsOf: image.pixels)
        case .tensor(let t):
            out.append(5); put64(UInt64(t.shape.count), &out)
            for d in t.shape { put64(UInt64(d), &out) }
            out.reserveCapacity(out.count + 4 * t.data.count)
            for x in t.data { put32(x.bitPattern, &out) }
        case .table(let t):
            out.append(6); put64(UInt64(t.columns.count), &out)
            for c in t.columns { putString(c, &out) }
            put64(UInt64(t.rows.count), &out)
            for row in t.rows {
                put64(UInt64(row.count), &out)
                for cell in row { putString(cell, &out) }
            }
        case .nothing: out.append(7)
        case .model, .basis, .query, .mix, .pending: return false
        }
        return true
    }

    static func decode(_ bytes: [UInt8]) throws -> Value {
        var reader = Reader(bytes: bytes)
        let value = try reader.value(depth: 0)
        guard reader.position == bytes.count else { throw DecodeError() }
        return value
    }

    private static func put64(_ v: UInt64, _ out: inout [UInt8]) {
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }

    private static func put32(_ v: UInt32, _ out: inout [UInt8]) {
        for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) }
    }

    private static func putString(_ s: String, _ out: inout [UInt8]) {
        let bytes = Array(s.utf8)
        put64(UInt64(bytes.count), &out)
        out.append(contentsOf: bytes)
    }

    private struct Reader {
        let bytes: [UInt8]
        var position = 0

        mutating func byte() throws -> UInt8 {
            guard position < bytes.count else { throw DecodeError() }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func u64() throws -> UInt64 {
            guard position + 8 <= bytes.count else { throw DecodeError() }
            var v: UInt64 = 0
            for i in 0..<8 { v |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
            position += 8
            return v
        }

        mutating func count(limit: Int) throws -> Int {
            let v = try u64()
            guard v <= UInt64(limit) else { throw DecodeError() }
            return Int(v)
        }

        mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
            guard n >= 0, position + n <= bytes.count else { throw DecodeError() }
            defer { position += n }
            return bytes[position..<(position + n)]
        }

        mutating func string() throws -> String {
            let n = try count(limit: bytes.count)
            return String(decoding: try take(n), as: UTF8.self)
        }

        mutating func value(depth: Int) throws -> Value {
            guard depth < 64 else { throw DecodeError() }
            switch try byte() {
            case 0: return .number(Double(bitPattern: try u64()))
            case 1: return .string(try string())
            case 2: return .bool(try byte() != 0)
            case 3:
                let n = try count(limit: bytes.count)
                var items: [Value] = []
                for _ in 0..<n { items.append(try value(depth: depth + 1)) }
                return .list(items)
            case 4:
                let w = try count(limit: 1 << 20), h = try count(limit: 1 << 20)
                guard w * h * 3 <= bytes.count else { throw DecodeError() }
                return .image(RGBImage(width: w, height: h, pixels: Array(try take(w * h * 3))))
            case 5:
                let rank = try count(limit: 16)
                var shape: [Int] = []
                var total = 1
                for _ in 0..<rank {
                    let d = try count(limit: bytes.count)
                    shape.append(d)
                    total = total.multipliedReportingOverflow(by: d).overflow ? Int.max : total * d
                }
                guard total <= bytes.count / 4 else { throw DecodeError() }
                let raw = try take(4 * total)
                var data = [Float](repeating: 0, count: total)
                var i = raw.startIndex
                for k in 0..<total {
                    let bits = UInt32(raw[i]) | UInt32(raw[i + 1]) << 8 | UInt32(raw[i + 2]) << 16 | UInt32(raw[i + 3]) << 24
                    data[k] = Float(bitPattern: bits)
                    i += 4
                }
                return .tensor(Tensor(shape: shape, data: data))
            case 6:
                let nc = try count(limit: bytes.count)
                var columns: [String] = []
                for _ in 0..<nc { columns.append(try string()) }
                let nr = try count(limit: bytes.count)
                var rows: [[String]] = []
                for _ in 0..<nr {
                    let n = try count(limit: bytes.count)
                    var row: [String] = []
                    for _ in 0..<n { row.append(try string()) }
                    rows.append(row)
                }
                return .table(TableValue(columns: columns, rows: rows))
            case 7: return .nothing
            default: throw DecodeError()
            }
        }
    }
}
