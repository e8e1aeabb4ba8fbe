// Writes generated analogies to a folder: four PNGs per sample and a manifest.json listing, for each
// sample, its index, family, description, file names and their SHA-256. Used by `lorweb analogies`.

import Foundation
import Formats

public enum AnalogyExport {
    /// The four images of a sample, with the file-name suffix of each.
    public static let roles = ["a", "a-prime", "b", "b-prime"]

    public static func images(of sample: AnalogySample) -> [RGBImage] {
        [sample.a, sample.aPrime, sample.b, sample.bPrime]
    }

    /// File name of one image: "000007-a-prime.png".
    public static func fileName(index: Int, role: String) -> String {
        let number = String(index)
        return String(repeating: "0", count: max(0, 6 - number.count)) + number + "-" + role + ".png"
    }

    /// Generates samples `first..<first+count` of `split` and writes them under `directory` (created if
    /// missing). Returns the manifest's text. Errors name the file that could not be written.
    @discardableResult
    public static func write(generator: AnalogyGenerator, seed: UInt64, split: AnalogySplit,
                             indices: Range<Int>, to directory: String,
                             progress: (Int) -> Void = { _ in }) throws -> String {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw FormatError(path: directory, "cannot create the output folder: \(error.localizedDescription)")
        }
        var entries: [String] = []
        for index in indices {
            let sample = generator.generate(seed: seed, index: index, split: split)
            var files: [String] = [], hashes: [String] = []
            for (role, image) in zip(roles, images(of: sample)) {
                let name = fileName(index: index, role: role)
                let path = directory + "/" + name
                try PNGFile.write(image, to: path, text: [
                    (key: "Description", value: "\(role) of analogy \(index): \(sample.description)"),
                    (key: "Software", value: "lorweb analogies (seed \(seed), split \(split.rawValue), family \(sample.family))"),
                ])
                files.append(name)
                hashes.append(try SHA256.hex(fileAt: path))
            }
            entries.append(manifestEntry(index: index, sample: sample, files: files, hashes: hashes))
            progress(index)
        }
        let manifest = """
        {
          "generator": "lorweb analogies v1",
          "seed": \(seed),
          "split": \(jsonString(split.rawValue)),
          "size": \(generator.size),
          "count": \(indices.count),
          "samples": [
        \(entries.joined(separator: ",\n"))
          ]
        }

        """
        let manifestPath = directory + "/manifest.json"
        do {
            try Data(manifest.utf8).write(to: URL(fileURLWithPath: manifestPath), options: .atomic)
        } catch {
            throw FormatError(path: manifestPath, "cannot write the manifest: \(error.localizedDescription)")
        }
        return manifest
    }

    private static func manifestEntry(index: Int, sample: AnalogySample, files: [String], hashes: [String]) -> String {
        let fileFields = zip(roles, files).map { "\(jsonString(camel($0))): \(jsonString($1))" }.joined(separator: ", ")
        let hashFields = zip(roles, hashes).map { "\(jsonString(camel($0))): \(jsonString($1))" }.joined(separator: ", ")
        return """
            {
              "index": \(index),
              "family": \(jsonString(sample.family)),
              "description": \(jsonString(sample.description)),
              "files": {\(fileFields)},
              "sha256": {\(hashFields)}
            }
        """
    }

    /// "a-prime" → "aPrime" (manifest keys match AnalogySample's property names).
    private static func camel(_ role: String) -> String {
        role == "a-prime" ? "aPrime" : role == "b-prime" ? "bPrime" : role
    }
}
