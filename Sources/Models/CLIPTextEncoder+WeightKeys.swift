// Weight keys of CLIPTextModel (transformers names), derived from the config alone: what the strict loader
// checks and what CLIPTextEncoder reads. The encoder layers are the vision tower's (CLIPLayerWeight).

import Formats

/// Where the tower's keys live: under "text_model." (checkpoints saved before transformers 5, as the real
/// FLUX text_encoder/ is) or at the top level (transformers 5's save_pretrained).
public struct CLIPTextWeightLayout: Sendable, Equatable {
    public let root: String
    public static let prefixed = CLIPTextWeightLayout(root: "text_model.")
    public static let unprefixed = CLIPTextWeightLayout(root: "")

    /// The buffer some checkpoints carry that the encoder ignores on purpose (0..<P, recomputed).
    static let positionIds = "embeddings.position_ids"

    /// The layout whose token embedding the source holds (prefixed when neither does, so the report names it).
    public init(detectedIn source: any WeightSource) {
        self = source.contains(Self.unprefixed.root + CLIPTextWeight.tokenEmbedding.rawValue + ".weight")
            && !source.contains(Self.prefixed.root + CLIPTextWeight.tokenEmbedding.rawValue + ".weight") ? .unprefixed : .prefixed
    }

    init(root: String) { self.root = root }

    func layerScope(_ layer: Int) -> String { root + "encoder.layers.\(layer)." }
}

/// The modules outside the encoder layers (relative to the layout's root).
enum CLIPTextWeight: String {
    case tokenEmbedding = "embeddings.token_embedding"
    case positionEmbedding = "embeddings.position_embedding"
    case finalLayerNorm = "final_layer_norm"
}

extension CLIPTextConfig {
    /// Every tensor of CLIPTextModel for this config, in transformers' state_dict order (3 + 16·layers + 1 keys).
    public func expectedWeights(layout: CLIPTextWeightLayout = .prefixed) -> [CLIPWeightSpec] {
        let root = layout.root, h = hiddenSize
        var specs = [CLIPWeightSpec(key: root + CLIPTextWeight.tokenEmbedding.rawValue + ".weight", shape: [vocabSize, h]),
                     CLIPWeightSpec(key: root + CLIPTextWeight.positionEmbedding.rawValue + ".weight", shape: [maxPositionEmbeddings, h])]
        for i in 0..<numHiddenLayers {
            for module in CLIPLayerWeight.allCases {
                for tensor in module.kind(hidden: h, intermediate: intermediateSize).tensors {
                    specs.append(CLIPWeightSpec(key: layout.layerScope(i) + module.rawValue + tensor.suffix, shape: tensor.shape))
                }
            }
        }
        specs += ["weight", "bias"].map { CLIPWeightSpec(key: root + CLIPTextWeight.finalLayerNorm.rawValue + ".\($0)", shape: [h]) }
        return specs
    }

    /// Checks `source` against `expectedWeights` from headers alone (no tensor is read), strictly; throws
    /// `ModelError.weights` listing every missing, unexpected and misshapen key.
    public func checkWeights(_ source: any WeightSource, sourceName: String = "weights") throws {
        _ = try loader(source, name: sourceName)
    }

    /// The strict loader for this config's weights in the layout `source` uses (see `checkWeights`).
    func loader(_ source: any WeightSource, name: String?) throws -> (loader: StrictWeightLoader, layout: CLIPTextWeightLayout) {
        let layout = CLIPTextWeightLayout(detectedIn: source)
        let loader = try StrictWeightLoader(source: source, expected: expectedWeights(layout: layout).map { ($0.key, $0.shape) },
                                            name: name, ignorable: [layout.root + CLIPTextWeightLayout.positionIds],
                                            report: TextEncoderFolder.report(model: "CLIP text"))
        return (loader, layout)
    }
}
