// The library of transformations. A Transformation is a list of primitives applied in order; the
// analogy (a, a') and (b, b') share one Transformation with the same parameters. Scene primitives edit
// the scene description before rendering; pixel primitives edit the rendered image afterwards. A list
// always holds its scene primitives before its pixel primitives (the initialiser checks this), so
// "edit, render, filter" is the same as applying the primitives one by one.

import Formats

public enum MoveDirection: String, Sendable, Equatable, CaseIterable {
    case left, right, up, down

    var unit: (dx: Int, dy: Int) {
        switch self {
        case .left: return (-1, 0)
        case .right: return (1, 0)
        case .up: return (0, -1)
        case .down: return (0, 1)
        }
    }
}

public enum Primitive: Sendable, Equatable, CustomStringConvertible {
    // Scene primitives.
    /// Every shape takes this colour.
    case recolour(NamedColor)
    /// Every shape becomes this kind (same colour, place, size, rotation and style).
    case changeShape(ShapeKind)
    /// Radius × numerator / denominator.
    case scale(numerator: Int, denominator: Int)
    /// Every shape moves by `pixels` in a direction.
    case move(MoveDirection, pixels: Int)
    /// Clockwise rotation of each shape about its own centre by a small angle (multiple of 3 degrees).
    case rotate(degrees: Int)
    /// Filled shapes become outlines `width` pixels wide.
    case outline(width: Float)
    /// Outlined shapes get `factor` times wider outlines; filled shapes are unchanged.
    case thicken(factor: Float)
    /// Each shape moves `offset` pixels left and a copy appears `offset` pixels right of where it was.
    case duplicate(offset: Int)
    /// The background takes this colour.
    case recolourBackground(NamedColor)
    // Pixel primitives.
    case hueShift(degrees: Int)
    case invert
    case grayscale
    case flip(FlipAxis)
    case rotateQuarterTurns(Int)
    case blur(passes: Int)

    public var isScenePrimitive: Bool {
        switch self {
        case .recolour, .changeShape, .scale, .move, .rotate, .outline, .thicken, .duplicate, .recolourBackground:
            return true
        case .hueShift, .invert, .grayscale, .flip, .rotateQuarterTurns, .blur:
            return false
        }
    }

    public var description: String {
        switch self {
        case .recolour(let c): return "recolour to \(c.name)"
        case .changeShape(let k): return "change shape to \(k.rawValue)"
        case .scale(let n, let d): return "scale by \(n)/\(d)"
        case .move(let dir, let px): return "move \(dir.rawValue) by \(px) px"
        case .rotate(let deg): return "rotate shapes \(deg) degrees clockwise"
        case .outline(let w): return "outline (\(Self.format(w)) px)"
        case .thicken(let f): return "thicken outline \(Self.format(f))x"
        case .duplicate(let off): return "duplicate side by side (\(off) px apart from centre)"
        case .recolourBackground(let c): return "recolour background to \(c.name)"
        case .hueShift(let deg): return "shift hue by \(deg) degrees"
        case .invert: return "invert colours"
        case .grayscale: return "convert to grayscale"
        case .flip(let axis): return "flip \(axis == .horizontal ? "horizontally" : "vertically")"
        case .rotateQuarterTurns(let q): return "rotate image \(90 * q) degrees clockwise"
        case .blur(let p): return "blur (\(p) pass\(p == 1 ? "" : "es"))"
        }
    }

    /// Shortest decimal for small dyadic parameters like 2, 2.5, 1.5.
    private static func format(_ value: Float) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    func apply(to scene: Scene) -> Scene {
        var out = scene
        switch self {
        case .recolour(let colour):
            for i in out.objects.indices { out.objects[i].color = colour }
        case .changeShape(let kind):
            for i in out.objects.indices { out.objects[i].kind = kind }
        case .scale(let n, let d):
            for i in out.objects.indices { out.objects[i].radius = out.objects[i].radius * Float(n) / Float(d) }
        case .move(let direction, let pixels):
            let (dx, dy) = direction.unit
            for i in out.objects.indices {
                out.objects[i].centerX += dx * pixels
                out.objects[i].centerY += dy * pixels
            }
        case .rotate(let degrees):
            for i in out.objects.indices { out.objects[i].rotation += degrees }
        case .outline(let width):
            for i in out.objects.indices where out.objects[i].style == .filled {
                out.objects[i].style = .outline(width: width)
            }
        case .thicken(let factor):
            for i in out.objects.indices {
                if case .outline(let width) = out.objects[i].style { out.objects[i].style = .outline(width: width * factor) }
            }
        case .duplicate(let offset):
            out.objects = scene.objects.flatMap { object -> [SceneObject] in
                var left = object, right = object
                left.centerX -= offset
                right.centerX += offset
                return [left, right]
            }
        case .recolourBackground(let colour):
            out.background = colour
        case .hueShift, .invert, .grayscale, .flip, .rotateQuarterTurns, .blur:
            break
        }
        return out
    }

    func apply(to image: RGBImage) -> RGBImage {
        switch self {
        case .hueShift(let degrees): return PixelOperations.hueShift(image, degrees: degrees)
        case .invert: return PixelOperations.invert(image)
        case .grayscale: return PixelOperations.grayscale(image)
        case .flip(let axis): return PixelOperations.flip(image, axis)
        case .rotateQuarterTurns(let q): return PixelOperations.rotateQuarterTurns(image, q)
        case .blur(let passes): return PixelOperations.blur(image, passes: passes)
        case .recolour, .changeShape, .scale, .move, .rotate, .outline, .thicken, .duplicate, .recolourBackground:
            return image
        }
    }
}

public struct Transformation: Sendable, Equatable, CustomStringConvertible {
    public let primitives: [Primitive]

    /// `primitives` must list every scene primitive before every pixel primitive.
    public init(_ primitives: [Primitive]) {
        let firstPixel = primitives.firstIndex { !$0.isScenePrimitive } ?? primitives.count
        precondition(primitives[firstPixel...].allSatisfy { !$0.isScenePrimitive },
                     "Transformation: scene primitives must come before pixel primitives")
        self.primitives = primitives
    }

    public var description: String { primitives.map(\.description).joined(separator: ", then ") }

    /// The edited scene (scene primitives only).
    public func transformScene(_ scene: Scene) -> Scene {
        primitives.reduce(scene) { $1.apply(to: $0) }
    }

    /// The rendered image of the edited scene with the pixel primitives applied.
    public func apply(to scene: Scene, size: Int) -> RGBImage {
        let image = SceneRenderer.render(transformScene(scene), size: size)
        return primitives.reduce(image) { $1.apply(to: $0) }
    }
}
