// The observer hook on block outputs (for bisecting a parity difference block by block): it sees every block
// in order, the values it sees are the real block outputs, and observing changes no byte.
import Formats
import Models
import TensorCore
import XCTest

final class FluxBlockObserverTests: XCTestCase {
    func testObserverSeesEveryBlockOutputAndChangesNothing() throws {
        let io = try FluxFixtures.open("flux_tiny_guidance.io.safetensors")
        let model = try FluxFixtures.model("flux_tiny_guidance", io: io)
        let backend = FluxFixtures.backend
        let plain = try FluxFixtures.forward(model, io: io, prefix: "plain.", outputTokens: nil, backend: backend)

        var seen: [FluxBlockOutput] = []
        let hidden = try io.tensor("plain.hidden_states"), encoder = try io.tensor("plain.encoder_hidden_states")
        let pooled = try io.tensor("plain.pooled_projections")
        let timestep = try io.tensor("plain.timestep").data, guidance = try io.tensor("plain.guidance").data
        let observed = try model.forward(hidden: hidden, encoderHidden: encoder, pooled: pooled, timestep: timestep,
                                         guidance: guidance, imgIds: try io.tensor("plain.img_ids"),
                                         txtIds: try io.tensor("plain.txt_ids"), observer: { seen.append($0) },
                                         backend: backend)
        XCTAssertTrue(observed.isBitIdentical(to: plain), "observing changed the output")

        let (b, sImg, sTxt, d) = (hidden.shape[0], hidden.shape[1], encoder.shape[1], model.config.innerDim)
        XCTAssertEqual(seen.count, model.config.numLayers + model.config.numSingleLayers)
        guard case let .double(index: 0, hidden: h, context: c) = seen.first,
              case let .single(index: 0, joint: z) = seen.last else {
            return XCTFail("expected double block 0, then single block 0: \(seen)")
        }
        XCTAssertEqual([h.shape, c.shape, z.shape], [[b, sImg, d], [b, sTxt, d], [b, sTxt + sImg, d]])

        // The last observed output is what the output layers read: AdaLayerNormContinuous + proj_out on its image
        // tokens, recomputed here from the checkpoint, gives the forward pass's bytes.
        let weights = try FluxFixtures.open("flux_tiny_guidance.weights.safetensors")
        func linear(_ name: String) throws -> PackedLinear {
            PackedLinear(weight: try weights.tensor(name + ".weight"), bias: try weights.tensor(name + ".bias"))
        }
        let temb = model.conditioning(timestep: timestep, guidance: guidance, pooled: pooled, backend: backend)
        let e = backend.linear(backend.silu(temb), try linear("norm_out.linear"))
        let scale = backend.slice(e, axis: 1, range: 0..<d).reshaped([b, 1, d])
        let shift = backend.slice(e, axis: 1, range: d..<(2 * d)).reshaped([b, 1, d])
        let image = backend.slice(z, axis: 1, range: sTxt..<(sTxt + sImg))
        let normed = backend.layerNorm(image, weight: nil, bias: nil, eps: 1e-6)
        let modulated = backend.add(backend.mul(normed, backend.add(scale, scalar: 1)), shift)
        XCTAssertTrue(backend.linear(modulated, try linear("proj_out")).isBitIdentical(to: plain))
    }
}
