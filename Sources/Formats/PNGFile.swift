// PNG read and write through libpng (via the CPNGShim C layer, which owns libpng's setjmp).
//
// Reading: every 8-bit layout (gray, gray+alpha, RGB, RGBA, palette, with or without tRNS) becomes
// RGB plus an optional alpha plane; alpha is never composited (PIL's convert("RGB") drops it the same way).
// 16-bit samples become 8-bit with rounding: v8 = round(v16 * 255 / 65535) (libpng's png_set_scale_16).
// Note PIL keeps the high byte instead (v16 >> 8), so a 16-bit file can differ from PIL by one level.
// Gamma/ICC chunks are ignored (as PIL does): samples are taken as stored.
//
// Writing: 8-bit RGB or RGBA, fixed encoder settings, text as tEXt (ASCII values) or uncompressed
// iTXt (any other UTF-8 value). The file is written to a temporary name in the same folder and then
// renamed, so a reader never sees a half-written file and a failed write leaves an old file intact.

import CPNGShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct DecodedPNG: Sendable, Equatable {
    public var image: RGBImage
    /// One alpha byte per pixel when the file had an alpha channel or a tRNS chunk; else nil.
    public var alpha: [UInt8]?
    /// tEXt, zTXt and iTXt chunks: Latin-1 keys and tEXt/zTXt values decoded, iTXt values as UTF-8.
    public var text: [String: String]
    /// The file's bit depth and PNG color type, as stored (for callers that care).
    public var sourceBitDepth: Int
    public var sourceColorType: Int
}

public enum PNGFile {
    /// Files with more pixels than this are refused before any pixel buffer is allocated (2^26).
    public static let maxPixels: UInt64 = 1 << 26

