// Tables as text: GitHub-flavoured Markdown and CSV (RFC 4180).

public enum Table {
    /// A Markdown pipe table. Columns are padded to equal width (in characters) for readability; `|`
    /// in a cell is written `\|` and line breaks become `<br>`. Short rows are padded with empty cells.
    public static func markdown(header: [String], rows: [[String]]) -> String {
        let columns = max(header.count, rows.map(\.count).max() ?? 0)
        guard columns > 0 else { return "" }
        func cells(_ row: [String]) -> [String] {
            (0..<columns).map { $0 < row.count ? escapeMarkdown(row[$0]) : "" }
        }
        let head = cells(header), body = rows.map(cells)
        var widths = (0..<columns).map { max(3, head[$0].count) }
        for row in body { for c in 0..<columns { widths[c] = max(widths[c], row[c].count) } }
        func line(_ row: [String]) -> String {
            "| " + (0..<columns).map { row[$0] + String(repeating: " ", count: widths[$0] - row[$0].count) }
                .joined(separator: " | ") + " |"
        }
        let rule = "| " + widths.map { String(repeating: "-", count: $0) }.joined(separator: " | ") + " |"
        return ([line(head), rule] + body.map(line)).joined(separator: "\n") + "\n"
    }

    /// CSV per RFC 4180: records end with CRLF; a field containing a comma, a double quote, CR or LF
    /// is enclosed in double quotes, with each double quote inside written twice. Other fields are
    /// written as they are. Rows keep their own lengths.
    public static func csv(header: [String], rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(quoteCSV).joined(separator: ",") + "\r\n" }.joined()
    }

    static func quoteCSV(_ field: String) -> String {
        let needsQuotes = field.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
        guard needsQuotes else { return field }
        var quoted = "\""
        for scalar in field.unicodeScalars {
            if scalar == "\"" { quoted += "\"" }
            quoted.unicodeScalars.append(scalar)
        }
        return quoted + "\""
    }

    static func escapeMarkdown(_ cell: String) -> String {
        var out = ""
        var lastWasCR = false
        for scalar in cell.unicodeScalars {
            switch scalar {
            case "|": out += "\\|"; lastWasCR = false
            case "\r": out += "<br>"; lastWasCR = true
            case "\n": if !lastWasCR { out += "<br>" }; lastWasCR = false
            default: out.unicodeScalars.append(scalar); lastWasCR = false
            }
        }
        return out
    }
}
