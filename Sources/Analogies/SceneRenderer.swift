// Draws a Scene into an RGBImage. Anti-aliasing by 4×4 supersampling: each pixel counts how many of its
// 16 sample points lie inside a shape (a signed-distance test in f32 using only +, -, ×, ÷, sqrt, min,
// max and compares), then blends with integer arithmetic. Identical bytes on every machine.

import Formats

public enum SceneRenderer {
    /// Sample points per pixel side; coverage counts run 0...samplesPerSide².
    public static let samplesPerSide = 4
    public static let fullCoverage = samplesPerSide * samplesPerSide

    public static func render(_ scene: Scene, size: Int) -> RGBImage {
        var image = RGBImage(width: size, height: size, fill: scene.background.rgb)
        for object in scene.objects {
            let coverage = self.coverage(of: object, size: size)
            let (r, g, b) = object.color.rgb
            for i in 0..<(size * size) where coverage[i] > 0 {
                let c = Int(coverage[i])
                image.pixels[3 * i] = blend(r, over: image.pixels[3 * i], coverage: c)
                image.pixels[3 * i + 1] = blend(g, over: image.pixels[3 * i + 1], coverage: c)
                image.pixels[3 * i + 2] = blend(b, over: image.pixels[3 * i + 2], coverage: c)
            }
        }
        return image
    }

    /// (fg·c + bg·(16−c) + 8) / 16, rounded half up: exact integers.
    @inline(__always)
    static func blend(_ foreground: UInt8, over background: UInt8, coverage c: Int) -> UInt8 {
        UInt8((Int(foreground) * c + Int(background) * (fullCoverage - c) + fullCoverage / 2) / fullCoverage)
    }

    /// For each pixel (row-major), how many of its 16 sample points the object covers (0...16).
    public static func coverage(of object: SceneObject, size: Int) -> [UInt8] {
        var counts = [UInt8](repeating: 0, count: size * size)
        let polygon = object.localPolygon()
        let reach = Int(object.extent.rounded(.up)) + 1
        let x0 = max(0, object.centerX - reach), x1 = min(size - 1, object.centerX + reach)
        let y0 = max(0, object.centerY - reach), y1 = min(size - 1, object.centerY + reach)
        guard x0 <= x1, y0 <= y1 else { return counts }
        let n = samplesPerSide
        let step = 1 / Float(n)  // a power of two: sample offsets (2i+1)/(2n) are exact
        for y in y0...y1 {
            for x in x0...x1 {
                var count = 0
                for sy in 0..<n {
                    // Relative to the integer centre: exact, so whole-pixel moves shift coverage exactly.
                    let qy = Float(y - object.centerY) + (Float(sy) + 0.5) * step
                    for sx in 0..<n {
                        let qx = Float(x - object.centerX) + (Float(sx) + 0.5) * step
                        if isInside(Point(qx, qy), object: object, polygon: polygon) { count += 1 }
                    }
                }
                counts[y * size + x] = UInt8(count)
            }
        }
        return counts
    }

    @inline(__always)
    static func isInside(_ q: Point, object: SceneObject, polygon: [Point]?) -> Bool {
        let d = signedDistance(q, object: object, polygon: polygon)
        switch object.style {
        case .filled: return d <= 0
        case .outline(let width): return d <= 0 && d > -width
        }
    }

    /// Negative inside, positive outside, in pixels.
    static func signedDistance(_ q: Point, object: SceneObject, polygon: [Point]?) -> Float {
        let r = object.radius
        switch object.kind {
        case .circle:
            return (q.x * q.x + q.y * q.y).squareRoot() - r
        case .ring:
            // An annulus between 0.55 r and r.
            let d = (q.x * q.x + q.y * q.y).squareRoot()
            return max(d - r, 0.55 * r - d)
        default:
            return polygonSignedDistance(q, polygon!)
        }
    }

    /// Distance to the nearest edge, negative when an even-odd crossing test says the point is inside.
    static func polygonSignedDistance(_ p: Point, _ vertices: [Point]) -> Float {
        var nearestSquared = Float.infinity
        var inside = false
        var j = vertices.count - 1
        for i in 0..<vertices.count {
            let a = vertices[j], b = vertices[i]
            let ex = b.x - a.x, ey = b.y - a.y
            let wx = p.x - a.x, wy = p.y - a.y
            // Closest point on segment a→b: parameter t clamped to [0, 1].
            let t = min(max((wx * ex + wy * ey) / (ex * ex + ey * ey), 0), 1)
            let dx = wx - ex * t, dy = wy - ey * t
            nearestSquared = min(nearestSquared, dx * dx + dy * dy)
            // Half-open rule on y, so a ray through a vertex counts once.
            if (a.y <= p.y) != (b.y <= p.y) {
                // Crossing x of the edge at height p.y, compared without division: sign-safe form.
                let lhs = (p.x - a.x) * ey
                let rhs = ex * (p.y - a.y)
                if ey > 0 ? lhs < rhs : lhs > rhs { inside.toggle() }
            }
            j = i
        }
        let distance = nearestSquared.squareRoot()
        return inside ? -distance : distance
    }
}
