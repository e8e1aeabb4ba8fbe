// A diffusers FluxKontextPipeline folder (what `save_pretrained` writes and the FLUX.1-Kontext-dev repository
// holds), recognised by its model_index.json:
//
//   model_index.json                       "_class_name": "FluxKontextPipeline", one [library, class] per component
//   transformer/   config.json + diffusion_pytorch_model.safetensors[.index.json]     FluxTransformer2DModel
//   vae/           config.json + diffusion_pytorch_model.safetensors                  AutoencoderKL
//   text_encoder/  config.json + model.safetensors                                    CLIPTextModel
//   text_encoder_2/ config.json + model.safetensors[.index.json]                      T5EncoderModel
//   tokenizer/     vocab.json, merges.txt (+ tokenizer_config.json, special_tokens_map.json)   CLIPTokenizer
//   tokenizer_2/   tokenizer.json (+ tokenizer_config.json, special_tokens_map.json)          T5TokenizerFast
//   scheduler/     scheduler_config.json                                               FlowMatchEulerDiscreteScheduler
//
// LoRWeB's query encoder (CLIP ViT-L/14, CLIPVisionModelWithProjection) is not part of it: it is a folder of
// its own, named when the model is loaded.
import Formats
import Foundation

public struct KontextFolder: Sendable {
    public let root: String
    public init(root: String) { self.root = root }

    /// The pipeline classes whose folders load as the `flux-kontext` family.
    public static let pipelineClasses: Set<String> = ["FluxKontextPipeline"]
    /// Component → the classes accepted for it (model_index.json's second entry).
    static let componentClasses: [(component: String, classes: Set<String>)] = [
        ("transformer", ["FluxTransformer2DModel"]), ("vae", ["AutoencoderKL"]),
        ("text_encoder", ["CLIPTextModel"]), ("text_encoder_2", ["T5EncoderModel"]),
        ("tokenizer", ["CLIPTokenizer", "CLIPTokenizerFast"]), ("tokenizer_2", ["T5TokenizerFast", "T5Tokenizer"]),
        ("scheduler", ["FlowMatchEulerDiscreteScheduler"]),
    ]

    func path(_ components: String...) -> String {
        components.reduce(URL(fileURLWithPath: root)) { $0.appendingPathComponent($1) }.path
    }

    public var modelIndex: String { path("model_index.json") }
    public var transformer: String { path("transformer") }
    public var vae: String { path("vae") }
    public var textEncoder: String { path("text_encoder") }
    public var textEncoder2: String { path("text_encoder_2") }
    public var tokenizer: String { path("tokenizer") }
    public var tokenizer2: String { path("tokenizer_2") }
    public var schedulerConfig: String { path("scheduler", "scheduler_config.json") }

    /// Whether `root` has a model_index.json (it may still be refused by `validate`).
    public static func isPipelineFolder(_ root: String) -> Bool {
        FileManager.default.fileExists(atPath: KontextFolder(root: root).modelIndex)
    }

    /// Reads model_index.json: the pipeline class must be one of `pipelineClasses` and every component this
    /// family needs must be present with an accepted class and an existing folder. All problems at once.
    public func validate() throws {
        let index = try JSONFile.read(modelIndex)
        guard let pipelineClass = index["_class_name"]?.stringValue else {
            throw FormatError(path: modelIndex, "no \"_class_name\": not a diffusers pipeline index")
        }
        guard Self.pipelineClasses.contains(pipelineClass) else {
            throw FormatError(path: modelIndex, "pipeline class '\(pipelineClass)' is not supported "
                + "(this build runs \(Self.pipelineClasses.sorted().joined(separator: ", ")))")
        }
        var problems: [String] = []
        for (component, classes) in Self.componentClasses {
            guard let entry = index[component]?.arrayValue, entry.count == 2, let name = entry[1].stringValue else {
                problems.append("\(component): missing from the index (or not [library, class])")
                continue
            }
            if !classes.contains(name) {
                problems.append("\(component): class '\(name)', expected \(classes.sorted().joined(separator: " or "))")
            }
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: path(component), isDirectory: &isDirectory) || !isDirectory.boolValue {
                problems.append("\(component): the folder \(path(component)) is missing")
            }
        }
        guard problems.isEmpty else {
            throw FormatError(path: modelIndex, problems.joined(separator: "; "))
        }
    }
}
