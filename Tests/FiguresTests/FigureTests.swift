import XCTest
import Figures
import Formats

private let white: (UInt8, UInt8, UInt8) = (255, 255, 255)

private func inkCount(_ image: RGBImage, x: Range<Int>, y: Range<Int>) -> Int {
    var count = 0
    for py in y { for px in x where !(image.pixel(px, py) == white) { count += 1 } }
    return count
}

final class BitmapFontTests: XCTestCase {
    func testEveryPrintableCharacterHasADistinctGlyph() {
        var seen = Set<[UInt8]>()
        for ascii in 32...126 {
            let glyph = BitmapFont.glyph(Character(UnicodeScalar(UInt8(ascii))))
            XCTAssertEqual(glyph.count, 7)
            XCTAssertTrue(glyph.allSatisfy { $0 < 32 }, "only 5 columns")
            XCTAssertTrue(seen.insert(glyph).inserted, "glyph of \(ascii) repeats another")
            XCTAssertEqual(glyph.allSatisfy { $0 == 0 }, ascii == 32, "only space is blank")
        }
        XCTAssertEqual(BitmapFont.glyph("é"), BitmapFont.glyph("?"))
    }

    func testDrawnLetterMatchesItsGlyph() {
        var image = RGBImage(width: 10, height: 9, fill: white)
        BitmapFont.draw("L", into: &image, x: 2, y: 1)
        // L: the left column and the bottom row.
        for row in 0..<7 { XCTAssertTrue(image.pixel(2, 1 + row) == (0, 0, 0)) }
        for column in 0..<5 { XCTAssertTrue(image.pixel(2 + column, 7) == (0, 0, 0)) }
        XCTAssertTrue(image.pixel(3, 1) == white)
        XCTAssertEqual(inkCount(image, x: 0..<10, y: 0..<9), 11)
        var big = RGBImage(width: 20, height: 20, fill: white)
        BitmapFont.draw("L", into: &big, x: 0, y: 0, scale: 2)
        XCTAssertEqual(inkCount(big, x: 0..<20, y: 0..<20), 44)
    }

    func testWidthAndTruncation() {
        XCTAssertEqual(BitmapFont.width(of: "abc"), 17)
        XCTAssertEqual(BitmapFont.width(of: "abc", scale: 2), 34)
        XCTAssertEqual(BitmapFont.width(of: ""), 0)
        XCTAssertEqual(BitmapFont.truncate("abcdef", toWidth: 17), "abc")
    }
}

final class GridTests: XCTestCase {
    let red = RGBImage(width: 8, height: 6, fill: (255, 0, 0))
    let blue = RGBImage(width: 8, height: 6, fill: (0, 0, 255))

    func testUnlabelledGridPlacesCellsWithPadding() {
        let grid = Figure.grid(rows: [[red, blue], [blue, red]], padding: 2)
        XCTAssertEqual([grid.width, grid.height], [2 + 2 * (8 + 2), 2 + 2 * (6 + 2)])
        XCTAssertTrue(grid.pixel(2, 2) == (255, 0, 0))
        XCTAssertTrue(grid.pixel(2 + 10, 2) == (0, 0, 255))
        XCTAssertTrue(grid.pixel(2 + 10 + 7, 2 + 8 + 5) == (255, 0, 0))
        XCTAssertTrue(grid.pixel(1, 1) == white)
        XCTAssertTrue(grid.pixel(10, 2) == white, "gap between columns")
    }

    func testLabelsAndTitleAreDrawnWhereTheyBelong() {
        let grid = Figure.grid(rows: [[red, blue]], rowLabels: ["seed 1"], columnLabels: ["a", "b"],
                               title: "Sweep", cellSize: 16, padding: 4)
        let labelWidth = BitmapFont.width(of: "seed 1")
        // padding + title (7 + 4 + 1) + column labels (7 + 4) + one row of 16 + padding.
        XCTAssertEqual(grid.height, 4 + 12 + 11 + 16 + 4)
        XCTAssertEqual(grid.width, 4 + labelWidth + 4 + 2 * (16 + 4))
        let cellsLeft = 4 + labelWidth + 4
        XCTAssertGreaterThan(inkCount(grid, x: 0..<grid.width, y: 4..<11), 0, "title")
        XCTAssertGreaterThan(inkCount(grid, x: cellsLeft..<(cellsLeft + 16), y: 16..<23), 0, "first column label")
        XCTAssertGreaterThan(inkCount(grid, x: 4..<(4 + labelWidth), y: 27..<43), 0, "row label")
        XCTAssertEqual(inkCount(grid, x: 0..<4, y: 0..<grid.height), 0, "left margin stays blank")
        // Cells are resized to 16×16 (nearest: a flat colour stays flat).
        XCTAssertTrue(grid.pixel(cellsLeft, 27) == (255, 0, 0))
        XCTAssertTrue(grid.pixel(cellsLeft + 15, 27 + 15) == (255, 0, 0))
        XCTAssertTrue(grid.pixel(cellsLeft + 20, 27) == (0, 0, 255))
    }

