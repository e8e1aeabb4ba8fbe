// Reading a recipe: parse the file, inline `include`s (relative to the including file, cycles
// refused), then apply `--set` overrides to `param` lines and the seed.
import Formats
import Foundation

public enum ProgramLoader {
    /// Files included inside files, at most this many levels below the recipe itself.
    public static let maxIncludeDepth = 16
    /// Recipe files larger than this are refused before they are scanned (a recipe is a page of
    /// text; every token costs memory, so a huge file is refused rather than tokenised).
    public static let maxSourceBytes = 1 << 20

    /// Parses `path` and everything it includes. Diagnostics cover all files.
    public static func load(path: String, library: StepLibrary = .standard) -> ([Statement], Diagnostics) {
        var diagnostics = Diagnostics()
        let text: String
        switch RecipeText.read(path) {
        case .success(let read): text = read
        case .failure(let failure):
            let message = failure == .missing ? "cannot read recipe file: \(Echo.short(path, limit: 200))" : failure.message(path)
            diagnostics.error(message, at: nil, category: failure.category)
            return ([], diagnostics)
        }
        let file = SourceFile(name: path, text: text, directory: Paths.directory(of: path))
        let statements = load(file: file, library: library, diagnostics: &diagnostics, chain: [canonical(path)])
        return (statements, diagnostics)
    }

    /// Parses a text (REPL line, embedded provenance recipe) and inlines its includes.
    public static func load(file: SourceFile, library: StepLibrary = .standard) -> ([Statement], Diagnostics) {
        var diagnostics = Diagnostics()
        let statements = load(file: file, library: library, diagnostics: &diagnostics, chain: [canonical(Paths.join(file.directory, Paths.fileName(of: file.name)))])
        return (statements, diagnostics)
    }

    private static func load(file: SourceFile, library: StepLibrary, diagnostics: inout Diagnostics,
                             chain: [String]) -> [Statement] {
        guard file.text.utf8.count <= maxSourceBytes else {
            diagnostics.error("\(Echo.short(file.name, limit: 200)): a recipe may have at most \(maxSourceBytes) bytes", at: nil)
            return []
        }
        let (parsed, parseDiagnostics) = Parser.parse(file, stepNames: library.names)
        diagnostics.merge(parseDiagnostics)
        var out: [Statement] = []
        for statement in parsed {
            guard case .include(let keyword, let pathToken) = statement else {
                out.append(statement)
                continue
            }
            let path = Paths.join(file.directory, pathToken.stringValue)
            // `chain` holds the recipe and the files including this one: this include is level chain.count.
            if chain.count > maxIncludeDepth {
                diagnostics.error("includes nested too deeply (at most \(maxIncludeDepth) levels)", at: keyword.span)
                continue
            }
            if chain.contains(canonical(path)) {
                diagnostics.error("include cycle: \(file.name) includes \(path), which is already being read", at: pathToken.span)
                continue
            }
            let text: String
            switch RecipeText.read(path) {
            case .success(let read): text = read
            case .failure(let failure):
                diagnostics.error(failure.message(path), at: pathToken.span, category: failure.category)
                continue
            }
            let included = SourceFile(name: path, text: text, directory: Paths.directory(of: path))
            out += load(file: included, library: library, diagnostics: &diagnostics, chain: chain + [canonical(path)])
        }
        return out
    }

    /// Replaces `param` values (and the seed) by `--set name=value` texts.
    public static func applyOverrides(_ overrides: [(name: String, value: String)], to statements: [Statement],
                                      library: StepLibrary = .standard) -> ([Statement], Diagnostics) {
        var diagnostics = Diagnostics()
        var out = statements
        for (name, text) in overrides {
            let file = SourceFile(name: "--set \(name)", text: text, directory: ".")
            if name == "seed" {
                var scanner = Scanner(file: file)
                let (tokens, scanDiagnostics) = scanner.scan()
                diagnostics.merge(scanDiagnostics)
                guard !scanDiagnostics.hasErrors, tokens.count == 3, tokens[0].kind == .number, WholeNumber.seed(tokens[0].numberValue) != nil else {
                    diagnostics.error("--set seed=\(Echo.short(text)): \(WholeNumber.seedRule)", at: nil)
                    continue
                }
                let keyword = Token(kind: .identifier, lexeme: "seed", location: tokens[0].location, file: file)
                let statement = Statement.seed(keyword: keyword, value: tokens[0])
                if let i = out.firstIndex(where: { if case .seed = $0 { return true } else { return false } }) {
                    out[i] = statement
                } else {
                    out.insert(statement, at: 0)
                }
                continue
            }
            let paramIndex = out.firstIndex {
                if case .param(_, let n, _) = $0 { return n.lexeme == name } else { return false }
            }
            guard let index = paramIndex, case .param(let keyword, let nameToken, _) = out[index] else {
                let params = out.compactMap { s -> String? in
                    if case .param(_, let n, _) = s { return n.lexeme } else { return nil }
                }
                var message = "--set: the recipe has no param '\(name)'"
                if let hit = Suggestions.closest(to: name, in: params + ["seed"]) { message += " (did you mean '\(hit)'?)" }
                else if !params.isEmpty { message += " (params: \(params.joined(separator: ", ")))" }
                diagnostics.error(message, at: nil)
                continue
            }
            let (parsed, parseDiagnostics) = Parser.parse(file, stepNames: [])
            diagnostics.merge(parseDiagnostics)
            guard parsed.count == 1, case .expression(let value) = parsed[0], isLiteral(value) else {
                if !parseDiagnostics.hasErrors {
                    diagnostics.error("--set \(name)=\(text): the value must be a number, string, boolean, list or range", at: nil)
                }
                continue
            }
            out[index] = .param(keyword: keyword, name: nameToken, value: value)
        }
        return (out, diagnostics)
    }

    /// An absolute, normalised path: include cycles compare these.
    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    static func isLiteral(_ e: Expr) -> Bool {
        switch e {
        case .number, .string, .bool: return true
        case .name: return false
        case .list(let items, _): return items.allSatisfy(isLiteral)
        case .range(let a, let b, let c, _): return isLiteral(a) && isLiteral(b) && (c.map(isLiteral) ?? true)
        }
    }
}
