// VAEConfig and AutoencoderKL loading: FLUX.1's published config (shapes only: 244 keys, 83,819,683 parameters,
// the key list diffusers builds), the scale factor derived from the block count, and bad input (configs,
// folders, weights, images) refused with the file and the problem named.
import Foundation
import Formats
import Models
import TensorCore
import XCTest

final class VAEConfigTests: XCTestCase {
    func testFluxConfigFileIsTheBuiltInFluxConfig() throws {
        let config = try VAEConfig.load(path: VAEFixtures.folder("vae_flux1"))
        XCTAssertEqual(config, VAEConfig.flux1)
        XCTAssertEqual(config.scaleFactor, 8)
        XCTAssertEqual(try VAEConfig.load(path: VAEFixtures.folder("vae_tiny")).scaleFactor, 4)
        XCTAssertEqual(try VAEConfig.load(path: VAEFixtures.folder("vae_tiny_sd")).scaleFactor, 2)
        XCTAssertEqual(try VAEConfig.load(path: VAEFixtures.folder("vae_tiny_sd")).shiftFactor, 0, "null shift_factor")
    }

    /// The expected keys are diffusers' own, in state_dict order, with their shapes.
    func testFluxKeysAndParameterCountFromShapesAlone() throws {
        let text = try String(contentsOfFile: VAEFixtures.folder("vae_flux1") + "/keys.txt", encoding: .utf8)
        let diffusers = text.split(separator: "\n").map { line -> VAEWeightSpec in
            let parts = line.split(separator: " ")
            return VAEWeightSpec(key: String(parts[0]), shape: parts[1].split(separator: ",").map { Int($0)! })
        }
        let expected = VAEConfig.flux1.expectedWeights()
        XCTAssertEqual(expected, diffusers)
        XCTAssertEqual(expected.count, 244)
        XCTAssertEqual(VAEConfig.flux1.parameterCount, 83_819_683)
        let shapes = Dictionary(uniqueKeysWithValues: expected.map { ($0.key, $0.shape) })
        XCTAssertNoThrow(try VAEConfig.flux1.checkWeights(ShapeOnlyWeightSource(shapes)))
        let prefixed = Dictionary(uniqueKeysWithValues: expected.map { ("vae." + $0.key, $0.shape) })
        XCTAssertNoThrow(try VAEConfig.flux1.checkWeights(ShapeOnlyWeightSource(prefixed), prefix: "vae."))
    }

    func testBadConfigsNameTheProblem() throws {
        let base = try String(contentsOfFile: VAEFixtures.folder("vae_tiny") + "/config.json", encoding: .utf8)
        let cases: [(String, String, String)] = [
            ("\"DownEncoderBlock2D\",\n    \"DownEncoderBlock2D\",\n    \"DownEncoderBlock2D\"",
             "\"DownEncoderBlock2D\",\n    \"AttnDownEncoderBlock2D\",\n    \"DownEncoderBlock2D\"",
             "down_block_types holds \"AttnDownEncoderBlock2D\"; only \"DownEncoderBlock2D\" is supported"),
            ("\"UpDecoderBlock2D\",\n    \"UpDecoderBlock2D\",\n    \"UpDecoderBlock2D\"", "\"UpDecoderBlock2D\"",
             "up_block_types has 1 entries, block_out_channels 3"),
            ("\"norm_num_groups\": 4", "\"norm_num_groups\": 3", "norm_num_groups 3 does not divide block width 8"),
            ("\"act_fn\": \"silu\"", "\"act_fn\": \"relu\"", "act_fn \"relu\" is not supported"),
            ("\"latent_channels\": 16", "\"latent_channels\": 0", "latent_channels must be positive, got 0"),
            ("\"scaling_factor\": 0.3611", "\"scaling_factor\": 0", "scaling_factor must be finite and non-zero"),
            ("\"layers_per_block\": 2", "\"layers_per_block\": \"two\"", "\"layers_per_block\""),
            ("{", "[", "not an AutoencoderKL config"),
        ]
        for (find, replace, message) in cases {
            XCTAssertTrue(base.contains(find), find)
            let data = Data(base.replacingOccurrences(of: find, with: replace).utf8)
            XCTAssertThrowsError(try VAEConfig.decode(data, source: "vae/config.json")) { error in
                XCTAssertTrue("\(error)".hasPrefix("vae/config.json: "), "\(error)")
                XCTAssertTrue("\(error)".contains(message), "\(error)")
            }
        }
    }

