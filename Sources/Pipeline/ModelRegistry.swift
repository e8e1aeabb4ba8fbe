// Model names → folders. "mini" ships inside the package (Sources/Pipeline/Resources/mini, trained weights);
// "mini-init" is its untrained initialisation, written once to the temporary folder (the baseline the
// evaluation compares with); LORWEB_MODELS may name a folder of further model folders.
import Formats
import Foundation

public enum ModelRegistry {
    /// Registered names, for `:help`, completion and error messages.
    public static var names: [String] {
        var names = ["mini", "mini-init"]
        if let root = ProcessInfo.processInfo.environment["LORWEB_MODELS"],
           let entries = try? FileManager.default.contentsOfDirectory(atPath: root) {
            names += entries.filter { isModelFolder((root as NSString).appendingPathComponent($0)) }.sorted()
        }
        return names
    }

    /// The folder for a registry name or a path. Paths contain a "/" or name an existing folder.
    public static func folder(for nameOrPath: String) throws -> String {
        if nameOrPath.contains("/") || isModelFolder(nameOrPath) {
            guard isModelFolder(nameOrPath) else {
                throw FormatError(path: ModelBundleLayout(root: nameOrPath).bundleConfig,
                                  "missing: '\(nameOrPath)' is not a model folder (README \"Model formats\" lists what one holds)")
            }
            return nameOrPath
        }
        if let root = ProcessInfo.processInfo.environment["LORWEB_MODELS"] {
            let candidate = (root as NSString).appendingPathComponent(nameOrPath)
            if isModelFolder(candidate) { return candidate }
        }
        if nameOrPath == "mini" { return try miniFolder() }
        if nameOrPath == "mini-init" { return try miniInitFolder() }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: nameOrPath, isDirectory: &isDirectory), isDirectory.boolValue {
            throw FormatError(path: ModelBundleLayout(root: nameOrPath).bundleConfig,
                              "missing: the folder '\(nameOrPath)' is not a model folder (README \"Model formats\" lists what one holds)")
        }
        throw PipelineError.invalid("unknown model '\(nameOrPath)': known models are \(names.joined(separator: ", ")), "
            + "or give a model folder path")
    }

    static func miniFolder() throws -> String {
        guard let url = Bundle.module.url(forResource: "mini", withExtension: nil), isModelFolder(url.path) else {
            throw PipelineError.invalid("the embedded model 'mini' is missing from this build's resources")
        }
        return url.path
    }

    /// `lorweb mini-init --seed 0`, materialised on first use: written to a private folder, then renamed into
    /// place, so concurrent processes never see half a model.
    static func miniInitFolder() throws -> String {
        let folder = (NSTemporaryDirectory() as NSString).appendingPathComponent("lorweb-mini-init-seed0")
        if isModelFolder(folder) { return folder }
        let scratch = folder + ".\(ProcessInfo.processInfo.processIdentifier).\(UInt64.random(in: 0...UInt64.max))"
        try MiniFamily.writeInitialWeights(to: scratch, seed: 0)
        do {
            try FileManager.default.moveItem(atPath: scratch, toPath: folder)
        } catch {
            try? FileManager.default.removeItem(atPath: scratch)
            guard isModelFolder(folder) else { throw PipelineError.invalid("cannot write the mini-init model to \(folder): \(error)") }
        }
        return folder
    }

    static func isModelFolder(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: ModelBundleLayout(root: path).bundleConfig)
    }

    /// Every regular file under the folders (recursively, hidden files skipped), each folder's files in sorted
    /// order: what identifies a diffusers pipeline folder and a query-encoder folder.
    static func filesBelow(_ folders: [String]) throws -> [String] {
        try folders.flatMap { folder -> [String] in
            guard let walker = FileManager.default.enumerator(atPath: folder) else {
                throw FormatError(path: folder, "cannot list the folder")
            }
            var files: [String] = []
            while let relative = walker.nextObject() as? String {
                let path = (folder as NSString).appendingPathComponent(relative)
                if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue { files.append(path) }
            }
            return files.sorted()
        }
    }

    /// SHA-256 over the files' own SHA-256s in order: one identity for a set of files.
    static func fingerprint(files: [String]) throws -> String {
        var hasher = SHA256.Hasher()
        for file in files {
            hasher.update(try SHA256.hex(fileAt: file))
        }
        return hasher.finalizeHex()
    }
}
