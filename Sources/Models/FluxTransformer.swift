// FluxTransformer2DModel (FLUX.1 / FLUX.1 Kontext): built from a config and a weight source with
// diffusers parameter names; any size from the 77k-parameter test config to FLUX.1-Kontext-dev.
// port of diffusers transformer_flux.py FluxTransformer2DModel.forward; Docs/FLUX.md §1.3, §1.9.
import Formats
import Numerics
import TensorCore

/// Linear → SiLU → Linear (TimestepEmbedding and PixArtAlphaTextProjection with act SiLU).
struct FluxMLPEmbedder: Sendable {
    let linear1: PackedLinear
    let linear2: PackedLinear

    func callAsFunction(_ x: Tensor, backend: any Backend) -> Tensor {
        backend.linear(backend.silu(backend.linear(x, linear1)), linear2)
    }
}

/// One block's output during a forward pass (FluxTransformer.forward's observer).
public enum FluxBlockOutput: Sendable {
    /// Double block `index`: the image stream [B, S_img, D] and the text stream [B, S_txt, D].
    case double(index: Int, hidden: Tensor, context: Tensor)
    /// Single block `index`: the joint stream [B, S_txt + S_img, D], text first.
    case single(index: Int, joint: Tensor)
}

public struct FluxTransformer: Sendable {
    public let config: FluxTransformerConfig
    /// The 128 sinusoid frequencies used for timestep and guidance (default: `FluxHostTables.timestepFrequencies()`).
    /// Replaceable because near t = 1000 the sinusoid amplifies 1-ulp differences (Docs/FLUX.md §1.3).
    public var timestepFrequencies: [Float]

    let xEmbedder: PackedLinear
    let contextEmbedder: PackedLinear
    let timestepEmbedder: FluxMLPEmbedder
    let guidanceEmbedder: FluxMLPEmbedder?
    let textEmbedder: FluxMLPEmbedder
    /// Resident blocks; empty when streaming.
    let doubleBlocks: [FluxDoubleBlock]
    let singleBlocks: [FluxSingleBlock]
    /// Streaming mode: the blocks are packed from the (memory-mapped) checkpoint when the forward pass reaches
    /// them and dropped after; the loader releases each tensor's pages once packed. Same packing, same bytes.
    /// The ledger books the packing time this adds (`streamingLedger`).
    let streamed: (loader: StrictWeightLoader, ledger: StreamingLedger)?
    let normOut: PackedLinear
    let projOut: PackedLinear

    /// Loads every weight strictly: the source must hold exactly `FluxWeightKeys.expectedShapes(config)`
    /// (f32, f16 or bf16; widened exactly and packed once). Errors name the missing/unused keys or the first
    /// mismatching shape. Which key goes where is read from the tables in FluxTransformer+WeightKeys.swift.
    public init(config: FluxTransformerConfig, weights source: any WeightSource, streaming: Bool = false) throws {
        try config.validate()
        let loader = try StrictWeightLoader(source: source, expected: FluxWeightKeys.expectedShapes(config))
        func lin(_ l: FluxModelLinear) throws -> PackedLinear { try loader.linear(l.spec("", config)) }
        func embedder(_ first: FluxModelLinear, _ second: FluxModelLinear) throws -> FluxMLPEmbedder {
            FluxMLPEmbedder(linear1: try lin(first), linear2: try lin(second))
        }

        self.config = config
        self.timestepFrequencies = FluxHostTables.timestepFrequencies()
        xEmbedder = try lin(.xEmbedder)
        contextEmbedder = try lin(.contextEmbedder)
        timestepEmbedder = try embedder(.timestep1, .timestep2)
        guidanceEmbedder = config.guidanceEmbeds ? try embedder(.guidance1, .guidance2) : nil
        textEmbedder = try embedder(.text1, .text2)
        streamed = streaming ? (loader, StreamingLedger()) : nil
        doubleBlocks = streaming ? [] : try (0..<config.numLayers).map { try Self.doubleBlock($0, config, loader) }
        singleBlocks = streaming ? [] : try (0..<config.numSingleLayers).map { try Self.singleBlock($0, config, loader) }
        normOut = try lin(.normOut)
        projOut = try lin(.projOut)
    }

