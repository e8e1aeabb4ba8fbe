// Editing a mix: interpolate between two, keep the top k per layer, scale (the arithmetic is Mix's).
import Pipeline

enum MixSteps {
    static let all: [StepDefinition] = [interpolate, topK, scale]

    static let interpolate = StepDefinition(
        "interpolate",
        parameters: [
            StepParameter("from", .mix, doc: "the mix at t = 0"),
            StepParameter("to", .mix, doc: "the mix at t = 1 (same basis)"),
            StepParameter("t", .number, doc: "position; a list gives one mix per value"),
        ],
        result: .mix,
        doc: "Linear interpolation of coefficients, (1 - t) * from + t * to, per layer (f32, no FMA).",
        example: "mixes = interpolate mix1 mix2 0..1 step 0.25") { args, _ in
            .mix(try Mix.interpolate(from: try args.mix("from"), to: try args.mix("to"), t: Float(try args.number("t"))))
        }

    static let topK = StepDefinition(
        "top-k",
        parameters: [
            StepParameter("mix", .mix, doc: "the mix to sparsify"),
            StepParameter("k", .integer, doc: "how many coefficients to keep per layer"),
            StepParameter("renormalize", .bool, positional: false, default: .bool(true),
                          doc: "divide the kept coefficients by their sum so they add up to 1"),
        ],
        result: .mix,
        doc: "Keeps the k largest coefficients of each layer (ties: lower index first) and zeroes the rest.",
        example: "sparse = top-k mix 2") { args, _ in
            .mix(try args.mix("mix").keepingTop(try args.int("k"), renormalize: try args.bool("renormalize")))
        }

    static let scale = StepDefinition(
        "scale",
        parameters: [
            StepParameter("mix", .mix, doc: "the mix"),
            StepParameter("factor", .number, doc: "multiplier for every coefficient (0: no LoRA; 1: unchanged)"),
        ],
        result: .mix,
        doc: "Multiplies every coefficient by a factor: the strength of the blended LoRA.",
        example: "stronger = scale mix 1.5") { args, _ in
            .mix(try args.mix("mix").scaled(by: Float(try args.number("factor"))))
        }
}
