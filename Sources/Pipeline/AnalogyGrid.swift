// The 2×2 control grid [[a, a'], [b, b]] and its bottom-right crop (Docs/LORWEB.md §3.1, §3.3).
import Formats

public enum AnalogyGrid {
    /// Builds the grid with every cell `cell`×`cell`: cells whose size differs are resized with Pillow's
    /// bicubic filter. (The reference keeps a's size and resizes a', b to it; `mini` fixes the cell size,
    /// so a is resized too when it differs.)
    public static func build(a: RGBImage, aPrime: RGBImage, b: RGBImage, cell: Int) -> RGBImage {
        compose([a, aPrime, b, b].map { fit($0, cell: cell) }, width: cell, height: cell)
    }

    /// The reference grid (LoRWeB inference.py): a keeps its size w×h; a' and b are resized to it with Pillow's
    /// bicubic filter (when they differ); the canvas is 2w×2h with b pasted twice.
    public static func build(a: RGBImage, aPrime: RGBImage, b: RGBImage) -> RGBImage {
        let w = a.width, h = a.height
        let cells = [a, aPrime, b, b].map {
            $0.width == w && $0.height == h ? $0 : ImageResize.resize($0, width: w, height: h, filter: .bicubic)
        }
        return compose(cells, width: w, height: h)
    }

    /// Four w×h cells as [[0, 1], [2, 3]] on a 2w×2h canvas.
    static func compose(_ cells: [RGBImage], width w: Int, height h: Int) -> RGBImage {
        var grid = RGBImage(width: 2 * w, height: 2 * h)
        for (index, image) in cells.enumerated() {
            paste(image, into: &grid, x: (index % 2) * w, y: (index / 2) * h)
        }
        return grid
    }

    /// The crops LoRWeB's get_external_query encodes (Docs/LORWEB.md §2.2), with s = width / 2 on both axes as
    /// the reference does (square cells assumed): a = (0, 0, s, s), a' = (s, 0, W, s), b = (0, s, s, H).
    public static func queryCrops(_ grid: RGBImage) -> [RGBImage] {
        let s = grid.width / 2
        return [crop(grid, x: 0, y: 0, width: s, height: min(s, grid.height)),
                crop(grid, x: s, y: 0, width: grid.width - s, height: min(s, grid.height)),
                crop(grid, x: 0, y: min(s, grid.height), width: s, height: grid.height - min(s, grid.height))]
    }

    /// The image as a `cell`×`cell` cell: unchanged if it already is one, else Pillow-bicubic resized.
    public static func fit(_ image: RGBImage, cell: Int) -> RGBImage {
        image.width == cell && image.height == cell
            ? image : ImageResize.resize(image, width: cell, height: cell, filter: .bicubic)
    }

    /// The bottom-right quadrant: b'.
    public static func bottomRight(_ grid: RGBImage) -> RGBImage {
        crop(grid, x: grid.width / 2, y: grid.height / 2, width: grid.width - grid.width / 2,
             height: grid.height - grid.height / 2)
    }

    public static func crop(_ image: RGBImage, x: Int, y: Int, width: Int, height: Int) -> RGBImage {
        var out = RGBImage(width: width, height: height)
        for row in 0..<height {
            let source = 3 * ((y + row) * image.width + x)
            out.pixels.replaceSubrange(3 * row * width..<3 * (row + 1) * width,
                                       with: image.pixels[source..<source + 3 * width])
        }
        return out
    }

    static func paste(_ image: RGBImage, into canvas: inout RGBImage, x: Int, y: Int) {
        for row in 0..<image.height {
            let target = 3 * ((y + row) * canvas.width + x)
            canvas.pixels.replaceSubrange(target..<target + 3 * image.width,
                                          with: image.pixels[3 * row * image.width..<3 * (row + 1) * image.width])
        }
    }
}