    private static func doubleBlock(_ i: Int, _ config: FluxTransformerConfig, _ loader: StrictWeightLoader) throws -> FluxDoubleBlock {
        FluxDoubleBlock(w: try FluxBlockWeights(prefix: FluxWeightKeys.doubleBlockPrefix(i), config: config, loader: loader))
    }

    private static func singleBlock(_ j: Int, _ config: FluxTransformerConfig, _ loader: StrictWeightLoader) throws -> FluxSingleBlock {
        FluxSingleBlock(w: try FluxBlockWeights(prefix: FluxWeightKeys.singleBlockPrefix(j), config: config, loader: loader))
    }

    /// Whether the blocks are packed per forward pass instead of kept (see `streamed`).
    public var isStreaming: Bool { streamed != nil }

    /// The seconds spent packing streamed blocks, summed over forward passes; nil when the blocks are resident.
    public var streamingLedger: StreamingLedger? { streamed?.ledger }

    /// Loads `config.json` and the weights from a diffusers `transformer/` folder (single file or sharded index).
    public static func load(folder: String, streaming: Bool = false) throws -> FluxTransformer {
        let config = try FluxTransformerConfig.load(path: folder)
        return try FluxTransformer(config: config, weights: try WeightSources.open(path: folder), streaming: streaming)
    }

    /// What `load(folder:)` checks before it reads a tensor (config, every key and shape), without loading
    /// (see `T5Encoder.checkFolder`).
    public static func checkFolder(_ folder: String) throws -> FluxTransformerConfig {
        let config = try FluxTransformerConfig.load(path: folder)
        try config.validate()
        _ = try StrictWeightLoader(source: try WeightSources.open(path: folder), expected: FluxWeightKeys.expectedShapes(config))
        return config
    }

    /// The conditioning vector temb [B, D] = MLP_t(sin(t·1000)) (+ MLP_g(sin(g·1000))) + MLP_txt(pooled).
    /// `timestep` is sigma in (0, 1] as the pipeline passes it; the ×1000 happens here in f32.
    public func conditioning(timestep: [Float], guidance: [Float]?, pooled: Tensor, backend: any Backend) -> Tensor {
        let t = FluxHostTables.sinusoid(timestep.map { $0 * 1000 }, frequencies: timestepFrequencies)
        var temb = timestepEmbedder(t, backend: backend)
        if let guidanceEmbedder, let guidance {
            let g = FluxHostTables.sinusoid(guidance.map { $0 * 1000 }, frequencies: timestepFrequencies)
            temb = backend.add(temb, guidanceEmbedder(g, backend: backend))
        }
        return backend.add(temb, textEmbedder(pooled, backend: backend))
    }

    /// The RoPE cos/sin tables [S_txt + S_img, head_dim] for these ids (text first), computed on the host.
    public func ropeTables(imgIds: Tensor, txtIds: Tensor, backend: any Backend) -> (cos: Tensor, sin: Tensor) {
        FluxHostTables.rope(ids: backend.concat([txtIds, imgIds], axis: 0), axesDims: config.axesDimsRope)
    }

