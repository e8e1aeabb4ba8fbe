// `show` text: one informative line per value.
import Formats
import Pipeline
import TensorCore

public enum ValueDescription {
    public static func summary(_ value: Value, previewPath: String? = nil) -> String {
        switch value {
        case .number(let x): return Printer.number(x)
        case .string(let s): return Printer.string(s)
        case .bool(let b): return b ? "true" : "false"
        case .nothing: return "nothing"
        case .pending: return "pending (computed by another shard)"
        case .image(let image):
            var text = "image \(image.width)x\(image.height), pixels sha256:\(SHA256.hex(image.pixels).prefix(12))"
            if let previewPath { text += " (preview: \(previewPath))" }
            return text
        case .tensor(let t): return tensor(t)
        case .model(let m): return "model '\(m.name)' (sha256 \(m.sha256.prefix(12)))"
        case .basis(let b): return "basis '\(b.name)': \(b.size) LoRAs (sha256 \(b.sha256.prefix(12)))"
        case .query(let q):
            return "query: embedding \(shape(q.embedding.shape)); a \(q.a.width)x\(q.a.height), a' \(q.aPrime.width)x\(q.aPrime.height), b \(q.b.width)x\(q.b.height)"
        case .mix(let m): return mix(m)
        case .table(let t): return "table: \(t.rows.count) rows x \(t.columns.count) columns (\(t.columns.joined(separator: ", ")))"
        case .list(let items):
            if let literal = Printer.literal(value, maxLength: 120) { return literal }
            let kinds = Set(items.map(\.kindName))
            let head = items.prefix(3).map { summary($0) }.joined(separator: "; ")
            return "list of \(items.count) \(kinds.count == 1 ? kinds.first! + "s" : "values"): [\(head)\(items.count > 3 ? "; ..." : "")]"
        }
    }

    static func shape(_ s: [Int]) -> String { "[" + s.map(String.init).joined(separator: ", ") + "]" }

    /// Shape, dtype and statistics (mean and std over all elements, in Double).
    static func tensor(_ t: Tensor) -> String {
        guard !t.data.isEmpty else { return "tensor \(shape(t.shape)) f32 (empty)" }
        var lo = Float.infinity, hi = -Float.infinity, sum = 0.0, nan = 0
        for x in t.data {
            if x.isNaN { nan += 1; continue }
            lo = min(lo, x); hi = max(hi, x); sum += Double(x)
        }
        let n = Double(t.data.count - nan)
        let mean = n > 0 ? sum / n : .nan
        var sq = 0.0
        for x in t.data where !x.isNaN { sq += (Double(x) - mean) * (Double(x) - mean) }
        let std = n > 0 ? (sq / n).squareRoot() : .nan
        var text = "tensor \(shape(t.shape)) f32: min \(fmt(Double(lo))), max \(fmt(Double(hi))), mean \(fmt(mean)), std \(fmt(std))"
        if nan > 0 { text += ", \(nan) NaN" }
        return text
    }

    /// The three largest coefficients of the first layers.
    static func mix(_ m: Mix) -> String {
        var lines = ["mix over basis '\(m.basis.name)' (\(m.basis.size) LoRAs), \(m.layers.count) layers; top coefficients:"]
        for (i, layer) in m.layers.enumerated().prefix(6) {
            let top = m.coefficients[i].enumerated().sorted { $0.element > $1.element || ($0.element == $1.element && $0.offset < $1.offset) }.prefix(3)
            lines.append("  \(layer): " + top.map { "#\($0.offset) \(fmt(Double($0.element)))" }.joined(separator: ", "))
        }
        if m.layers.count > 6 { lines.append("  ... \(m.layers.count - 6) more layers") }
        return lines.joined(separator: "\n")
    }

    public static func fmt(_ x: Double) -> String {
        guard x.isFinite else { return "\(x)" }
        if x == x.rounded(), abs(x) < 1e9 { return String(Int64(x)) }
        let scaled = (x * 10000).rounded() / 10000
        return scaled == 0 && x != 0 ? "\(x)" : "\(scaled)"
    }
}
