// Which exact-GEMM micro-kernel this process uses. All variants compute the same fma chains (Docs/NUMERICS.md
// rule 1), so the choice changes speed, never bytes. Chosen once, at first use (the lorweb and lorweb-bench
// entry points touch it at start-up): the LORWEB_CPU_KERNEL override if set, else the widest variant this CPU
// and OS can run (avx512 > avx2 on x86-64, neon on arm64, scalar elsewhere).
import CKernels
import Foundation

public enum CPUKernel: String, CaseIterable, Sendable {
    /// x86-64 AVX-512F, 12×32 register tile (C, CKernels).
    case avx512
    /// x86-64 AVX2 + FMA, 6×16 register tile (C, CKernels).
    case avx2
    /// arm64 Advanced SIMD, 6×16 register tile (C, CKernels).
    case neon
    /// Portable C with fmaf: any CPU; the reference the SIMD variants are tested against. It tiles like avx512
    /// (12×32 over two panels), so the driver's two-panel path is tested on machines without AVX-512.
    case scalar
    /// The Swift SIMD8 kernel (ExactGEMM.swift), compiled for the module's target CPU; kept for comparison.
    case swift

    /// The environment variable that overrides the automatic choice (tests run the suites under each variant).
    public static let overrideVariable = "LORWEB_CPU_KERNEL"
    /// Exit status when the override names an unknown or unsupported variant (EX_CONFIG).
    public static let unsupportedExitCode: Int32 = 78

    /// The variant this process uses. Reading it with an unusable override prints why and exits with 78.
    public static let selected: CPUKernel = {
        switch resolve(environment: ProcessInfo.processInfo.environment) {
        case .success(let kernel): return kernel
        case .failure(let error):
            FileHandle.standardError.write("lorweb: \(error.message)\n".data(using: .utf8)!)
            exit(unsupportedExitCode)
        }
    }()

    /// The override if set (an error when unknown or unsupported here), else the widest supported variant.
    public static func resolve(environment: [String: String]) -> Result<CPUKernel, TensorError> {
        guard let requested = environment[overrideVariable], !requested.isEmpty else { return .success(best) }
        let names = allCases.map(\.rawValue).joined(separator: "|")
        guard let kernel = CPUKernel(rawValue: requested.lowercased()) else {
            return .failure(TensorError("\(overrideVariable)=\(requested) is not a kernel variant (\(names))"))
        }
        guard kernel.isSupported else {
            let here = supported.map(\.rawValue).joined(separator: ", ")
            return .failure(TensorError("\(overrideVariable)=\(requested): this CPU cannot run the \(kernel.rawValue) kernel (it can run: \(here))"))
        }
        return .success(kernel)
    }

    /// The widest variant this machine runs.
    public static var best: CPUKernel { [.avx512, .avx2, .neon].first(where: \.isSupported) ?? .scalar }

    /// Every variant this machine can execute, widest first.
    public static var supported: [CPUKernel] { allCases.filter(\.isSupported) }

    /// Compiled into this binary and runnable on this CPU and OS.
    public var isSupported: Bool {
        guard let code = cCode else { return true }  // swift: compiled for the module's target CPU
        return lw_kernel_supported(code) != 0
    }

    /// Rows of the register tile (work is split over rows in multiples of it).
    var tileRows: Int {
        guard let code = cCode else { return ExactGEMM.mr }
        return Int(lw_kernel_tile_rows(code))
    }

    /// The CKernels code (LW_KERNEL_*), nil for the Swift kernel.
    public var cCode: Int32? {
        switch self {
        case .scalar: return Int32(LW_KERNEL_SCALAR)
        case .avx2: return Int32(LW_KERNEL_AVX2)
        case .avx512: return Int32(LW_KERNEL_AVX512)
        case .neon: return Int32(LW_KERNEL_NEON)
        case .swift: return nil
        }
    }
}
