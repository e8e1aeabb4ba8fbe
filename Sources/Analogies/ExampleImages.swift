// The example inputs committed under Recipes/images/ (64×64 PNGs), defined here so they can be
// regenerated and verified: AnalogiesTests/ExampleImagesTests checks the committed files against these
// definitions byte for byte, and rewrites them when LORWEB_REGENERATE_EXAMPLES=1.

import Formats

public enum ExampleImages {
    public static let size = 64

    /// (file name, image). Two analogies:
    /// recolour: red-circle : blue-circle :: red-square : blue-square;
    /// vertical flip: green-triangle : green-triangle-flipped :: orange-star : orange-star-flipped.
    public static var all: [(name: String, image: RGBImage)] {
        let circle = SceneObject(kind: .circle, color: .red, centerX: 32, centerY: 32, radius: 18)
        let square = SceneObject(kind: .square, color: .red, centerX: 32, centerY: 32, radius: 18)
        let triangle = SceneObject(kind: .triangle, color: .green, centerX: 32, centerY: 28, radius: 18)
        let star = SceneObject(kind: .star, color: .orange, centerX: 30, centerY: 28, radius: 18)
        let recolour = Transformation([.recolour(.blue)])
        let flip = Transformation([.flip(.vertical)])
        func scene(_ object: SceneObject) -> Scene { Scene(background: .white, objects: [object]) }
        return [
            ("red-circle.png", SceneRenderer.render(scene(circle), size: size)),
            ("blue-circle.png", recolour.apply(to: scene(circle), size: size)),
            ("red-square.png", SceneRenderer.render(scene(square), size: size)),
            ("blue-square.png", recolour.apply(to: scene(square), size: size)),
            ("green-triangle.png", SceneRenderer.render(scene(triangle), size: size)),
            ("green-triangle-flipped.png", flip.apply(to: scene(triangle), size: size)),
            ("orange-star.png", SceneRenderer.render(scene(star), size: size)),
            ("orange-star-flipped.png", flip.apply(to: scene(star), size: size)),
        ]
    }
}