    public static func read(path: String) throws -> DecodedPNG {
        try FileChecks.checkRegular(path)
        var raw = pngshim_image()
        var message = [CChar](repeating: 0, count: Int(PNGSHIM_ERROR_CAPACITY))
        let status = pngshim_read(path, maxPixels, &raw, &message, message.count)
        guard status == 0 else {
            throw FormatError(path: path, "PNG read failed: \(cString(message))")
        }
        defer { pngshim_free(&raw) }

        let width = Int(raw.width), height = Int(raw.height), channels = Int(raw.channels)
        let count = width * height
        var rgb = [UInt8](repeating: 0, count: count * 3)
        var alpha: [UInt8]? = nil
        let source = UnsafeBufferPointer(start: raw.pixels, count: count * channels)
        if channels == 3 {
            rgb.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: source.baseAddress!, count: count * 3) }
        } else {
            var a = [UInt8](repeating: 0, count: count)
            for i in 0..<count {
                rgb[3 * i] = source[4 * i]
                rgb[3 * i + 1] = source[4 * i + 1]
                rgb[3 * i + 2] = source[4 * i + 2]
                a[i] = source[4 * i + 3]
            }
            alpha = a
        }

        var text: [String: String] = [:]
        for i in 0..<Int(raw.text_count) {
            let chunk = raw.texts[i]
            let key = latin1String(UnsafeBufferPointer(start: UnsafeRawPointer(chunk.key!).assumingMemoryBound(to: UInt8.self),
                                                       count: strlen(chunk.key!)))
            let bytes = UnsafeBufferPointer(start: chunk.value, count: chunk.value_length)
            let value = chunk.kind == 2 ? String(decoding: bytes, as: UTF8.self) : latin1String(bytes)
            text[key] = value
        }
        return DecodedPNG(image: RGBImage(width: width, height: height, pixels: rgb), alpha: alpha, text: text,
                          sourceBitDepth: Int(raw.source_bit_depth), sourceColorType: Int(raw.source_color_type))
    }

    /// Writes an 8-bit RGB PNG atomically (temporary file in the same folder, then rename).
    public static func write(_ image: RGBImage, to path: String, text: [(key: String, value: String)] = []) throws {
        try encode(width: image.width, height: image.height, channels: 3, pixels: image.pixels, text: text, to: path)
    }

    /// Writes an 8-bit RGBA PNG atomically; `alpha` has one byte per pixel.
    public static func writeRGBA(_ image: RGBImage, alpha: [UInt8], to path: String,
                                 text: [(key: String, value: String)] = []) throws {
        guard alpha.count == image.width * image.height else {
            throw FormatError(path: path, "alpha has \(alpha.count) bytes, image has \(image.width * image.height) pixels")
        }
        var rgba = [UInt8](repeating: 0, count: alpha.count * 4)
        for i in 0..<alpha.count {
            rgba[4 * i] = image.pixels[3 * i]
            rgba[4 * i + 1] = image.pixels[3 * i + 1]
            rgba[4 * i + 2] = image.pixels[3 * i + 2]
            rgba[4 * i + 3] = alpha[i]
        }
        try encode(width: image.width, height: image.height, channels: 4, pixels: rgba, text: text, to: path)
    }

    /// A PNG keyword: 1-79 Latin-1 printable characters, no leading, trailing or double spaces.
    static func keywordBytes(_ key: String, path: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        for scalar in key.unicodeScalars {
            let v = scalar.value
            guard (32...126).contains(v) || (161...255).contains(v) else {
                throw FormatError(path: path, "PNG text key \"\(key)\" has a character outside printable Latin-1")
            }
            bytes.append(UInt8(v))
        }
        guard (1...79).contains(bytes.count) else {
            throw FormatError(path: path, "PNG text key \"\(key)\" must have 1 to 79 characters, has \(bytes.count)")
        }
        guard bytes.first != 32, bytes.last != 32, !zip(bytes, bytes.dropFirst()).contains(where: { $0 == 32 && $1 == 32 }) else {
            throw FormatError(path: path, "PNG text key \"\(key)\" has leading, trailing or double spaces")
        }
        return bytes
    }

    private static func encode(width: Int, height: Int, channels: Int, pixels: [UInt8],
                               text: [(key: String, value: String)], to path: String) throws {
        try FileChecks.checkName(path)
        guard width >= 1, height >= 1, width <= 1 << 24, height <= 1 << 24 else {
            throw FormatError(path: path, "cannot write a \(width)x\(height) PNG (each side must be 1...2^24)")
        }
        var seen = Set<String>()
        var keys: [[UInt8]] = []
        var values: [[UInt8]] = []
        var kinds: [Int32] = []
        for (key, value) in text {
            guard seen.insert(key).inserted else { throw FormatError(path: path, "PNG text key \"\(key)\" given twice") }
            keys.append(try keywordBytes(key, path: path) + [0])
            let utf8 = Array(value.utf8)
            guard !utf8.contains(0) else { throw FormatError(path: path, "PNG text value for \"\(key)\" contains a NUL byte") }
            values.append(utf8 + [0])
            kinds.append(utf8.allSatisfy { $0 < 128 } ? 0 : 2)  // ASCII is valid Latin-1: tEXt; else iTXt
        }
        let lengths = values.map { $0.count - 1 }
        let temporary = AtomicFile.temporaryPath(for: path)
        var message = [CChar](repeating: 0, count: Int(PNGSHIM_ERROR_CAPACITY))
        let status = withCStringArray(keys) { keyPointers in
            withCStringArray(values) { valuePointers in
                keyPointers.withMemoryRebound(to: UnsafePointer<CChar>?.self) { keyArray in
                    pngshim_write(temporary, UInt32(width), UInt32(height), Int32(channels), pixels,
                                  Int32(keys.count), keyArray.baseAddress, valuePointers.baseAddress,
                                  lengths, kinds, &message, message.count)
                }
            }
        }
        guard status == 0 else {
            unlink(temporary)
            throw FormatError(path: path, "PNG write failed: \(cString(message))")
        }
        try AtomicFile.commit(temporary: temporary, to: path)
    }

    /// Pins each byte array and hands out an array of pointers to them, valid inside `body`.
    private static func withCStringArray<R>(_ arrays: [[UInt8]],
                                            _ body: (UnsafeBufferPointer<UnsafePointer<UInt8>?>) -> R) -> R {
        let buffers = arrays.map { array -> UnsafeMutablePointer<UInt8> in
            let p = UnsafeMutablePointer<UInt8>.allocate(capacity: max(array.count, 1))
            p.initialize(from: array, count: array.count)
            return p
        }
        defer { buffers.forEach { $0.deallocate() } }
        let pointers: [UnsafePointer<UInt8>?] = buffers.map { UnsafePointer($0) }
        return pointers.withUnsafeBufferPointer(body)
    }
}

/// Latin-1 bytes to a String (each byte is the code point of the same number).
func latin1String<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    var s = String.UnicodeScalarView()
    for b in bytes { s.append(Unicode.Scalar(b)) }
    return String(s)
}

func cString(_ chars: [CChar]) -> String {
    let bytes = chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
}
