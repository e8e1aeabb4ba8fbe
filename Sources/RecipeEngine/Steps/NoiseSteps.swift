enum NoiseSteps { static let all: [StepDefinition] = [] }
