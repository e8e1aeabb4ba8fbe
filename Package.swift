// swift-tools-version:6.0
// LoRWeB for Swift: one target per layer (see Docs/ARCHITECTURE.md).
import Foundation
import PackageDescription

// Without an explicit CPU, SIMD FMA lowers to fmaf libcalls (160x slower); see Docs/TOOLCHAIN.md §1.
#if arch(x86_64)
let cpuFlags: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
#else
let cpuFlags: [SwiftSetting] = []
#endif

// The GPU build (issue 8): the Vulkan backend is compiled in only when its system packages are installed
// (apt: libvulkan-dev, glslc; mesa-vulkan-drivers gives lavapipe, a CPU Vulkan driver for CI).
// LORWEB_VULKAN=0 forces the CPU-only build. Only InstalledBackends depends on it (backend targets are listed once).
let vulkanBuild = ProcessInfo.processInfo.environment["LORWEB_VULKAN"] != "0"
    && FileManager.default.fileExists(atPath: "/usr/include/vulkan/vulkan.h")
    && FileManager.default.fileExists(atPath: "/usr/bin/glslc")
let backendTargets: [Target.Dependency] = vulkanBuild ? ["VulkanBackend"] : []
let vulkanTargets: [Target] = !vulkanBuild ? [] : [
    .systemLibrary(name: "CVulkan", pkgConfig: "vulkan", providers: [.apt(["libvulkan-dev"])]),
    // Compiles Sources/VulkanBackend/Shaders/*.comp to SPIR-V with /usr/bin/glslc at build time.
    .plugin(name: "SPIRVCompiler", capability: .buildTool()),
    // 2b. The Vulkan compute backend: device, probe, kernels; byte-identical to CPUBackend in exact mode.
    .target(name: "VulkanBackend", dependencies: ["TensorCore", "Numerics", "CVulkan"], exclude: ["Shaders"],
            swiftSettings: cpuFlags, plugins: ["SPIRVCompiler"]),
    .testTarget(name: "VulkanBackendTests", dependencies: ["VulkanBackend", "TensorCore", "Numerics"],
                swiftSettings: cpuFlags),
]

// The fuzz targets (issue 24): `make fuzz` sets LORWEB_FUZZ=1 and builds into .build-fuzz with
// -sanitize=fuzzer; every other build (make build, make test, CI) never sees them.
let fuzzBuild = ProcessInfo.processInfo.environment["LORWEB_FUZZ"] == "1"
let fuzzProducts: [Product] = !fuzzBuild ? [] : [.executable(name: "lorweb-fuzz", targets: ["lorweb-fuzz"])]
let fuzzTargets: [Target] = !fuzzBuild ? [] : [
    .target(name: "CFuzzDriver", path: "Fuzz/CFuzzDriver"),
    .executableTarget(name: "lorweb-fuzz", dependencies: ["CFuzzDriver", "Formats", "RecipeEngine"], path: "Fuzz/lorweb-fuzz",
                      swiftSettings: cpuFlags),
]

