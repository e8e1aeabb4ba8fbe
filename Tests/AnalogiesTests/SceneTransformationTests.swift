import XCTest
import Analogies
import Formats

final class SceneTransformationTests: XCTestCase {
    let size = 64
    let star = SceneObject(kind: .star, color: .red, centerX: 30, centerY: 34, radius: 12)
    var scene: Scene { Scene(background: .white, objects: [star]) }

    private func render(_ scene: Scene) -> RGBImage { SceneRenderer.render(scene, size: size) }
    private func covered(_ object: SceneObject) -> [UInt8] { SceneRenderer.coverage(of: object, size: size) }
    private func area(_ coverage: [UInt8]) -> Int { coverage.reduce(0) { $0 + Int($1) } }

    func testAxisAlignedSquareCoversWholePixelsExactly() {
        // Half side 0.8 × 10 = 8 px around an integer centre: 16 × 16 fully covered pixels, no partial ones.
        let square = SceneObject(kind: .square, color: .blue, centerX: 20, centerY: 25, radius: 10)
        let coverage = covered(square)
        XCTAssertEqual(coverage.filter { $0 == 16 }.count, 256)
        XCTAssertEqual(coverage.filter { $0 != 0 && $0 != 16 }.count, 0)
        XCTAssertEqual(coverage[25 * size + 12], 16)
        XCTAssertEqual(coverage[25 * size + 11], 0)
    }

    func testCircleAreaIsCloseToPiRSquared() {
        let circle = SceneObject(kind: .circle, color: .blue, centerX: 32, centerY: 32, radius: 12)
        let pixels = Double(area(covered(circle))) / 16
        XCTAssertEqual(pixels, Double.pi * 144, accuracy: 3)
    }

    func testRecolourChangesOnlyTheShapesPixels() {
        let t = Transformation([.recolour(.blue)])
        let before = render(scene), after = t.apply(to: scene, size: size)
        let coverage = covered(star)
        var changed = 0
        for i in 0..<(size * size) {
            let differs = before.pixels[3 * i..<3 * i + 3] != after.pixels[3 * i..<3 * i + 3]
            if differs { changed += 1; XCTAssertGreaterThan(coverage[i], 0, "pixel \(i) changed outside the shape") }
            if coverage[i] == 16 { XCTAssertEqual(Array(after.pixels[3 * i..<3 * i + 3]), [40, 90, 220]) }
        }
        XCTAssertGreaterThan(changed, 100)
    }

    func testRecolourBackgroundKeepsFullyCoveredPixels() {
        let after = Transformation([.recolourBackground(.navy)]).apply(to: scene, size: size)
        let before = render(scene), coverage = covered(star)
        for i in 0..<(size * size) {
            if coverage[i] == 0 { XCTAssertEqual(Array(after.pixels[3 * i..<3 * i + 3]), [20, 30, 70]) }
            if coverage[i] == 16 { XCTAssertEqual(after.pixels[3 * i..<3 * i + 3], before.pixels[3 * i..<3 * i + 3]) }
        }
    }

    func testChangeShapeKeepsPlaceAndColour() {
        let edited = Transformation([.changeShape(.square)]).transformScene(scene)
        XCTAssertEqual(edited.objects.count, 1)
        let o = edited.objects[0]
        XCTAssertEqual(o.kind, .square)
        XCTAssertEqual([o.centerX, o.centerY], [30, 34]); XCTAssertEqual(o.color, .red); XCTAssertEqual(o.radius, 12)
        let after = render(edited), before = render(scene)
        let union = zip(covered(star), covered(o)).map { max($0, $1) }
        for i in 0..<(size * size) where union[i] == 0 {
            XCTAssertEqual(after.pixels[3 * i..<3 * i + 3], before.pixels[3 * i..<3 * i + 3])
        }
        XCTAssertNotEqual(after, before)
    }

    func testMoveShiftsEveryPixelExactly() {
        let after = Transformation([.move(.right, pixels: 16)]).apply(to: scene, size: size)
        let before = render(scene)
        for y in 0..<size { for x in 0..<(size - 16) { XCTAssertTrue(after.pixel(x + 16, y) == before.pixel(x, y)) } }
        let up = Transformation([.move(.up, pixels: 5)]).apply(to: scene, size: size)
        for y in 5..<size { for x in 0..<size { XCTAssertTrue(up.pixel(x, y - 5) == before.pixel(x, y)) } }
    }

    func testScaleMultipliesAreaAndKeepsCentre() {
        let circle = SceneObject(kind: .circle, color: .green, centerX: 32, centerY: 32, radius: 8)
        let scaled = Transformation([.scale(numerator: 3, denominator: 2)]).transformScene(Scene(background: .white, objects: [circle]))
        XCTAssertEqual(scaled.objects[0].radius, 12)
        let ratio = Double(area(covered(scaled.objects[0]))) / Double(area(covered(circle)))
        XCTAssertEqual(ratio, 2.25, accuracy: 0.05)
        XCTAssertEqual(scaled.objects[0].centerX, 32)
    }

