// The embedded default model family `mini`: FLUX-Kontext architecture in pixel space.
//
// Sizes (chosen so one 20-step analogy samples in about a second on 2 cores):
// - cells 32×32 px, grid 64×64 px, patch 4 px → 256 noise + 256 context tokens of 48 channels (3·4·4);
// - transformer: D = 128 (4 heads × 32), 2 double + 4 single blocks, RoPE axes [8, 12, 12], guidance embedding;
// - text: a stored null prompt, 8 tokens × 64 (+ pooled 64) instead of text encoders;
// - image encoder: CLIP vision, 32 px input, 8 px patches (16 + 1 tokens), width 64, 2 layers, 4 heads,
//   projection 32; query mode cat-aa'b (96 dims);
// - LoRA basis: 8 LoRAs of rank 4 on every Linear inside the blocks, keys of 32 dims.
// This file writes the deterministic initialisation (`lorweb mini-init`, registry name "mini-init"); the shipped
// weights were trained from it (Tools/training: base transformer and null prompt; the image encoder pretrained
// contrastively on analogy pairs, label-free then with the seen families' names, standing in for CLIP's
// pretraining; then the basis with both frozen, as in the paper).
import Formats
import Foundation
import Models
import Numerics
import TensorCore

public enum MiniFamily {
    public static let cell = 32
    public static let patch = 4
    public static let textTokens = 8
    public static let basisSize = 8
    public static let basisRank = 4
    public static let keyDim = 32
    public static let queryMode = QueryMode.catAAprimeB

    public static var transformerConfig: FluxTransformerConfig {
        FluxTransformerConfig(patchSize: 1, inChannels: 3 * patch * patch, numLayers: 2, numSingleLayers: 4,
                              attentionHeadDim: 32, numAttentionHeads: 4, jointAttentionDim: 64,
                              pooledProjectionDim: 64, guidanceEmbeds: true, axesDimsRope: [8, 12, 12])
    }

    public static var imageEncoderConfig: CLIPVisionConfig {
        var config = CLIPVisionConfig()
        config.hiddenSize = 64
        config.intermediateSize = 256
        config.projectionDim = 32
        config.numHiddenLayers = 2
        config.numAttentionHeads = 4
        config.imageSize = cell
        config.patchSize = 8
        return config
    }

    public static var bundleConfig: ModelBundleConfig {
        ModelBundleConfig(family: "mini", cell: cell, patch: patch, queryMode: queryMode.rawValue,
                          defaultSteps: 20, defaultGuidance: 2.5)
    }

    /// Writes a complete model folder (ModelBundle layout) with weights drawn from `seed`.
    /// Each tensor draws from its own Philox stream named after its key, so the bytes never depend on order.
    public static func writeInitialWeights(to folder: String, seed: UInt64 = 0) throws {
        let transformer = transformerConfig
        let clip = imageEncoderConfig
        func draw(_ key: String, _ shape: [Int], std: Float) -> Tensor {
            let count = shape.reduce(1, *)
            let normals = CanonicalNoise.normals(seed: seed, stream: StreamID.make(name: key), count: count)
            return Tensor(shape: shape, data: normals.map { $0 * std })
        }
        func initial(_ key: String, _ shape: [Int]) -> Tensor {
            if key.hasSuffix(".bias") { return Tensor(zeros: shape) }
            if shape.count == 1 { return Tensor(shape: shape, data: [Float](repeating: 1, count: shape[0])) }  // norms
            let fanIn = shape.dropFirst().reduce(1, *)
            return draw(key, shape, std: 1 / Float(fanIn).squareRoot())
        }

        var transformerTensors: [(name: String, tensor: Tensor)] = []
        for (key, shape) in FluxWeightKeys.expectedShapes(transformer) {
            transformerTensors.append((key, initial(key, shape)))
        }
        var clipTensors: [(name: String, tensor: Tensor)] = []
        for spec in clip.expectedWeights() {
            let isEmbedding = spec.key.hasSuffix("class_embedding") || spec.key.hasSuffix("position_embedding.weight")
            clipTensors.append((spec.key, isEmbedding ? draw(spec.key, spec.shape, std: 0.02) : initial(spec.key, spec.shape)))
        }
        let queryDim = queryMode.queryDimension(projectionDim: clip.projectionDim)
        var basisTensors: [(name: String, tensor: Tensor)] = []
        for module in FluxWeightKeys.adaptedLinears(transformer) {
            let prefix = "transformer." + module.path
            let n = basisSize, r = basisRank
            basisTensors.append((prefix + ".lora_A", draw(prefix + ".lora_A", [n, module.inFeatures, r],
                                                         std: 1 / Float(module.inFeatures).squareRoot())))
            basisTensors.append((prefix + ".lora_B", draw(prefix + ".lora_B", [n, r, module.outFeatures],
                                                         std: 0.1 / Float(r).squareRoot())))
            basisTensors.append((prefix + ".lora_keys", draw(prefix + ".lora_keys", [n, keyDim], std: 1)))
            basisTensors.append((prefix + ".att_lora_to_q.weight",
                                 draw(prefix + ".att_lora_to_q.weight", [keyDim, queryDim],
                                      std: 1 / Float(queryDim).squareRoot())))
        }
        let prompt: [(name: String, tensor: Tensor)] = [
            ("prompt_embeds", draw("prompt_embeds", [textTokens, transformer.jointAttentionDim], std: 1)),
            ("pooled_prompt_embeds", draw("pooled_prompt_embeds", [transformer.pooledProjectionDim], std: 1)),
        ]

        let layout = ModelBundleLayout(root: folder)
        for sub in [layout.transformerFolder, layout.imageEncoderFolder, layout.schedulerFolder] {
            try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
        }
        let metadata = ["format": "pt", "lorweb_family": "mini", "lorweb_init_seed": String(seed)]
        try SafetensorsWriter.write(transformerTensors, metadata: metadata, to: layout.transformerWeights)
        try SafetensorsWriter.write(clipTensors, metadata: metadata, to: layout.imageEncoderWeights)
        try SafetensorsWriter.write(basisTensors, metadata: metadata, to: layout.basisWeights)
        try SafetensorsWriter.write(prompt, metadata: metadata, to: layout.nullPrompt)
        try writeJSON(transformer, to: layout.transformerConfig)
        try writeJSON(clip, to: layout.imageEncoderConfig)
        try writeJSON(FlowMatchSchedulerConfig.flux, to: layout.schedulerConfig)
        try writeJSON(bundleConfig, to: layout.bundleConfig)
    }

    static func writeJSON<T: Encodable>(_ value: T, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        var data = try encoder.encode(value)
        data.append(0x0A)
        try AtomicWrite.write(Array(data), to: path)
    }
}
