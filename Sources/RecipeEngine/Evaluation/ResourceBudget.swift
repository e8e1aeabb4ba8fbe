// One memory budget per run (`--max-memory`): the values a recipe computes are counted as they are
// made, and a run that would hold more is stopped with an error naming the limit and how to raise
// it. Sizes are logical (what walking, printing or hashing the value costs), so a list that repeats
// one big list by name counts every repetition: sharing saves memory, not the work on it.
import Foundation

public enum ResourceBudget {
    /// The default for --max-memory, in MiB.
    public static let defaultMegabytes = 4096
    public static let defaultBytes = defaultMegabytes << 20

    /// What one number, string, boolean or list slot costs (a `Value` and its share of an array).
    public static let scalarBytes = 32

    /// The logical size of `value` in bytes, or a number above `limit` as soon as it exceeds it
    /// (so measuring a hostile value costs at most the budget, not the value's size).
    public static func bytes(of value: Value, stoppingAbove limit: Int = .max) -> Int {
        var total = 0
        var pending: [Value] = [value]
        while let v = pending.popLast() {
            switch v {
            case .list(let items):
                total &+= scalarBytes
                pending.append(contentsOf: items)
            case .string(let s): total &+= scalarBytes + s.utf8.count
            case .image(let image): total &+= scalarBytes + image.pixels.count
            case .tensor(let t): total &+= scalarBytes + 4 * t.data.count
            case .table(let t): total &+= scalarBytes + t.columns.reduce(0) { $0 + $1.utf8.count }
                + t.rows.reduce(0) { $0 + $1.reduce(0) { $0 + $1.utf8.count + scalarBytes } }
            default: total &+= scalarBytes
            }
            if total > limit || total < 0 { return max(total, limit &+ 1) }
        }
        return total
    }

    static func megabytes(_ bytes: Int) -> String {
        let mib = Double(bytes) / Double(1 << 20)
        return mib >= 10 ? "\(Int(mib.rounded(.up))) MiB" : String(format: "%.1f MiB", mib)
    }

    /// The error text when `what` would take the run past `limit` bytes.
    static func exceeded(_ what: String, limit: Int) -> String {
        "\(what) more than the run's memory budget of \(megabytes(limit)) (raise it with --max-memory MiB)"
    }
}

extension Evaluator {
    /// Counts a step's result against the run's budget (every result stays live until the run ends).
    func charge(_ value: Value, at span: SourceSpan) throws -> Int {
        let limit = options.maxMemory
        let bytes = ResourceBudget.bytes(of: value, stoppingAbove: limit)
        liveBytes = liveBytes > limit - bytes ? limit + 1 : liveBytes + bytes
        if liveBytes > limit {
            throw failure(ResourceBudget.exceeded("the values computed so far hold", limit: limit), at: span)
        }
        return bytes
    }

    /// Refuses a list (literal or through names) larger than the whole budget before anything uses it.
    func checkList(bytes: Int, at span: SourceSpan) throws {
        if bytes > options.maxMemory {
            throw failure(ResourceBudget.exceeded("this list holds", limit: options.maxMemory), at: span)
        }
    }
}
