// A model built from component folders (the public way for latent-mode and full-model users): the same
// model and fingerprint as the bundle, any family, and `load model` / image sampling refuse what needs a VAE.
import Formats
import Foundation
import Models
import Pipeline
import TensorCore
import XCTest

final class ModelComponentsTests: XCTestCase {
    func testComponentsOfTheBundleGiveTheSameModel() throws {
        let folder = try ModelRegistry.folder(for: "mini")
        let bundled = try LoadedModel.load("mini")
        let assembled = try LoadedModel(name: "mini", components: ModelComponents(bundle: folder))
        XCTAssertEqual(assembled.sha256, bundled.sha256, "the fingerprint hashes the same files")
        XCTAssertEqual(assembled.config, bundled.config)
        XCTAssertEqual(try XCTUnwrap(assembled.nullPrompt).embeds.data, try XCTUnwrap(bundled.nullPrompt).embeds.data)
    }

    func testAnotherFamilyRunsInLatentModeFromItsOwnFolders() throws {
        let folder = try ModelRegistry.folder(for: "mini")
        let layout = ModelBundleLayout(root: folder)
        let scratch = NSTemporaryDirectory() + "lorweb-components-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        var config = try ModelBundleConfig.load(path: layout.bundleConfig)
        config.family = "flux-kontext"
        let configPath = scratch + "/lorweb_model.json"
        try JSONEncoder().encode(config).write(to: URL(fileURLWithPath: configPath))
        // Components from where they are: the transformer and encoder folders of the bundle, a config elsewhere.
        let components = ModelComponents(config: configPath, transformer: layout.transformerFolder,
                                         imageEncoder: layout.imageEncoderFolder, scheduler: layout.schedulerConfig,
                                         nullPrompt: layout.nullPrompt)
        let model = try LoadedModel(name: "latent", components: components)
        XCTAssertEqual(model.config.family, "flux-kontext")

        let n = 16 * 16, channels = model.transformerConfig.inChannels
        var options = SampleOptions()
        options.steps = 2
        let noise = Tensor(shape: [n, channels], data: [Float](repeating: 0.25, count: n * channels))
        var observed: [Int] = []
        let latents = try AnalogyPipeline.denoise(model, noise: noise, context: Tensor(zeros: [n, channels]),
                                                  rows: 16, cols: 16, adapters: .none, options: options,
                                                  observer: { step, _ in observed.append(step) })
        XCTAssertEqual(latents.shape, [n, channels])
        // The observer sees every block of every step, in order.
        let blocks = model.transformerConfig.numLayers + model.transformerConfig.numSingleLayers
        XCTAssertEqual(observed, [Int](repeating: 0, count: blocks) + [Int](repeating: 1, count: blocks))
        XCTAssertTrue(latents.data.allSatisfy(\.isFinite))

        let image = RGBImage(width: model.config.cell, height: model.config.cell)
        let query = try AnalogyPipeline.encodePair(model, a: image, aPrime: image, b: image)
        XCTAssertThrowsError(try AnalogyPipeline.sample(model, query: query, mix: nil, options: options)) { error in
            XCTAssertTrue("\(error)".contains("latent mode only"), "\(error)")
        }
        // As a bundle folder (links to the mini's parts), `load model` refuses the family up front.
        for (name, target) in [("transformer", layout.transformerFolder), ("image_encoder", layout.imageEncoderFolder),
                               ("scheduler", layout.schedulerFolder)] {
            try FileManager.default.createSymbolicLink(atPath: scratch + "/" + name, withDestinationPath: target)
        }
        try FileManager.default.createSymbolicLink(atPath: scratch + "/null_prompt.safetensors", withDestinationPath: layout.nullPrompt)
        XCTAssertThrowsError(try LoadedModel.load(scratch)) { error in
            XCTAssertTrue("\(error)".contains("model family 'flux-kontext' in a lorweb_model.json folder runs in latent mode only"), "\(error)")
        }
    }
}
