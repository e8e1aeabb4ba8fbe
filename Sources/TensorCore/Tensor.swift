// The value every layer passes around: a dense, row-major f32 tensor (the compute type).
// Storage dtypes (f16/bf16, memory-mapped) are converted when weights are packed, never here.

public struct Tensor: Sendable, Equatable {
    public var shape: [Int]
    public var data: [Float]

    public init(shape: [Int], data: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(shape.reduce(1, *) == data.count, "shape \(shape) does not hold \(data.count) elements")
        self.shape = shape
        self.data = data
    }

    public init(zeros shape: [Int]) {
        self.init(shape: shape, data: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    /// A tensor whose element at flat (row-major) index i is `element(i)`.
    public init(shape: [Int], element: (Int) -> Float) {
        let n = shape.reduce(1, *)
        var values = [Float]()
        values.reserveCapacity(n)
        for i in 0..<n { values.append(element(i)) }
        self.init(shape: shape, data: values)
    }

    public var count: Int { data.count }
    public var rank: Int { shape.count }

    /// Row-major strides in elements (the last dimension has stride 1).
    public var strides: [Int] { Tensor.rowMajorStrides(shape) }

    /// Size of the last dimension (1 for a rank-0 tensor).
    public var lastDimension: Int { shape.last ?? 1 }

    /// Number of rows when the tensor is viewed as [count / lastDimension, lastDimension].
    public var rowCount: Int { shape.dropLast().reduce(1, *) }

    /// Same data, new shape (one dimension may be -1 and is inferred). Copies nothing but the array reference.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: Tensor.resolve(newShape, count: count), data: data)
    }

    /// Bit-level equality (distinguishes -0.0 from +0.0 and compares NaN payloads); `==` is IEEE equality.
    public func isBitIdentical(to other: Tensor) -> Bool {
        guard shape == other.shape else { return false }
        for i in 0..<data.count where data[i].bitPattern != other.data[i].bitPattern { return false }
        return true
    }

    public static func rowMajorStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var s = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[d] = s
            s *= shape[d]
        }
        return strides
    }

    /// Resolves a single -1 in a requested shape; traps when the element count does not match.
    static func resolve(_ shape: [Int], count: Int) -> [Int] {
        let unknown = shape.indices.filter { shape[$0] == -1 }
        precondition(unknown.count <= 1, "reshape: more than one -1 in \(shape)")
        var resolved = shape
        if let u = unknown.first {
            let known = shape.enumerated().filter { $0.offset != u }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "reshape: cannot infer -1 in \(shape) for \(count) elements")
            resolved[u] = count / known
        }
        precondition(resolved.allSatisfy { $0 >= 0 } && resolved.reduce(1, *) == count,
                     "reshape: \(shape) does not hold \(count) elements")
        return resolved
    }
}

/// A problem with caller-supplied data (shapes, byte counts); carries a message for the user.
public struct TensorError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