    func testCellResizeMethods() {
        var checker = RGBImage(width: 2, height: 2, fill: white)
        checker.setPixel(0, 0, (0, 0, 0))
        let nearest = CellResize.nearest.resize(checker, width: 4, height: 4)
        XCTAssertTrue(nearest.pixel(1, 1) == (0, 0, 0))
        XCTAssertTrue(nearest.pixel(2, 1) == white)
        let bicubic = CellResize.bicubic.resize(checker, width: 4, height: 4)
        XCTAssertEqual(bicubic, ImageResize.resize(checker, width: 4, height: 4, filter: .bicubic))
        XCTAssertEqual(CellResize.lanczos.resize(checker, width: 2, height: 2), checker)
    }

    func testUnevenRowsAndUnscaledCentredCells() {
        let small = RGBImage(width: 4, height: 2, fill: (0, 255, 0))
        let grid = Figure.grid(rows: [[red], [small, blue]], padding: 0)
        XCTAssertEqual([grid.width, grid.height], [16, 12])
        XCTAssertTrue(grid.pixel(2, 6 + 2) == (0, 255, 0), "centred in its 8×6 cell")
        XCTAssertTrue(grid.pixel(1, 6 + 2) == white)
        XCTAssertTrue(grid.pixel(8, 0) == white, "missing cell is blank")
    }
}

final class ChartTests: XCTestCase {
    func testBarHeightsAreProportional() {
        let chart = Figure.barChart(values: [1, 0.5, 0], labels: ["a", "b", "c"], width: 200, height: 120)
        XCTAssertEqual([chart.width, chart.height], [200, 120])
        func barPixels(column: Int) -> Int {
            (0..<chart.height).filter { chart.pixel(column, $0) == FigureColors.bar }.count
        }
        let columns = (0..<chart.width).filter { x in (0..<chart.height).contains { chart.pixel(x, $0) == FigureColors.bar } }
        XCTAssertFalse(columns.isEmpty)
        let first = barPixels(column: columns.first!), second = barPixels(column: columns.last!)
        XCTAssertEqual(Double(second) / Double(first), 0.5, accuracy: 0.02)
        XCTAssertGreaterThan(inkCount(chart, x: 0..<chart.width, y: (chart.height - 11)..<chart.height), 0, "labels")
    }

    func testNegativeValuesHangBelowTheZeroLine() {
        let chart = Figure.barChart(values: [0.5, -0.5], width: 100, height: 80)
        let negative = (0..<chart.width).flatMap { x in (0..<chart.height).filter { chart.pixel(x, $0) == FigureColors.negativeBar } }
        let positive = (0..<chart.width).flatMap { x in (0..<chart.height).filter { chart.pixel(x, $0) == FigureColors.bar } }
        XCTAssertGreaterThan(negative.min()!, positive.max()!)
        XCTAssertEqual(Figure.barChart(values: [.nan, 1], width: 100, height: 80),
                       Figure.barChart(values: [0, 1], width: 100, height: 80))
    }

    func testHeatmapColoursRunFromWhiteToBlue() {
        let map = Figure.heatmap(values: [[0, 1], [0.5, 1]], cellSize: 5)
        let colours = Set((0..<map.height).flatMap { y in (0..<map.width).map { x in
            let p = map.pixel(x, y); return [p.0, p.1, p.2] } })
        XCTAssertTrue(colours.contains([20, 60, 160]), "maximum")
        XCTAssertTrue(colours.contains([138, 158, 208]), "midpoint: 255 + (end - 255) / 2, half to even")
    }

    func testValueFormatting() {
        XCTAssertEqual(Figure.formatValue(1), "1.00")
        XCTAssertEqual(Figure.formatValue(-0.25), "-0.25")
        XCTAssertEqual(Figure.formatValue(0.005), "0.00")  // 0.005f is 0.00499999988...
        XCTAssertEqual(Figure.formatValue(0.125), "0.12")  // exact tie: half to even
        XCTAssertEqual(Figure.formatValue(.nan), "nan")
    }
}

final class TableTests: XCTestCase {
    func testCSVQuotesPerRFC4180() {
        let csv = Table.csv(header: ["name", "value"], rows: [["plain", "1.5"], ["a,b", "say \"hi\""], ["two\nlines", ""]])
        XCTAssertEqual(csv, "name,value\r\nplain,1.5\r\n\"a,b\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",\r\n")
    }

    func testMarkdownPadsAndEscapes() {
        let md = Table.markdown(header: ["seed", "psnr"], rows: [["1", "30.5"], ["a|b"]])
        XCTAssertEqual(md, """
        | seed | psnr |
        | ---- | ---- |
        | 1    | 30.5 |
        | a\\|b |      |

        """)
        XCTAssertEqual(Table.markdown(header: ["x"], rows: [["one\ntwo"]]).split(separator: "\n").last, "| one<br>two |")
    }
}
