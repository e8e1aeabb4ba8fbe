// Bar charts (e.g. one mixing coefficient per basis LoRA) and heatmaps (e.g. coefficients per layer ×
// basis LoRA). Geometry uses IEEE f32 divisions and round-half-even only, so pixels are exact.

import Formats

extension Figure {
    /// A bar per value, bars up from a zero line for positive values and down for negative ones
    /// (red), labels under the bars, the top and bottom of the value range written at the left.
    /// Non-finite values draw no bar (their label still shows).
    public static func barChart(values: [Float], labels: [String] = [], title: String? = nil,
                                width: Int = 320, height: Int = 200, textScale: Int = 1) -> RGBImage {
        let scale = max(1, textScale), text = BitmapFont.height(scale: scale), pad = 4 * scale
        var page = RGBImage(width: max(32, width), height: max(32, height), fill: FigureColors.background)
        let finite = values.filter(\.isFinite)
        let top = max(0, finite.max() ?? 0), bottom = min(0, finite.min() ?? 0)
        let topLabel = formatValue(top), bottomLabel = formatValue(bottom)
        let axisWidth = max(BitmapFont.width(of: topLabel, scale: scale), BitmapFont.width(of: bottomLabel, scale: scale))

        let titleBand = (title?.isEmpty ?? true) ? 0 : text + pad
        let plotLeft = pad + axisWidth + pad
        let plotTop = pad + titleBand
        let plotRight = page.width - pad
        let plotBottom = page.height - pad - (labels.isEmpty ? 0 : text + pad)
        if let title, !title.isEmpty { page.drawCentredText(title, x: 0, width: page.width, y: pad, scale: scale) }
        guard plotRight > plotLeft, plotBottom > plotTop else { return page }

        let plotHeight = plotBottom - plotTop
        let range = top - bottom
        // Zero line: the fraction of the range above zero, rounded to a pixel row.
        let zeroY = plotTop + (range > 0 ? pixels(top / range, of: plotHeight) : plotHeight)
        BitmapFont.draw(topLabel, into: &page, x: pad, y: plotTop, color: FigureColors.ink, scale: scale)
        BitmapFont.draw(bottomLabel, into: &page, x: pad, y: plotBottom - text, color: FigureColors.ink, scale: scale)
        page.fillRect(x: plotLeft - 1, y: plotTop, width: 1, height: plotHeight, color: FigureColors.axis)

        let count = max(1, max(values.count, labels.count))
        let slot = (plotRight - plotLeft) / count
        let gap = max(1, slot / 5)
        for index in 0..<count {
            let x = plotLeft + index * slot + gap / 2
            if index < values.count, values[index].isFinite, range > 0 {
                let value = values[index]
                let length = pixels(abs(value) / range, of: plotHeight)
                if value >= 0 {
                    page.fillRect(x: x, y: zeroY - length, width: slot - gap, height: length, color: FigureColors.bar)
                } else {
                    page.fillRect(x: x, y: zeroY, width: slot - gap, height: length, color: FigureColors.negativeBar)
                }
            }
            if index < labels.count {
                page.drawCentredText(labels[index], x: plotLeft + index * slot, width: slot, y: plotBottom + pad, scale: scale)
            }
        }
        page.fillRect(x: plotLeft, y: zeroY, width: plotRight - plotLeft, height: 1, color: FigureColors.axis)
        return page
    }

    /// A grid of coloured squares, white (the smallest value) to dark blue (the largest), with labels
    /// and the value range under the title. Non-finite values are grey.
    public static func heatmap(values: [[Float]], rowLabels: [String] = [], columnLabels: [String] = [],
                               title: String? = nil, cellSize: Int = 12, textScale: Int = 1) -> RGBImage {
        let finite = values.flatMap { $0 }.filter(\.isFinite)
        let low = finite.min() ?? 0, high = finite.max() ?? 0
        let cell = max(1, cellSize)
        let rows: [[RGBImage]] = values.map { row in
            row.map { value in
                RGBImage(width: cell, height: cell, fill: heatColor(value, low: low, high: high))
            }
        }
        let heading = [title, "range \(formatValue(low)) .. \(formatValue(high))"].compactMap { $0 }.joined(separator: ": ")
        return grid(rows: rows, rowLabels: rowLabels, columnLabels: columnLabels, title: heading,
                    cellSize: nil, padding: 1, textScale: textScale)
    }

    /// White at `low`, (20, 60, 160) at `high`, linear in between with round-half-even.
    static func heatColor(_ value: Float, low: Float, high: Float) -> (UInt8, UInt8, UInt8) {
        guard value.isFinite else { return (160, 160, 160) }
        let t: Float = high > low ? min(max((value - low) / (high - low), 0), 1) : 0
        func channel(_ end: Float) -> UInt8 { UInt8((255 + (end - 255) * t).rounded(.toNearestOrEven)) }
        return (channel(20), channel(60), channel(160))
    }

    /// round(fraction × length), half to even, clamped to [0, length].
    static func pixels(_ fraction: Float, of length: Int) -> Int {
        min(max(Int((fraction * Float(length)).rounded(.toNearestOrEven)), 0), length)
    }

    /// A value with two decimals, computed in integers from round-half-even hundredths: "-0.25", "1.00".
    public static func formatValue(_ value: Float) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        guard abs(value) < 1e12 else { return String(value) }  // Swift's shortest round-trip form
        let hundredths = Int((Double(value) * 100).rounded(.toNearestOrEven))
        let magnitude = abs(hundredths)
        let fraction = magnitude % 100
        return (hundredths < 0 ? "-" : "") + "\(magnitude / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }
}
