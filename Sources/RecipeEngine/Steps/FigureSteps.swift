enum FigureSteps { static let all: [StepDefinition] = [] }
