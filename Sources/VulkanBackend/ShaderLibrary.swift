// The compute shaders, compiled to SPIR-V at build time by Plugins/SPIRVCompiler (glslc without -O) and
// embedded in the binary as base64 (EmbeddedSPIRV, generated): a static binary carries its kernels.
import Foundation

public enum ShaderLibrary {
    /// Every shader name (file name of Shaders/NAME.comp without the extension), sorted.
    public static var names: [String] { EmbeddedSPIRV.base64.keys.sorted() }

    /// The SPIR-V words of a shader, or nil if no shader has that name.
    public static func spirv(named name: String) -> [UInt32]? {
        guard let text = EmbeddedSPIRV.base64[name], let data = Data(base64Encoded: text),
              data.count % 4 == 0 else { return nil }
        return data.withUnsafeBytes { raw in (0..<data.count / 4).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self) } }
    }
}
