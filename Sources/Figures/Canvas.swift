// Small drawing helpers shared by the figure builders: rectangles, pasting images, centred text.

import Formats

/// Colours used by every figure (white page, black ink).
public enum FigureColors {
    public static let background: (UInt8, UInt8, UInt8) = (255, 255, 255)
    public static let ink: (UInt8, UInt8, UInt8) = (0, 0, 0)
    public static let bar: (UInt8, UInt8, UInt8) = (60, 110, 200)
    public static let negativeBar: (UInt8, UInt8, UInt8) = (210, 80, 60)
    public static let axis: (UInt8, UInt8, UInt8) = (120, 120, 120)
}

extension RGBImage {
    /// Fills the rectangle [x, x+width) × [y, y+height), clipped to the image.
    mutating func fillRect(x: Int, y: Int, width: Int, height: Int, color: (UInt8, UInt8, UInt8)) {
        let x0 = max(0, x), y0 = max(0, y), x1 = min(self.width, x + width), y1 = min(self.height, y + height)
        guard x0 < x1, y0 < y1 else { return }
        for py in y0..<y1 { for px in x0..<x1 { setPixel(px, py, color) } }
    }

    /// Copies `source` with its top-left corner at (x, y), clipped to this image.
    mutating func paste(_ source: RGBImage, x: Int, y: Int) {
        for sy in 0..<source.height {
            let py = y + sy
            guard py >= 0, py < height else { continue }
            for sx in 0..<source.width {
                let px = x + sx
                guard px >= 0, px < width else { continue }
                setPixel(px, py, source.pixel(sx, sy))
            }
        }
    }

    /// Draws `text` centred horizontally in [x, x+width), top at y, truncated to fit.
    mutating func drawCentredText(_ text: String, x: Int, width: Int, y: Int, scale: Int,
                                  color: (UInt8, UInt8, UInt8) = FigureColors.ink) {
        let fitted = BitmapFont.truncate(text, toWidth: width, scale: scale)
        let left = x + (width - BitmapFont.width(of: fitted, scale: scale)) / 2
        BitmapFont.draw(fitted, into: &self, x: left, y: y, color: color, scale: scale)
    }
}

/// How grid cells of a different size are brought to the cell size.
public enum CellResize: String, Sendable, CaseIterable {
    /// Nearest neighbour: source pixel floor((x + 0.5) · inW / outW), in integers. Keeps pixel art crisp.
    case nearest
    /// Pillow-exact bicubic (Formats.ImageResize).
    case bicubic
    /// Pillow-exact Lanczos (Formats.ImageResize).
    case lanczos

    public func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        if image.width == width && image.height == height { return image }
        switch self {
        case .bicubic: return ImageResize.resize(image, width: width, height: height, filter: .bicubic)
        case .lanczos: return ImageResize.resize(image, width: width, height: height, filter: .lanczos)
        case .nearest:
            var out = RGBImage(width: width, height: height)
            for y in 0..<height {
                let sy = ((2 * y + 1) * image.height) / (2 * height)
                for x in 0..<width {
                    let sx = ((2 * x + 1) * image.width) / (2 * width)
                    out.setPixel(x, y, image.pixel(sx, sy))
                }
            }
            return out
        }
    }
}