    /// One forward pass.
    /// - hidden [B, S_img, in_channels] (Kontext: noise tokens, then context tokens), encoderHidden [B, S_txt, J],
    ///   pooled [B, P], timestep [B] (sigma), guidance [B] (required iff the config embeds guidance),
    ///   imgIds [S_img, 3], txtIds [S_txt, 3] (shared across the batch).
    /// - outputTokens: keep only the first n image tokens (Kontext: the noise tokens); nil keeps all.
    /// - rope: the tables `ropeTables(imgIds:txtIds:backend:)` returns for these ids; a sampling loop passes them so
    ///   they are computed once per run instead of once per step (nil: computed here).
    /// - observer: called with every block's output, in order (for bisecting a parity difference); it sees
    ///   the values, it cannot change them.
    /// - Returns [B, outputTokens ?? S_img, p²·out_channels].
    public func forward(hidden: Tensor, encoderHidden: Tensor, pooled: Tensor, timestep: [Float], guidance: [Float]?,
                        imgIds: Tensor, txtIds: Tensor, outputTokens: Int? = nil,
                        adapters: FluxAdapters = .none, rope: (cos: Tensor, sin: Tensor)? = nil,
                        observer: ((FluxBlockOutput) -> Void)? = nil, backend: any Backend) throws -> Tensor {
        try checkInputs(hidden: hidden, encoderHidden: encoderHidden, pooled: pooled, timestep: timestep,
                        guidance: guidance, imgIds: imgIds, txtIds: txtIds, outputTokens: outputTokens)
        let be = backend
        let (batch, sImg, sTxt) = (hidden.shape[0], hidden.shape[1], encoderHidden.shape[1])
        let temb = conditioning(timestep: timestep, guidance: guidance, pooled: pooled, backend: be)
        let rope = rope ?? ropeTables(imgIds: imgIds, txtIds: txtIds, backend: be)
        let ctx = FluxRunContext(backend: be, adapters: adapters, siluTemb: be.silu(temb), ropeCos: rope.cos,
                                 ropeSin: rope.sin, heads: config.numAttentionHeads, headDim: config.attentionHeadDim)

        var h = be.linear(hidden, xEmbedder)
        var c = be.linear(encoderHidden, contextEmbedder)
        for i in 0..<config.numLayers {
            let block = try streamed.map { s in try s.ledger.timed(double: true) { try Self.doubleBlock(i, config, s.loader) } }
                ?? doubleBlocks[i]
            (h, c) = block(hidden: h, context: c, ctx)
            observer?(.double(index: i, hidden: h, context: c))
        }
        if config.numSingleLayers > 0 {
            var z = be.concat([c, h], axis: 1)  // the split/re-concat per block is a no-op: keep z joined
            for j in 0..<config.numSingleLayers {
                let block = try streamed.map { s in try s.ledger.timed(double: false) { try Self.singleBlock(j, config, s.loader) } }
                    ?? singleBlocks[j]
                z = block(z, ctx)
                observer?(.single(index: j, joint: z))
            }
            h = be.slice(z, axis: 1, range: sTxt..<(sTxt + sImg))
        }
        if let n = outputTokens, n < sImg { h = be.slice(h, axis: 1, range: 0..<n) }
        let m = ctx.continuousModulation(be.linear(ctx.siluTemb, normOut))
        let out = ctx.modulate(h, shift: m.shift, scale: m.scale)
        let result = be.linear(out, projOut)
        precondition(result.shape[0] == batch)
        return result
    }

    private func checkInputs(hidden: Tensor, encoderHidden: Tensor, pooled: Tensor, timestep: [Float],
                             guidance: [Float]?, imgIds: Tensor, txtIds: Tensor, outputTokens: Int?) throws {
        guard hidden.rank == 3, hidden.shape[2] == config.inChannels else {
            throw ModelError.input("hidden states \(hidden.shape), expected [B, S_img, \(config.inChannels)]")
        }
        let batch = hidden.shape[0]
        guard encoderHidden.rank == 3, encoderHidden.shape[0] == batch,
              encoderHidden.shape[2] == config.jointAttentionDim else {
            throw ModelError.input("encoder hidden states \(encoderHidden.shape), expected [\(batch), S_txt, \(config.jointAttentionDim)]")
        }
        guard pooled.shape == [batch, config.pooledProjectionDim] else {
            throw ModelError.input("pooled projections \(pooled.shape), expected [\(batch), \(config.pooledProjectionDim)]")
        }
        guard timestep.count == batch else { throw ModelError.input("\(timestep.count) timesteps for batch \(batch)") }
        if config.guidanceEmbeds {
            guard let guidance, guidance.count == batch else {
                throw ModelError.input("this model embeds guidance: pass \(batch) guidance value(s)")
            }
        }
        let axes = config.axesDimsRope.count
        guard imgIds.shape == [hidden.shape[1], axes], txtIds.shape == [encoderHidden.shape[1], axes] else {
            throw ModelError.input("ids img \(imgIds.shape) / txt \(txtIds.shape), expected [\(hidden.shape[1]), \(axes)] / [\(encoderHidden.shape[1]), \(axes)]")
        }
        if let n = outputTokens, n < 0 || n > hidden.shape[1] {
            throw ModelError.input("outputTokens \(n) outside 0...\(hidden.shape[1])")
        }
    }
}
