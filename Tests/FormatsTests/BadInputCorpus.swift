// Builders for the broken-file corpus: PNG chunk surgery (with correct or wrong CRCs) and raw
// safetensors files with hand-written headers.

import Formats

enum PNGSurgery {
    static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

    struct Chunk {
        var type: String
        var data: [UInt8]
        var crcOverride: UInt32? = nil
        var lengthOverride: UInt32? = nil

        var bytes: [UInt8] {
            let typeBytes = Array(type.utf8)
            let crc = crcOverride ?? PNGSurgery.crc32(typeBytes + data)
            return PNGSurgery.be32(lengthOverride ?? UInt32(data.count)) + typeBytes + data + PNGSurgery.be32(crc)
        }
    }

    static let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]

    static func chunks(of file: [UInt8]) -> [Chunk] {
        var out: [Chunk] = []
        var i = 8
        while i + 12 <= file.count {
            let n = Int(file[i]) << 24 | Int(file[i + 1]) << 16 | Int(file[i + 2]) << 8 | Int(file[i + 3])
            let type = String(decoding: file[(i + 4)..<(i + 8)], as: UTF8.self)
            out.append(Chunk(type: type, data: Array(file[(i + 8)..<(i + 8 + n)])))
            i += 12 + n
        }
        return out
    }

    static func assemble(_ chunks: [Chunk]) -> [UInt8] { signature + chunks.flatMap { $0.bytes } }

    static func ihdr(width: UInt32, height: UInt32, bitDepth: UInt8 = 8, colorType: UInt8 = 2) -> Chunk {
        Chunk(type: "IHDR", data: be32(width) + be32(height) + [bitDepth, colorType, 0, 0, 0])
    }
}

enum SafetensorsBytes {
    /// 8-byte little-endian length + header text + data.
    static func file(header: String, data: [UInt8] = [], lengthOverride: UInt64? = nil) -> [UInt8] {
        file(headerBytes: Array(header.utf8), data: data, lengthOverride: lengthOverride)
    }

    static func file(headerBytes h: [UInt8], data: [UInt8] = [], lengthOverride: UInt64? = nil) -> [UInt8] {
        let n = lengthOverride ?? UInt64(h.count)
        return (0..<8).map { UInt8(truncatingIfNeeded: n >> UInt64(8 * $0)) } + h + data
    }
}
