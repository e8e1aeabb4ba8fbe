// noise: initial-noise tensors from the canonical generator (Philox, stream from the binding name),
// PyTorch's CPU generator (bit-compatible torch.randn), or a tensor file.
import Formats
import Numerics
import Pipeline
import TensorCore

enum NoiseSteps {
    static let all: [StepDefinition] = [noise]

    static let maxElements = 1 << 26

    static let noise = StepDefinition(
        "noise",
        parameters: [
            StepParameter("shape", .list(.integer), doc: "tensor shape, e.g. [1, 4096, 64]"),
            StepParameter("source", .string, positional: false, default: .string("canonical"),
                          choices: ["canonical", "torch-cpu", "torch-cuda", "file"],
                          doc: "canonical: Philox normals, stream from the binding name and index; torch-cpu / torch-cuda: torch.randn on a CPU / CUDA generator; file: read from path:"),
            StepParameter("kernel", .string, positional: false, default: .string("avx2"), choices: ["avx2", "generic"],
                          doc: "torch-cpu: which PyTorch CPU kernel to match"),
            cudaDtype, cudaThreads,
            StepParameter("path", .string, positional: false, default: .nothing, role: .inputFile,
                          doc: "file: a .safetensors file, relative to the recipe"),
            StepParameter("key", .string, positional: false, default: .string(""), doc: "file: which tensor"),
        ],
        result: .tensor,
        doc: "Standard normal noise of a shape, from the canonical generator, torch-cpu, or a tensor file (shape checked).",
        example: "n = noise [3, 64, 64] seed: [1, 2]",
        usesRandomness: true, cacheable: true) { args, context in
            let shape = try args.list("shape").map { v -> Int in
                guard case .number(let x) = v, x == x.rounded(), x >= 0, x <= Double(maxElements) else {
                    throw StepError.argument("shape", "dimensions must be whole numbers from 0 to \(maxElements)")
                }
                return Int(x)
            }
            var count = 1
            for d in shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: d)
                guard !overflow, product <= maxElements else { throw StepError.argument("shape", "at most \(maxElements) elements") }
                count = product
            }
            switch try args.string("source") {
            case "torch-cpu":
                // One generator per draw, seeded with the step's seed (streams do not apply: PyTorch has none).
                return .tensor(Tensor(shape: shape, data: try TorchNoise.randn(seed: context.seed, count: count,
                                                                               kernel: try args.string("kernel"))))
            case "torch-cuda":
                return .tensor(Tensor(shape: shape, data: try cudaNoise(args, context, count: count)))
            case "file":
                guard case .string(let relative)? = args["path"] else { throw StepError.argument("path", "source: \"file\" needs path:") }
                let file = try SafetensorsFile(path: context.inputPath(relative))
                var key = try args.string("key")
                if key.isEmpty {
                    guard file.keys.count == 1 else { throw StepError.argument("key", "the file holds \(file.keys.count) tensors; name one with key:") }
                    key = file.keys[0]
                }
                guard file.contains(key) else { throw StepError.argument("key", "no tensor '\(key)' in \(relative)") }
                let t = try file.tensor(key)
                guard t.count == count else {
                    throw StepError.argument("shape", "the file's tensor has shape \(t.shape) (\(t.count) values), not \(shape)")
                }
                return .tensor(Tensor(shape: shape, data: t.data))
            default:
                return .tensor(Tensor(shape: shape, data: CanonicalNoise.normals(seed: context.seed, stream: context.stream, count: count)))
            }
        }

    static let cudaDtype = StepParameter("dtype", .string, positional: false, default: .string("bf16"), choices: ["bf16", "f32"],
                                         doc: "torch-cuda: the dtype torch draws in (the official pipeline: bf16)")
    static let cudaThreads = StepParameter("cuda-threads", .integer, positional: false, default: .nothing,
                                           doc: "torch-cuda: the GPU's SMs × max threads per SM, when a draw exceeds what it holds at once (Docs/TORCH_RANDN.md §7)")

    /// torch-cuda noise of `count` elements, one fresh generator seeded with the step's seed.
    static func cudaNoise(_ args: StepArguments, _ context: StepContext, count: Int) throws -> [Float] {
        let threads = args["cuda-threads"] == nil ? nil : try args.int("cuda-threads")
        return try TorchNoise.randnCUDA(seed: context.seed, count: count, dtype: try args.string("dtype"), residentThreads: threads)
    }
}
