// Transformation families and the fixed seen/unseen split used for generalisation experiments.

/// Which half of the family list a sample comes from.
public enum AnalogySplit: String, Sendable, CaseIterable, Codable {
    /// Families a model may train on.
    case seen
    /// Held-out families: new primitives, and new compositions of seen primitives.
    case unseen
}

/// One kind of primitive, before its parameters are drawn.
public enum PrimitiveKind: String, Sendable, CaseIterable {
    case recolour, hueShift = "hue-shift", grayscale, flipHorizontal = "flip-horizontal"
    case rotateRightAngle = "rotate-right-angle", scale, move, outline, changeShape = "change-shape", blur
    case invert, flipVertical = "flip-vertical", rotateSmall = "rotate-small", thicken, duplicate
    case recolourBackground = "recolour-background"
}

/// A family is a fixed list of primitive kinds; each sample draws fresh parameters (which colour,
/// which direction, ...) and applies the same drawn transformation to (a → a') and (b → b').
///
/// The split is fixed here and is part of the data set's definition (changing it changes experiments):
///
/// seen (13):
///   recolour, hue-shift, grayscale, flip-horizontal, rotate-right-angle, scale, move, outline,
///   change-shape, blur, and the compositions recolour+flip-horizontal, change-shape+scale, outline+move.
/// unseen (11):
///   new primitives: invert, flip-vertical, rotate-small, thicken, duplicate, recolour-background;
///   unseen compositions of seen primitives: recolour+scale, change-shape+move, grayscale+blur,
///   outline+rotate-right-angle, hue-shift+flip-horizontal.
public struct AnalogyFamily: Sendable, Equatable, CustomStringConvertible {
    public let split: AnalogySplit
    public let components: [PrimitiveKind]

    init(_ split: AnalogySplit, _ components: PrimitiveKind...) {
        self.split = split
        self.components = components
    }

    /// The components' names joined by "+", e.g. "recolour+flip-horizontal".
    public var name: String { components.map(\.rawValue).joined(separator: "+") }
    public var description: String { name }

    /// Every family, seen first, in the order samples cycle through them.
    public static let all: [AnalogyFamily] = [
        AnalogyFamily(.seen, .recolour),
        AnalogyFamily(.seen, .hueShift),
        AnalogyFamily(.seen, .grayscale),
        AnalogyFamily(.seen, .flipHorizontal),
        AnalogyFamily(.seen, .rotateRightAngle),
        AnalogyFamily(.seen, .scale),
        AnalogyFamily(.seen, .move),
        AnalogyFamily(.seen, .outline),
        AnalogyFamily(.seen, .changeShape),
        AnalogyFamily(.seen, .blur),
        AnalogyFamily(.seen, .recolour, .flipHorizontal),
        AnalogyFamily(.seen, .changeShape, .scale),
        AnalogyFamily(.seen, .outline, .move),

        AnalogyFamily(.unseen, .invert),
        AnalogyFamily(.unseen, .flipVertical),
        AnalogyFamily(.unseen, .rotateSmall),
        AnalogyFamily(.unseen, .thicken),
        AnalogyFamily(.unseen, .duplicate),
        AnalogyFamily(.unseen, .recolourBackground),
        AnalogyFamily(.unseen, .recolour, .scale),
        AnalogyFamily(.unseen, .changeShape, .move),
        AnalogyFamily(.unseen, .grayscale, .blur),
        AnalogyFamily(.unseen, .outline, .rotateRightAngle),
        AnalogyFamily(.unseen, .hueShift, .flipHorizontal),
    ]

    public static func families(in split: AnalogySplit) -> [AnalogyFamily] {
        all.filter { $0.split == split }
    }

    public static func named(_ name: String) -> AnalogyFamily? {
        all.first { $0.name == name }
    }
}
