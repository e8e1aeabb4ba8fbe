// Labelled image grids: the figure layout for sweeps (seeds × mixes) and analogy quadruples.

import Formats

public enum Figure {}

extension Figure {
    /// Lays `rows` out as a grid on a white page, with optional labels left of each row, above each
    /// column, and a title on top. Rows may have different lengths (missing cells stay blank).
    ///
    /// Cells are `cellSize` × `cellSize` when given (every image resized with `resize`); otherwise each
    /// cell is as large as the largest image and smaller images are centred, unscaled. Labels are drawn
    /// with the built-in 5×7 font at `textScale` and truncated to the space they have.
    ///
    /// Layout, top to bottom: padding, title band (if any), column-label band (if any), then rows of
    /// cells separated by `padding`; left to right: padding, row-label column (if any), cells.
    public static func grid(rows: [[RGBImage]], rowLabels: [String] = [], columnLabels: [String] = [],
                            title: String? = nil, cellSize: Int? = nil, padding: Int = 4,
                            resize: CellResize = .nearest, textScale: Int = 1) -> RGBImage {
        let padding = max(0, padding), scale = max(1, textScale)
        let columns = max(rows.map(\.count).max() ?? 0, columnLabels.count)
        let rowCount = max(rows.count, rowLabels.count)
        let all = rows.flatMap { $0 }
        let cellWidth = max(1, cellSize ?? all.map(\.width).max() ?? 1)
        let cellHeight = max(1, cellSize ?? all.map(\.height).max() ?? 1)

        let textHeight = BitmapFont.height(scale: scale)
        let titleBand = (title?.isEmpty ?? true) ? 0 : textHeight + padding + scale
        let columnBand = columnLabels.contains { !$0.isEmpty } ? textHeight + padding : 0
        let rowLabelWidth = rowLabels.map { BitmapFont.width(of: $0, scale: scale) }.max() ?? 0
        let rowBand = rowLabelWidth > 0 ? rowLabelWidth + padding : 0

        let width = padding + rowBand + columns * (cellWidth + padding)
        let height = padding + titleBand + columnBand + rowCount * (cellHeight + padding)
        var page = RGBImage(width: max(1, width), height: max(1, height), fill: FigureColors.background)

        if let title, !title.isEmpty {
            page.drawCentredText(title, x: 0, width: width, y: padding, scale: scale)
        }
        let cellsTop = padding + titleBand + columnBand
        let cellsLeft = padding + rowBand
        for (column, label) in columnLabels.enumerated() {
            page.drawCentredText(label, x: cellsLeft + column * (cellWidth + padding), width: cellWidth,
                                 y: padding + titleBand, scale: scale)
        }
        for (row, label) in rowLabels.enumerated() {
            let top = cellsTop + row * (cellHeight + padding) + (cellHeight - textHeight) / 2
            BitmapFont.draw(label, into: &page, x: padding, y: top, color: FigureColors.ink, scale: scale)
        }
        for (row, images) in rows.enumerated() {
            for (column, image) in images.enumerated() {
                let cell = cellSize == nil ? image : resize.resize(image, width: cellWidth, height: cellHeight)
                let x = cellsLeft + column * (cellWidth + padding) + (cellWidth - cell.width) / 2
                let y = cellsTop + row * (cellHeight + padding) + (cellHeight - cell.height) / 2
                page.paste(cell, x: x, y: y)
            }
        }
        return page
    }
}
