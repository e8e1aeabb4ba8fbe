// Recognising a checkpoint from its keys alone (`lorweb inspect`): the patterns are those of the weight tables
// (FluxTransformer+WeightKeys, CLIPVisionEncoder+WeightKeys, LoRWeBBasis), so a renamed key is renamed here too.

public enum CheckpointKeys {
    /// A LoRWeB basis down factor "transformer.<module>.lora_A" (also a PEFT LoRA's A).
    public static func isLoRADown(_ key: String) -> Bool { key.hasSuffix("." + LoRWeBBasis.downSuffix) }
    /// A LoRWeB basis key set "transformer.<module>.lora_keys" (what a plain LoRA lacks).
    public static func isBasisKeys(_ key: String) -> Bool { key.hasSuffix("." + LoRWeBBasis.keysSuffix) }
    /// A kohya-style LoRA factor (lora_down / lora_up), which this project does not load.
    public static func isKohyaLoRA(_ key: String) -> Bool { key.contains("lora_down") || key.contains("lora_up") }

    /// The index of the FLUX double block a key belongs to, wherever the block path stands in the key.
    public static func doubleBlock(_ key: String) -> Int? { index(key, after: FluxWeightKeys.doubleBlockScope) }
    public static func singleBlock(_ key: String) -> Int? { index(key, after: FluxWeightKeys.singleBlockScope) }
    /// The index of the CLIP vision encoder layer a key belongs to.
    public static func clipLayer(_ key: String) -> Int? { index(key, after: CLIPLayerWeight.layersScope) }

    /// FLUX's input embedding weight [D, in_channels] (its shape gives the hidden size and the input channels).
    public static func isFluxInputEmbedding(_ key: String) -> Bool { key.hasSuffix(FluxModelLinear.xEmbedder.rawValue + ".weight") }

    /// The block counts of FLUX.1 (dev, Kontext): 19 double, 38 single.
    public static let fluxOneBlocks = (double: FluxTransformerConfig.kontextDev.numLayers,
                                       single: FluxTransformerConfig.kontextDev.numSingleLayers)

    private static func index(_ key: String, after scope: String) -> Int? {
        guard let range = key.range(of: scope) else { return nil }
        // "transformer_blocks." also occurs inside "single_transformer_blocks.": require a boundary.
        if range.lowerBound != key.startIndex, key[key.index(before: range.lowerBound)] != "." { return nil }
        return Int(key[range.upperBound...].prefix { $0.isNumber })
    }
}
