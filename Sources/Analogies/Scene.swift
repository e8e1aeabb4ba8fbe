// What an analogy image shows: a background colour and a few shapes, described exactly (integers and
// small dyadic floats), so that transformations like "move" or "scale" are edits of a description and
// the renderer draws the result deterministically.

/// How a shape is painted: filled, or only a band of `width` pixels inside its boundary.
public enum ShapeStyle: Sendable, Equatable {
    case filled
    case outline(width: Float)
}

public struct SceneObject: Sendable, Equatable {
    public var kind: ShapeKind
    public var color: NamedColor
    /// Centre in pixel-corner coordinates: pixel (x, y) covers [x, x+1) × [y, y+1). Integers, so moving
    /// a shape by whole pixels moves its pixels exactly.
    public var centerX: Int
    public var centerY: Int
    /// Radius in pixels (the circumscribed circle of the unit outline).
    public var radius: Float
    /// Clockwise rotation in degrees; a multiple of 3 (the unit-circle table's step).
    public var rotation: Int
    public var style: ShapeStyle

    public init(kind: ShapeKind, color: NamedColor, centerX: Int, centerY: Int, radius: Float,
                rotation: Int = 0, style: ShapeStyle = .filled) {
        self.kind = kind
        self.color = color
        self.centerX = centerX
        self.centerY = centerY
        self.radius = radius
        self.rotation = rotation
        self.style = style
    }

    /// Half the side of the smallest centred square that holds the shape, in pixels.
    public var extent: Float {
        guard let polygon = localPolygon() else { return radius }
        var extent: Float = 0
        for v in polygon { extent = max(extent, max(abs(v.x), abs(v.y))) }
        return extent
    }

    /// True when the whole shape lies inside a size×size canvas with a margin of `margin` pixels.
    public func fits(canvasSize size: Int, margin: Int = 1) -> Bool {
        let e = extent
        let cx = Float(centerX), cy = Float(centerY), lo = Float(margin), hi = Float(size - margin)
        return cx - e >= lo && cy - e >= lo && cx + e <= hi && cy + e <= hi
    }

    /// The outline rotated and scaled to pixels, relative to the centre (nil for circle and ring).
    func localPolygon() -> [Point]? {
        guard let unit = kind.unitPolygon else { return nil }
        let (c, s) = UnitCircle.cosSin(degrees: rotation)
        return unit.map { v in
            // Clockwise on screen because y points down. Two rounded products, then one add/sub: no FMA.
            let rx = v.x * c - v.y * s
            let ry = v.x * s + v.y * c
            return Point(rx * radius, ry * radius)
        }
    }
}

public struct Scene: Sendable, Equatable {
    public var background: NamedColor
    /// Painted in order: later objects cover earlier ones.
    public var objects: [SceneObject]

    public init(background: NamedColor, objects: [SceneObject]) {
        self.background = background
        self.objects = objects
    }

    public func fits(canvasSize size: Int, margin: Int = 1) -> Bool {
        objects.allSatisfy { $0.fits(canvasSize: size, margin: margin) }
    }
}