    func testMissingFolderConfigAndWeightsAreNamed() throws {
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("vae-bad-\(getpid())")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: temp) }
        XCTAssertThrowsError(try AutoencoderKL(folder: temp.path + "/nowhere")) {
            XCTAssertTrue("\($0)".contains("nowhere: the VAE folder does not exist"), "\($0)")
        }
        XCTAssertThrowsError(try AutoencoderKL(folder: temp.path)) {
            XCTAssertTrue("\($0)".contains("config.json: cannot read the VAE config"), "\($0)")
        }
        try FileManager.default.copyItem(atPath: VAEFixtures.folder("vae_tiny") + "/config.json",
                                         toPath: temp.path + "/config.json")
        XCTAssertThrowsError(try AutoencoderKL(folder: temp.path)) {
            XCTAssertTrue("\($0)".contains(temp.path) && "\($0)".contains("no unambiguous weights"), "\($0)")
        }
    }

    /// Missing, unused and misshapen keys: the strict loader names them (with the weights file).
    func testMismatchedWeightsAreListed() throws {
        let folder = VAEFixtures.folder("vae_tiny")
        let config = try VAEConfig.load(path: folder)
        let file = try SafetensorsFile(path: folder + "/diffusion_pytorch_model.safetensors")
        let hidden = "decoder.mid_block.attentions.0.to_k.weight"
        XCTAssertThrowsError(try AutoencoderKL(config: config, weights: EditedWeightSource(file, hiding: [hidden]))) {
            XCTAssertTrue("\($0)".contains("1 missing key(s): \"\(hidden)\""), "\($0)")
        }
        let extra = ["quant_conv.weight": TensorInfo(dtype: .f32, shape: [32, 32, 1, 1], byteCount: 4096)]
        XCTAssertThrowsError(try AutoencoderKL(config: config, weights: EditedWeightSource(file, adding: extra))) {
            XCTAssertTrue("\($0)".contains("1 unused key(s): \"quant_conv.weight\""), "\($0)")
        }
        // The SD-like weights under the tiny config: both lists, naming the file.
        XCTAssertThrowsError(try AutoencoderKL(config: config, weights: SafetensorsFile(
            path: VAEFixtures.folder("vae_tiny_sd") + "/diffusion_pytorch_model.safetensors"))) {
            XCTAssertTrue("\($0)".contains("vae_tiny_sd/diffusion_pytorch_model.safetensors: checkpoint does not fit"), "\($0)")
            XCTAssertTrue("\($0)".contains("missing key(s)") && "\($0)".contains("unused key(s)"), "\($0)")
        }
        let key = "encoder.conv_out.weight"
        var shapes = Dictionary(uniqueKeysWithValues: config.expectedWeights().map { ($0.key, $0.shape) })
        shapes[key] = [32, 24, 1, 1]
        XCTAssertThrowsError(try config.checkWeights(ShapeOnlyWeightSource(shapes))) {
            XCTAssertTrue("\($0)".contains("\"\(key)\" has shape [32, 24, 1, 1], the config needs [32, 24, 3, 3]"), "\($0)")
        }
    }

    func testImagesAndLatentsThatDoNotFitAreRefused() throws {
        let vae = try AutoencoderKL(folder: VAEFixtures.folder("vae_tiny"))
        let backend = CPUBackend(threads: 1)
        XCTAssertThrowsError(try vae.encode(Tensor(zeros: [1, 3, 24, 42]), backend: backend)) {
            XCTAssertEqual("\($0)", "VAE: image size 42×24 (width × height) is not a positive multiple of the scale factor 4")
        }
        XCTAssertThrowsError(try vae.encode(Tensor(zeros: [1, 4, 24, 40]), backend: backend)) {
            XCTAssertEqual("\($0)", "VAE: image [1, 4, 24, 40] is not [B, 3, H, W]")
        }
        XCTAssertThrowsError(try vae.decode(Tensor(zeros: [1, 4, 6, 10]), backend: backend)) {
            XCTAssertEqual("\($0)", "VAE: latents [1, 4, 6, 10] are not [B, 16, h, w]")
        }
        // One unbatched image is accepted as B = 1.
        XCTAssertEqual(try vae.encode(Tensor(zeros: [3, 8, 12]), backend: backend).shape, [1, 16, 2, 3])
    }
}
