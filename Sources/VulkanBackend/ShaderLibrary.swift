// The compute shaders, compiled to SPIR-V at build time by Plugins/SPIRVCompiler (glslc without -O) and
// embedded in the binary as base64 (EmbeddedSPIRV, generated): a static binary carries its kernels.
import Foundation

public enum ShaderLibrary {
    /// Every shader name (file name of Shaders/NAME.comp without the extension), sorted.
    public static var names: [String] { EmbeddedSPIRV.base64.keys.sorted() }

    /// Kernel development only: LORWEB_SHADER_DIR=folder loads folder/NAME.spv instead of the embedded SPIR-V
    /// (e.g. to time a kernel change without rebuilding). Never set for real runs: those shaders are not linted.
    static let overrideDirectory = ProcessInfo.processInfo.environment["LORWEB_SHADER_DIR"]

    /// The SPIR-V words of a shader, or nil if no shader has that name.
    public static func spirv(named name: String) -> [UInt32]? {
        if let folder = overrideDirectory, let data = FileManager.default.contents(atPath: folder + "/" + name + ".spv") {
            return words(data)
        }
        guard let text = EmbeddedSPIRV.base64[name], let data = Data(base64Encoded: text) else { return nil }
        return words(data)
    }

    static func words(_ data: Data) -> [UInt32]? {
        guard data.count % 4 == 0 else { return nil }
        return data.withUnsafeBytes { raw in (0..<data.count / 4).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self) } }
    }
}
