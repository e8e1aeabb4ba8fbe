// The conformance suite, modelled on ggml's test-backend-ops: typed cases for every op (ConformanceCases.swift),
// run on a backend and on the backend it must equal, compared by one rule (`difference`). The CPU backend is
// checked against ReferenceBackend, every other device against CPUBackend (`reference(for:)`). A case the
// backend does not compute itself (`Backend.supports`) is reported as unsupported and not run at all.
// In the module, not only in the tests, so `lorweb devices --check` runs the same cases on any machine.

/// The outcome of one group of cases on one backend.
public struct ConformanceReport: Sendable {
    public var group: ConformanceGroup
    /// Cases run on both backends and compared.
    public var comparisons = 0
    /// One line per differing case: the call, first differing index, both values, ulp distance.
    public var failures: [String] = []
    /// The cases the backend does not support (never run elsewhere in its place).
    public var unsupported: [String] = []
}

public enum Conformance {
    /// Runs every case of `group` (inputs from `seed`) on `backend` and on `reference`.
    public static func run(_ group: ConformanceGroup, backend: any Backend, reference: any Backend,
                           seed: UInt64 = 1) -> ConformanceReport {
        var report = ConformanceReport(group: group)
        for testCase in cases(group, seed: seed) {
            guard backend.supports(testCase.call) else {
                report.unsupported.append(testCase.description)
                continue
            }
            report.comparisons += 1
            if let d = difference(testCase.call.run(on: backend), testCase.call.run(on: reference)) {
                report.failures.append("\(testCase): \(d)")
            }
        }
        return report
    }

    /// What device `name` is checked against: ReferenceBackend for "cpu" (the fast CPU kernels against the
    /// definition), CPUBackend for every other device (whose contract is the CPU's bytes).
    public static func reference(for name: String, threads: Int) -> any Backend {
        name == CPUBackendProvider.family ? ReferenceBackend() : CPUBackend(threads: max(1, threads))
    }

    /// The one comparison rule: nil when identical, else where and by how much they differ. Identical means the
    /// same shape and the same bits in every element (so -0.0 differs from +0.0), except that any NaN equals any
    /// NaN: IEEE 754 leaves a NaN's sign and payload to the operand order of the instruction, which the compiler
    /// picks for commutative ops (silu(NaN) is -NaN in one inlining context and +NaN in another), so "NaN
    /// propagates" is the contract and the bits of a NaN are not.
    public static func difference(_ actual: Tensor, _ expected: Tensor) -> String? {
        guard actual.shape == expected.shape else { return "shape \(actual.shape), expected \(expected.shape)" }
        func same(_ i: Int) -> Bool {
            actual.data[i].bitPattern == expected.data[i].bitPattern || (actual.data[i].isNaN && expected.data[i].isNaN)
        }
        guard let i = actual.data.indices.first(where: { !same($0) }) else { return nil }
        let count = actual.data.indices.filter { !same($0) }.count
        return "\(count) of \(actual.count) elements differ; first at \(i): got \(actual.data[i]) "
            + "(0x\(String(actual.data[i].bitPattern, radix: 16))), expected \(expected.data[i]) "
            + "(0x\(String(expected.data[i].bitPattern, radix: 16))), \(ulpDistance(actual.data[i], expected.data[i])) ulp"
    }

    /// Distance in units in the last place (ordered bit patterns); "NaN" when either is NaN.
    public static func ulpDistance(_ a: Float, _ b: Float) -> String {
        if a.isNaN || b.isNaN { return "NaN" }
        func ordered(_ x: Float) -> Int64 {
            let bits = Int64(x.bitPattern & 0x7FFF_FFFF)
            return x.sign == .minus ? -bits : bits
        }
        return String(abs(ordered(a) - ordered(b)))
    }
}
