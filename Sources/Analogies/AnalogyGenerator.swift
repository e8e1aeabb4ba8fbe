// The procedural analogy generator: (seed, index, split or family) → (a, a', b, b'), byte-deterministic.
// Every choice is an integer draw from AnalogyRandom; rendering uses only IEEE f32 arithmetic and
// integer blending (SceneRenderer); pixel transformations are integer arithmetic (PixelOperations).

import Formats

/// One analogy a : a' :: b : b'. (a → a') and (b → b') share `transformation`, parameters included.
public struct AnalogySample: Sendable, Equatable {
    public let a: RGBImage
    public let aPrime: RGBImage
    public let b: RGBImage
    public let bPrime: RGBImage
    /// Human-readable transformation, e.g. "recolour to blue, then flip horizontally".
    public let description: String
    /// The family's name, e.g. "recolour+flip-horizontal".
    public let family: String
    public let split: AnalogySplit
    public let transformation: Transformation
    public let sceneA: Scene
    public let sceneB: Scene
}

public struct AnalogyGenerator: Sendable {
    public typealias Split = AnalogySplit

    /// Smallest and largest image side the generator supports.
    public static let sizeRange = 16...1024

    /// Images are size × size pixels.
    public let size: Int

    public init(size: Int = 64) {
        precondition(AnalogyGenerator.sizeRange.contains(size),
                     "AnalogyGenerator: size \(size) outside \(AnalogyGenerator.sizeRange)")
        self.size = size
    }

    /// Sample `index` of a split. Families are taken in turn (index modulo the split's family count,
    /// in the order of `AnalogyFamily.all`), so any `count` consecutive indices are balanced.
    public func generate(seed: UInt64, index: Int, split: Split) -> AnalogySample {
        let families = AnalogyFamily.families(in: split)
        let family = families[((index % families.count) + families.count) % families.count]
        var rng = AnalogyRandom(seed: seed, index: index, domain: split.rawValue)
        return generate(family: family, rng: &rng)
    }

    /// Sample `index` of one family (its own random stream, independent of the split cycling).
    public func generate(seed: UInt64, index: Int, family: AnalogyFamily) -> AnalogySample {
        var rng = AnalogyRandom(seed: seed, index: index, domain: "family:" + family.name)
        return generate(family: family, rng: &rng)
    }

    private func generate(family: AnalogyFamily, rng: inout AnalogyRandom) -> AnalogySample {
        // Rejection sampling: draw parameters and scenes until every image fits and the analogy is
        // non-trivial. Thousands of draws are available; in practice a few suffice.
        var attempt = 0
        while true {
            attempt += 1
            let primitives = family.components.map { drawPrimitive($0, rng: &rng) }
            let ordered = primitives.filter(\.isScenePrimitive) + primitives.filter { !$0.isScenePrimitive }
            let transformation = Transformation(ordered)
            let constraints = SceneConstraints(family: family, primitives: ordered, size: size)
            let sceneA = drawScene(constraints, differingFrom: nil, rng: &rng)
            let sceneB = drawScene(constraints, differingFrom: sceneA, rng: &rng)
            if let sample = assemble(family, transformation, sceneA, sceneB) { return sample }
            precondition(attempt < 10_000, "AnalogyGenerator: no valid sample for \(family.name) at size \(size)")
        }
    }

    private func assemble(_ family: AnalogyFamily, _ transformation: Transformation,
                          _ sceneA: Scene, _ sceneB: Scene) -> AnalogySample? {
        for scene in [sceneA, sceneB, transformation.transformScene(sceneA), transformation.transformScene(sceneB)] {
            guard scene.fits(canvasSize: size) else { return nil }
        }
        let a = SceneRenderer.render(sceneA, size: size)
        let b = SceneRenderer.render(sceneB, size: size)
        let aPrime = transformation.apply(to: sceneA, size: size)
        let bPrime = transformation.apply(to: sceneB, size: size)
        guard a != aPrime, b != bPrime, a != b else { return nil }
        return AnalogySample(a: a, aPrime: aPrime, b: b, bPrime: bPrime, description: transformation.description,
                             family: family.name, split: family.split, transformation: transformation,
                             sceneA: sceneA, sceneB: sceneB)
    }

    // MARK: Drawing parameters

