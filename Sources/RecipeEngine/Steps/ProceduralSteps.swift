// Procedural analogies: deterministic (a, a', b, b') image quadruples with ground truth.
import Analogies
import Formats

enum ProceduralSteps {
    static let all: [StepDefinition] = [analogy]

    static let analogy = StepDefinition(
        "analogy",
        parameters: [
            StepParameter("index", .integer, doc: "which sample; families are taken in turn"),
            StepParameter("split", .string, positional: false, default: .string("seen"),
                          choices: AnalogySplit.allCases.map(\.rawValue), doc: "seen (training) or unseen (held-out) families"),
            StepParameter("family", .string, positional: false, default: .string(""),
                          doc: "one family by name (e.g. \"recolor\"); empty: cycle through the split"),
            StepParameter("size", .integer, positional: false, default: .number(64), doc: "image side in pixels"),
        ],
        result: .list(.image),
        doc: "A procedural analogy [a, a', b, b'] (b' is the ground truth), from the recipe seed and the index.",
        example: "quad = analogy 0..3 split: \"unseen\"",
        usesRandomness: true) { args, context in
            let index = try args.int("index")
            guard index >= 0 else { throw StepError.argument("index", "must be 0 or more") }
            let size = try args.int("size")
            guard AnalogyGenerator.sizeRange.contains(size) else {
                throw StepError.argument("size", "must be from \(AnalogyGenerator.sizeRange.lowerBound) to \(AnalogyGenerator.sizeRange.upperBound)")
            }
            let generator = AnalogyGenerator(size: size)
            let familyName = try args.string("family")
            let sample: AnalogySample
            if familyName.isEmpty {
                guard let split = AnalogySplit(rawValue: try args.string("split")) else { throw StepError.argument("split", "unknown split") }
                sample = generator.generate(seed: context.seed, index: index, split: split)
            } else {
                guard let family = AnalogyFamily.named(familyName) else {
                    var message = "unknown family '\(familyName)'"
                    if let hit = Suggestions.closest(to: familyName, in: AnalogyFamily.all.map(\.name)) { message += " (did you mean '\(hit)'?)" }
                    throw StepError.argument("family", message)
                }
                sample = generator.generate(seed: context.seed, index: index, family: family)
            }
            return .list([.image(sample.a), .image(sample.aPrime), .image(sample.b), .image(sample.bPrime)])
        }
}