    func testSmallRotationTurnsTheShapeAboutItsCentre() {
        let square = SceneObject(kind: .square, color: .green, centerX: 32, centerY: 32, radius: 10)
        let turned = Transformation([.rotate(degrees: 45)]).transformScene(Scene(background: .white, objects: [square])).objects[0]
        XCTAssertEqual(turned.rotation, 45)
        let a = covered(square), b = covered(turned)
        XCTAssertEqual(Double(area(b)) / Double(area(a)), 1, accuracy: 0.02)  // area is preserved
        // A square turned 45 degrees reaches farther along the axes (its corner) but not at the diagonal.
        XCTAssertEqual(b[32 * size + 32 + 9], 16)
        XCTAssertEqual(a[32 * size + 32 + 9], 0)
        XCTAssertEqual(b[(32 - 8) * size + 32 - 8], 0)
        XCTAssertEqual(a[(32 - 8) * size + 32 - 8], 16)
    }

    func testRotatingTheSceneByNinetyMatchesRotatingThePixels() {
        // Exact 90-degree rotation about a pixel corner maps sample points onto sample points.
        let triangle = SceneObject(kind: .triangle, color: .orange, centerX: 32, centerY: 32, radius: 14)
        let base = Scene(background: .cream, objects: [triangle])
        let viaScene = Transformation([.rotate(degrees: 90)]).apply(to: base, size: size)
        let viaPixels = PixelOperations.rotateQuarterTurns(render(base), 1)
        let differing = (0..<(size * size)).filter { viaScene.pixels[3 * $0..<3 * $0 + 3] != viaPixels.pixels[3 * $0..<3 * $0 + 3] }
        XCTAssertLessThanOrEqual(differing.count, 2, "boundary ties only")
        XCTAssertNotEqual(viaScene, render(base))
    }

    func testOutlineKeepsABandInsideTheShape() {
        let circle = SceneObject(kind: .circle, color: .purple, centerX: 32, centerY: 32, radius: 12)
        let outlined = Transformation([.outline(width: 2)]).transformScene(Scene(background: .white, objects: [circle])).objects[0]
        let filled = covered(circle), band = covered(outlined)
        for i in 0..<(size * size) { XCTAssertLessThanOrEqual(band[i], filled[i]) }
        XCTAssertEqual(band[32 * size + 32], 0)           // centre is empty
        XCTAssertEqual(band[32 * size + 32 + 11], 16)     // 11..12 px from the centre: inside the band
        XCTAssertEqual(Double(area(band)) / 16, Double.pi * (144 - 100), accuracy: 4)
    }

    func testThickenWidensOutlinesOnly() {
        let ring = SceneObject(kind: .hexagon, color: .purple, centerX: 32, centerY: 32, radius: 14, style: .outline(width: 2))
        let t = Transformation([.thicken(factor: 2.5)])
        let thick = t.transformScene(Scene(background: .white, objects: [ring])).objects[0]
        XCTAssertEqual(thick.style, .outline(width: 5))
        let thin = covered(ring), wide = covered(thick)
        for i in 0..<(size * size) { XCTAssertGreaterThanOrEqual(wide[i], thin[i]) }
        XCTAssertGreaterThan(area(wide), 2 * area(thin))
        XCTAssertEqual(t.transformScene(scene), scene, "filled shapes stay as they are")
    }

    func testDuplicatePlacesTwoCopiesSymmetrically() {
        let small = SceneObject(kind: .cross, color: .blue, centerX: 32, centerY: 30, radius: 8)
        let base = Scene(background: .white, objects: [small])
        let edited = Transformation([.duplicate(offset: 12)]).transformScene(base)
        XCTAssertEqual(edited.objects.map(\.centerX), [20, 44])
        XCTAssertEqual(edited.objects.map(\.centerY), [30, 30])
        let before = render(base), after = render(edited)
        func inked(_ image: RGBImage) -> Int { (0..<(size * size)).filter { image.pixels[3 * $0] != 255 || image.pixels[3 * $0 + 2] != 255 }.count }
        XCTAssertEqual(inked(after), 2 * inked(before))
        // Left half: the original moved 12 px left; right half: the original moved 12 px right.
        for y in 0..<size {
            for x in 0..<32 { XCTAssertTrue(after.pixel(x, y) == before.pixel(x + 12, y)) }
            for x in 32..<size { XCTAssertTrue(after.pixel(x, y) == before.pixel(x - 12, y)) }
        }
    }

    func testCompositionAppliesScenePrimitivesThenPixelPrimitives() {
        let t = Transformation([.recolour(.green), .flip(.horizontal)])
        XCTAssertEqual(t.description, "recolour to green, then flip horizontally")
        let expected = PixelOperations.flip(render(Transformation([.recolour(.green)]).transformScene(scene)), .horizontal)
        XCTAssertEqual(t.apply(to: scene, size: size), expected)
    }

    func testTransformationsRenderIdenticallyTwice() {
        let t = Transformation([.changeShape(.heart), .rotate(degrees: 30), .blur(passes: 2), .hueShift(degrees: 240)])
        XCTAssertEqual(t.apply(to: scene, size: size), t.apply(to: scene, size: size))
    }
}
