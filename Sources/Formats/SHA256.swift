// SHA-256 (FIPS 180-4), our own implementation: content hashes for caches and provenance.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum SHA256 {
    public static func hex(_ bytes: [UInt8]) -> String {
        var hasher = Hasher()
        hasher.update(bytes)
        return hasher.finalizeHex()
    }

    public static func hex(_ string: String) -> String {
        var hasher = Hasher()
        hasher.update(Array(string.utf8))
        return hasher.finalizeHex()
    }

    /// Hashes a file in 1 MiB pieces (constant memory).
    public static func hex(fileAt path: String) throws -> String {
        try FileChecks.checkRegular(path)
        guard let file = fopen(path, "rb") else {
            throw FormatError(path: path, "cannot open for hashing: \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var hasher = Hasher()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n > 0 { buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) } }
            if n < buffer.count {
                if ferror(file) != 0 { throw FormatError(path: path, "read error while hashing") }
                break
            }
        }
        return hasher.finalizeHex()
    }

    /// Streaming hasher: update any number of times, then finalize once.
    public struct Hasher: Sendable {
        private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
            (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
        private var block = [UInt8](repeating: 0, count: 64)
        private var blockFill = 0
        private var totalBytes: UInt64 = 0

        public init() {}

        public mutating func update(_ bytes: [UInt8]) {
            bytes.withUnsafeBytes { update($0) }
        }

        public mutating func update(_ string: String) {
            update(Array(string.utf8))
        }

        public mutating func update(_ bytes: UnsafeRawBufferPointer) {
            totalBytes &+= UInt64(bytes.count)
            var i = 0
            if blockFill > 0 {
                while blockFill < 64 && i < bytes.count { block[blockFill] = bytes[i]; blockFill += 1; i += 1 }
                if blockFill < 64 { return }
                block.withUnsafeBytes { compress(UnsafeRawBufferPointer($0)) }
                blockFill = 0
            }
            while bytes.count - i >= 64 {
                compress(UnsafeRawBufferPointer(rebasing: bytes[i..<(i + 64)]))
                i += 64
            }
            while i < bytes.count { block[blockFill] = bytes[i]; blockFill += 1; i += 1 }
        }

        /// The 32-byte digest. Pads a copy, so the hasher can keep taking data afterwards.
        public func finalize() -> [UInt8] {
            var copy = self
            let bitLength = totalBytes &* 8
            var padding: [UInt8] = [0x80]
            let afterOne = (blockFill + 1) % 64
            padding += [UInt8](repeating: 0, count: afterOne <= 56 ? 56 - afterOne : 120 - afterOne)
            for shift in stride(from: 56, through: 0, by: -8) { padding.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
            let savedTotal = copy.totalBytes
            copy.update(padding)
            copy.totalBytes = savedTotal
            precondition(copy.blockFill == 0)
            let s = copy.state
            var out: [UInt8] = []
            out.reserveCapacity(32)
            for word in [s.0, s.1, s.2, s.3, s.4, s.5, s.6, s.7] {
                out += [UInt8(word >> 24), UInt8((word >> 16) & 0xff), UInt8((word >> 8) & 0xff), UInt8(word & 0xff)]
            }
            return out
        }

        public func finalizeHex() -> String {
            let digits: [Character] = Array("0123456789abcdef")
            var s = ""
            for b in finalize() { s.append(digits[Int(b >> 4)]); s.append(digits[Int(b & 15)]) }
            return s
        }

        private static let k: [UInt32] = [
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
            0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
            0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
            0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
            0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
            0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
            0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
        ]

        @inline(__always) private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

        private mutating func compress(_ chunk: UnsafeRawBufferPointer) {
            var (a, b, c, d, e, f, g, h) = state
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
                Self.k.withUnsafeBufferPointer { k in
                    for t in 0..<16 {
                        w[t] = UInt32(bigEndian: chunk.loadUnaligned(fromByteOffset: 4 * t, as: UInt32.self))
                    }
                    for t in 16..<64 {
                        let s0 = Self.rotr(w[t - 15], 7) ^ Self.rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
                        let s1 = Self.rotr(w[t - 2], 17) ^ Self.rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
                        w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
                    }
                    for t in 0..<64 {
                        let s1 = Self.rotr(e, 6) ^ Self.rotr(e, 11) ^ Self.rotr(e, 25)
                        let ch = (e & f) ^ (~e & g)
                        let t1 = h &+ s1 &+ ch &+ k[t] &+ w[t]
                        let s0 = Self.rotr(a, 2) ^ Self.rotr(a, 13) ^ Self.rotr(a, 22)
                        let maj = (a & b) ^ (a & c) ^ (b & c)
                        let t2 = s0 &+ maj
                        h = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
                    }
                }
            }
            state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d,
                     state.4 &+ e, state.5 &+ f, state.6 &+ g, state.7 &+ h)
        }
    }
}
