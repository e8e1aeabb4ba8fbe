// Staged loading (issue 20): a large model part is loaded when first used and may be dropped again, so that the
// full FLUX.1-Kontext-dev pipeline keeps one large part resident at a time (T5-XXL for the prompt, then the
// transformer for the steps) instead of all of them. The folder was checked at `load model` (every key and
// shape from the headers), so a later load fails only if the files change underneath.
import Foundation

final class StagedPart<Part>: @unchecked Sendable {
    private let load: () throws -> Part
    private var part: Part?
    /// Never dropped: `release()` does nothing (`mini`, whose parts are small).
    private let pinned: Bool
    private let lock = NSLock()

    /// A part that is already resident and is never dropped (`mini`).
    init(resident: Part) {
        part = resident
        load = { resident }
        pinned = true
    }

    /// A part loaded on first use.
    init(load: @escaping () throws -> Part) {
        self.load = load
        pinned = false
    }

    /// A part loaded now (so its folder's errors show at once) and loaded again after a release.
    init(loaded: Part, reload: @escaping () throws -> Part) {
        part = loaded
        load = reload
        pinned = false
    }

    /// The part, loading it if needed. A caller keeps it alive while it uses it, even if it is released meanwhile.
    func get() throws -> Part {
        lock.lock()
        defer { lock.unlock() }
        if let part { return part }
        let loaded = try load()
        part = loaded
        return loaded
    }

    var isResident: Bool {
        lock.lock()
        defer { lock.unlock() }
        return part != nil
    }

    /// Drops this holder's reference (its memory goes once no caller holds the part); nothing for a pinned part.
    func release() {
        guard !pinned else { return }
        lock.lock()
        part = nil
        lock.unlock()
    }
}