    private func drawPrimitive(_ kind: PrimitiveKind, rng: inout AnalogyRandom) -> Primitive {
        switch kind {
        case .recolour: return .recolour(rng.pick(NamedColor.shapePalette))
        case .hueShift: return .hueShift(degrees: rng.pick([120, 240]))
        case .grayscale: return .grayscale
        case .flipHorizontal: return .flip(.horizontal)
        case .flipVertical: return .flip(.vertical)
        case .rotateRightAngle: return .rotateQuarterTurns(rng.inRange(1...3))
        case .scale:
            let (n, d) = rng.pick([(1, 2), (2, 3), (3, 2), (2, 1)])
            return .scale(numerator: n, denominator: d)
        case .move: return .move(rng.pick(MoveDirection.allCases), pixels: size / 4)
        case .outline: return .outline(width: outlineWidth)
        case .changeShape: return .changeShape(rng.pick(ShapeKind.allCases))
        case .blur: return .blur(passes: rng.inRange(2...3))
        case .invert: return .invert
        case .rotateSmall: return .rotate(degrees: rng.pick([15, 30, 45]))
        case .thicken: return .thicken(factor: 2.5)
        case .duplicate: return .duplicate(offset: duplicateOffset)
        case .recolourBackground: return .recolourBackground(rng.pick(NamedColor.backgroundPalette))
        }
    }

    /// 2 px at 64 px (never below 1).
    var outlineWidth: Float { Float(max(1, size / 32)) }
    /// 12 px at 64 px: copies of a shape sit 2 × offset apart.
    var duplicateOffset: Int { size * 3 / 16 }

    // MARK: Drawing scenes

    private func drawScene(_ constraints: SceneConstraints, differingFrom other: Scene?,
                           rng: inout AnalogyRandom) -> Scene {
        var kinds = constraints.kinds
        if let other, kinds.count > 1 { kinds.removeAll { $0 == other.objects[0].kind } }
        let kind = rng.pick(kinds)
        let color = rng.pick(constraints.colors)
        let background = rng.pick(constraints.backgrounds)
        let radius = Float(rng.inRange(constraints.radii))
        var object = SceneObject(kind: kind, color: color, centerX: 0, centerY: 0, radius: radius,
                                 rotation: 0, style: constraints.style)
        let margin = Int(object.extent.rounded(.up)) + 1
        let lo = margin, hi = max(margin, size - margin)
        object.centerX = rng.inRange(lo...hi)
        object.centerY = rng.inRange(lo...hi)
        if let other {
            // b must sit elsewhere than a: at least size/8 away in x or y.
            let o = other.objects[0]
            if abs(o.centerX - object.centerX) < size / 8 && abs(o.centerY - object.centerY) < size / 8 {
                object.centerX = o.centerX < size / 2 ? min(hi, o.centerX + size / 4) : max(lo, o.centerX - size / 4)
            }
        }
        return Scene(background: background, objects: [object])
    }
}

/// What a family's drawn primitives demand of the scenes they apply to (so every transformation is
/// visible: no "recolour to red" of a red shape, no rotating a circle, no thickening a filled shape).
struct SceneConstraints {
    var kinds: [ShapeKind] = ShapeKind.allCases
    var colors: [NamedColor] = NamedColor.shapePalette
    var backgrounds: [NamedColor] = NamedColor.backgroundPalette
    var radii: ClosedRange<Int>
    var style: ShapeStyle = .filled

    init(family: AnalogyFamily, primitives: [Primitive], size: Int) {
        let lo = max(3, size * 9 / 64)
        radii = lo...max(lo, size * 14 / 64)
        for primitive in primitives {
            switch primitive {
            case .recolour(let target): colors.removeAll { $0 == target }
            case .changeShape(let target): kinds.removeAll { $0 == target }
            case .rotate: kinds.removeAll(where: \.isRotationInvariant)
            case .thicken: style = .outline(width: Float(max(1, size / 32)))
            case .recolourBackground(let target): backgrounds.removeAll { $0 == target }
            case .duplicate(let offset):
                let small = max(3, size * 6 / 64)
                radii = small...max(small, offset * 3 / 4)
            case .scale(let n, let d) where n > d:
                radii = lo...max(lo, size * 10 / 64)
            default: break
            }
        }
    }
}
