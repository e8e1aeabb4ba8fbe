// What the two text encoders share: reading a transformers model folder (config.json + model.safetensors or a
// sharded model.safetensors.index.json), the strict-loading report, token-id checks and the embedding gather.

import Foundation
import Formats
import TensorCore

/// A text encoder's input that cannot be encoded (ragged, empty, or ids outside the vocabulary).
public enum TextEncoderError: Error, CustomStringConvertible, Equatable, Sendable {
    case input(String)
    public var description: String {
        switch self { case .input(let message): return message }
    }
}

enum TextEncoderFolder {
    /// The bytes of `folder/config.json`, with the folder or the file named when either is missing.
    static func config(in folder: String, model: String) throws -> (data: Data, path: String) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) else {
            throw ModelError.config(path: folder, "\(model) folder does not exist")
        }
        guard isDirectory.boolValue else { throw ModelError.config(path: folder, "\(model): not a folder") }
        let path = (folder as NSString).appendingPathComponent("config.json")
        try FileChecks.checkRegular(path)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelError.config(path: path, "cannot read the file")
        }
        return (data, path)
    }

    /// A decoding error in a few words (which key, what was wrong).
    static func describe(_ error: Error) -> String { SystemErrorText.cause(of: error) ?? "\(error)" }

    /// Every problem of a weight source against the expected keys at once: missing, unexpected, misshapen.
    static func report(model: String) -> (WeightMismatch, String) -> any Error {
        { m, name in
            func list(_ title: String, _ keys: [String]) -> String? {
                keys.isEmpty ? nil : "\(keys.count) \(title): " + StrictWeightLoader.list(keys)
            }
            let parts = [list("missing", m.missing), list("unexpected", m.unused),
                         list("with the wrong shape", m.wrongShapes.map { "\($0.key) \($0.found), expected \($0.expected)" })]
            return ModelError.weights(source: name, "\(model) weights do not fit config.json; " + parts.compactMap { $0 }.joined(separator: "; "))
        }
    }

    /// Checks a batch of id rows (all of one length ≥ 1, at most `maxLength`, every id in 0..<vocab) and returns
    /// (batch, length).
    static func checkIds(_ ids: [[Int32]], vocab: Int, maxLength: Int?, model: String) throws -> (batch: Int, length: Int) {
        guard let first = ids.first, !first.isEmpty else { throw TextEncoderError.input("\(model): no token ids") }
        let length = first.count
        if let row = ids.firstIndex(where: { $0.count != length }) {
            throw TextEncoderError.input("\(model): row \(row) has \(ids[row].count) ids, row 0 has \(length) (pad every row to one length)")
        }
        if let maxLength, length > maxLength {
            throw TextEncoderError.input("\(model): \(length) ids per row, the model has \(maxLength) positions")
        }
        for (r, row) in ids.enumerated() {
            if let j = row.firstIndex(where: { $0 < 0 || Int($0) >= vocab }) {
                throw TextEncoderError.input("\(model): id \(row[j]) at row \(r), position \(j) is outside the vocabulary 0..<\(vocab)")
            }
        }
        return (ids.count, length)
    }

    /// Rows of `table` [vocab, width] for every id: [B, L, width] (exact copies, on the host for every backend).
    static func gather(_ table: Tensor, _ ids: [[Int32]]) -> Tensor {
        let width = table.shape[1]
        var data = [Float]()
        data.reserveCapacity(ids.count * (ids.first?.count ?? 0) * width)
        for row in ids {
            for id in row { data.append(contentsOf: table.data[Int(id) * width ..< (Int(id) + 1) * width]) }
        }
        return Tensor(shape: [ids.count, ids.first?.count ?? 0, width], data: data)
    }
}
