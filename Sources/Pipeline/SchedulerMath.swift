// Host-side double-precision helpers for the sigma schedule (Docs/NUMERICS.md "Computed once, on the host").
//
// diffusers builds the FLUX schedule from Python floats (IEEE double) and numpy: linspace in double,
// `math.exp(mu)` in double (Numerics.ExactDoubleMath.exp), then float32 arithmetic. We reproduce each step with IEEE operations only,
// so the table is the same bits on every machine and is handed to every backend as data.

/// Double-precision helpers that mirror the Python/numpy expressions of the scheduler.
public enum SchedulerMath {
    /// `numpy.linspace(start, stop, num)` (endpoint true) in double, element by element as numpy computes it:
    /// `step = (stop - start) / (num - 1)`; `y_i = Double(i) * step + start` (product rounded, then the add:
    /// no FMA); the last element is set to `stop` exactly. `num == 1` gives `[start]`; `num == 0` gives `[]`.
    /// (numpy's special path for a step that underflows to 0 is not needed: it only changes results when
    /// `stop - start` is subnormal-small, which a schedule never is; such inputs fall back to it anyway.)
    public static func linspace(_ start: Double, _ stop: Double, _ num: Int) -> [Double] {
        precondition(num >= 0, "linspace: negative count \(num)")
        if num == 0 { return [] }
        if num == 1 { return [start] }
        let delta = stop - start
        let div = Double(num - 1)
        let step = delta / div
        var y = [Double](repeating: 0, count: num)
        for i in 0..<num {
            if step == 0 {
                y[i] = (Double(i) / div) * delta + start
            } else {
                y[i] = Double(i) * step + start
            }
        }
        y[num - 1] = stop
        return y
    }
}
