// Shape outlines in unit coordinates (radius 1, centred at the origin, y pointing down as in images).
// Every vertex comes from the UnitCircle table or from exact literals: no run-time trigonometry.

public enum ShapeKind: String, Sendable, CaseIterable, Codable {
    case circle, square, triangle, star, ring, cross, diamond, hexagon, pentagon, heart

    /// True when rotating the shape about its centre never changes it (rotation families skip these).
    public var isRotationInvariant: Bool { self == .circle || self == .ring }

    /// The polygon outlining the shape, or nil for the round shapes (circle, ring), which have exact formulas.
    var unitPolygon: [Point]? {
        switch self {
        case .circle, .ring: return nil
        case .square:
            return [Point(-0.8, -0.8), Point(0.8, -0.8), Point(0.8, 0.8), Point(-0.8, 0.8)]
        case .triangle: return ShapeKind.regular(sides: 3, radius: 1, firstAngle: -90)
        case .diamond: return ShapeKind.regular(sides: 4, radius: 1, firstAngle: -90)
        case .pentagon: return ShapeKind.regular(sides: 5, radius: 1, firstAngle: -90)
        case .hexagon: return ShapeKind.regular(sides: 6, radius: 1, firstAngle: 0)
        case .star:
            // Ten vertices, alternating tips (radius 1) and notches (radius 0.42), first tip pointing up.
            return (0..<10).map { k in
                let (c, s) = UnitCircle.cosSin(degrees: -90 + 36 * k)
                let radius: Float = k % 2 == 0 ? 1 : 0.42
                return Point(c * radius, s * radius)
            }
        case .cross:
            let w: Float = 0.3, l: Float = 0.95
            return [Point(-w, -l), Point(w, -l), Point(w, -w), Point(l, -w), Point(l, w), Point(w, w),
                    Point(w, l), Point(-w, l), Point(-w, w), Point(-l, w), Point(-l, -w), Point(-w, -w)]
        case .heart:
            // A blocky heart: two shoulders and a point at the bottom.
            return [Point(0, -0.45), Point(0.3, -0.85), Point(0.7, -0.85), Point(0.95, -0.5), Point(0.9, -0.1),
                    Point(0, 0.9), Point(-0.9, -0.1), Point(-0.95, -0.5), Point(-0.7, -0.85), Point(-0.3, -0.85)]
        }
    }

    private static func regular(sides: Int, radius: Float, firstAngle: Int) -> [Point] {
        (0..<sides).map { k in
            let (c, s) = UnitCircle.cosSin(degrees: firstAngle + 360 / sides * k)
            return Point(c * radius, s * radius)
        }
    }
}

/// A point in pixel or unit coordinates (x right, y down).
struct Point: Equatable {
    var x: Float
    var y: Float
    init(_ x: Float, _ y: Float) { self.x = x; self.y = y }
}