let package = Package(
    name: "lorweb",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lorweb", targets: ["lorweb"]),
    ] + fuzzProducts,
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries (apt: libopenblas-dev, libpng-dev, libreadline-dev).
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng16", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CReadline", providers: [.apt(["libreadline-dev"])]),
        // libpng's error handling needs setjmp, which Swift cannot call: a small C shim owns it.
        .target(name: "CPNGShim", dependencies: ["CPNG"]),

        // The exact GEMM's micro-kernels (AVX-512, AVX2, NEON, scalar) in C: per-function target attributes put
        // every x86 variant in one binary, chosen at run time (Swift SIMD compiles for one CPU per module).
        // Contraction off: an FMA appears only where the code calls one (Docs/NUMERICS.md).
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-ffp-contract=off"])],
                linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]),

        // Persistent worker threads for Parallel.forRanges (spin briefly, then sleep): C11 atomics and pthreads.
        .target(name: "CWorkerPool", linkerSettings: [.linkedLibrary("pthread", .when(platforms: [.linux]))]),

        // 1. Scalar math of the numerics contract, reductions, RNGs. No tensors.
        .target(name: "Numerics", swiftSettings: cpuFlags),
        // 2. Tensors, the op set, the Backend seam, the CPU backend.
        .target(name: "TensorCore", dependencies: ["Numerics", "COpenBLAS", "CKernels", "CWorkerPool"], swiftSettings: cpuFlags),
        // 3. safetensors, PNG, resize, configs, hashing.
        .target(name: "Formats", dependencies: ["TensorCore", "Numerics", "CPNGShim"], swiftSettings: cpuFlags),
        // 3b. Procedural analogies: deterministic (a, a', b, b') images.
        .target(name: "Analogies", dependencies: ["Formats"], swiftSettings: cpuFlags),
        // 3d. Prompt text -> token ids from a model folder's tokenizer files (CLIP BPE, T5 unigram).
        .target(name: "Tokenizers", dependencies: ["Formats"], swiftSettings: cpuFlags),
        // 3c. Figures and image metrics: labelled grids, bar charts, PSNR/SSIM, tables.
        .target(name: "Figures", dependencies: ["Formats", "Numerics"], swiftSettings: cpuFlags),
        // 2c. The backend targets built into this binary, registered in TensorCore's BackendRegistry.
        .target(name: "InstalledBackends", dependencies: ["TensorCore"] + backendTargets, swiftSettings: cpuFlags),
        // 4. FluxTransformer, LoRA basis, CLIP vision encoder.
        .target(name: "Models", dependencies: ["TensorCore", "Formats", "Numerics"], swiftSettings: cpuFlags),
        // 5. The analogy pipeline: grid, query, coefficients, scheduler, sampling loop.
        .target(name: "Pipeline", dependencies: ["Models", "Tokenizers", "Formats", "TensorCore", "Numerics", "InstalledBackends"],
                resources: [.copy("Resources/mini")], swiftSettings: cpuFlags),
        // 6. The recipe language: lexer, parser, checker, evaluator, steps, cache, provenance.
        .target(name: "RecipeEngine", dependencies: ["Pipeline", "Figures", "Formats", "Analogies", "TensorCore", "Numerics"],
                swiftSettings: cpuFlags),
        // 7. The command line and the REPL front end.
        .executableTarget(name: "lorweb", dependencies: [
            "RecipeEngine", "Pipeline", "Formats", "Analogies", "TensorCore", "CReadline",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: cpuFlags),
        // Benchmarks (make bench): exact kernels against OpenBLAS in the same process.
        .executableTarget(name: "lorweb-bench", dependencies: ["TensorCore", "COpenBLAS", "Formats", "Models", "Pipeline"], swiftSettings: cpuFlags),

        .testTarget(name: "NumericsTests", dependencies: ["Numerics"], swiftSettings: cpuFlags),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "Numerics", "CKernels"], swiftSettings: cpuFlags),
        .testTarget(name: "FormatsTests", dependencies: ["Formats", "TensorCore", "Numerics"], exclude: ["Fixtures"],
                    swiftSettings: cpuFlags),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers", "Formats"], exclude: ["Fixtures"],
                    swiftSettings: cpuFlags),
        .testTarget(name: "AnalogiesTests", dependencies: ["Analogies", "Formats"], swiftSettings: cpuFlags),
        .testTarget(name: "FiguresTests", dependencies: ["Figures", "Formats"], swiftSettings: cpuFlags),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "Formats", "TensorCore", "Numerics"],
                    exclude: ["Fixtures"], swiftSettings: cpuFlags),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Models", "Formats", "TensorCore", "Numerics"],
                    exclude: ["Fixtures"], swiftSettings: cpuFlags),
        .testTarget(name: "RecipeEngineTests", dependencies: ["RecipeEngine", "Pipeline", "Formats", "Numerics", "TensorCore"], exclude: ["Recipes"],
                    swiftSettings: cpuFlags),
    ] + vulkanTargets + fuzzTargets
)
