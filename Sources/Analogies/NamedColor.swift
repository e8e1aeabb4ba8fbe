// The generator's colours: a small named palette, so descriptions can say "recolour to blue".

public struct NamedColor: Sendable, Equatable, Hashable, CustomStringConvertible {
    public let name: String
    public let red: UInt8
    public let green: UInt8
    public let blue: UInt8

    public init(_ name: String, _ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.name = name
        self.red = red
        self.green = green
        self.blue = blue
    }

    public var rgb: (UInt8, UInt8, UInt8) { (red, green, blue) }
    public var description: String { name }

    public static let red = NamedColor("red", 220, 40, 40)
    public static let orange = NamedColor("orange", 245, 140, 30)
    public static let yellow = NamedColor("yellow", 240, 200, 30)
    public static let green = NamedColor("green", 40, 160, 70)
    public static let cyan = NamedColor("cyan", 30, 180, 200)
    public static let blue = NamedColor("blue", 40, 90, 220)
    public static let purple = NamedColor("purple", 130, 60, 200)
    public static let magenta = NamedColor("magenta", 220, 50, 170)
    public static let brown = NamedColor("brown", 140, 90, 50)

    public static let white = NamedColor("white", 255, 255, 255)
    public static let lightGray = NamedColor("light gray", 215, 215, 215)
    public static let cream = NamedColor("cream", 250, 238, 210)
    public static let charcoal = NamedColor("charcoal", 45, 45, 50)
    public static let navy = NamedColor("navy", 20, 30, 70)

    /// Colours a shape may have (all saturated, so each stands out on every background).
    public static let shapePalette: [NamedColor] = [.red, .orange, .yellow, .green, .cyan, .blue, .purple, .magenta, .brown]
    /// Colours a background may have.
    public static let backgroundPalette: [NamedColor] = [.white, .lightGray, .cream, .charcoal, .navy]

    /// Looks a colour up by name in both palettes.
    public static func named(_ name: String) -> NamedColor? {
        (shapePalette + backgroundPalette).first { $0.name == name }
    }
}
