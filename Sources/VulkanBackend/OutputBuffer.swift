// Every kernel output lives between two sentinel regions (test-backend-ops style): the kernel sees only its
// `count` elements (descriptor offset + range), and the download checks that no word around them changed.
// A kernel that writes out of bounds fails loudly instead of corrupting a neighbour.

public final class OutputBuffer {
    /// Guard words on each side: 64 floats = 256 bytes, a valid storage-buffer offset alignment on every device.
    public static let guardCount = 64
    static let sentinel: UInt32 = 0x7FA5_A5A5   // a NaN no kernel computes
    public let buffer: VulkanBuffer
    public let count: Int
    let kernel: String

    init(device: VulkanDevice, count: Int, kernel: String) throws {
        self.count = count
        self.kernel = kernel
        buffer = try device.buffer(count: count + 2 * Self.guardCount)
        buffer.fill(bitPattern: Self.sentinel)
    }

    /// The output's binding (offset past the head guard, range = count).
    public var binding: VulkanBinding { .storageRange(buffer, offset: Self.guardCount, count: count) }

    /// The result, after checking both guard regions.
    public func download() throws -> [Float] {
        let g = Self.guardCount
        let all = buffer.download()
        for i in Array(0..<g) + Array(g + count ..< all.count) where all[i].bitPattern != Self.sentinel {
            throw VulkanError("\(kernel) wrote outside its output: guard word \(i < g ? i - g : i - g - count) "
                + "\(i < g ? "before" : "after") the \(count) elements changed to 0x\(String(all[i].bitPattern, radix: 16))")
        }
        return Array(all[g ..< g + count])
    }
}

extension VulkanDevice {
    /// A guarded output of `count` floats for `kernel` (named in the error if a guard is overwritten).
    public func output(count: Int, for kernel: String) throws -> OutputBuffer {
        try OutputBuffer(device: self, count: count, kernel: kernel)
    }
}
