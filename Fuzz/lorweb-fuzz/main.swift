// libFuzzer targets for the parsers that read untrusted bytes (issue 24), built and run by
// `make fuzz` only (LORWEB_FUZZ=1 adds this product; README "Test"):
//   safetensors  SafetensorsFile: the 8-byte length, the JSON header, every field check
//   png          PNGFile.read: the chunk walk and libpng through the C shim
//   recipe       ProgramLoader + Checker: scanner, parser, includes, checker, diagnostics text
// The first argument names the target; the rest go to libFuzzer unchanged.
import CFuzzDriver
import Formats
import Foundation
import RecipeEngine

enum FuzzTarget: String, CaseIterable {
    case safetensors, png, recipe
}

/// Where the file targets write each input (readers take paths); one file per process.
let scratchFolder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
let scratchPath = "\(scratchFolder)/lorweb-fuzz-\(getpid())"

func writeScratch(_ data: UnsafeBufferPointer<UInt8>, suffix: String) -> String {
    let path = scratchPath + suffix
    let file = fopen(path, "wb")!
    fwrite(data.baseAddress, 1, data.count, file)
    fclose(file)
    return path
}

func fuzzSafetensors(_ data: UnsafeBufferPointer<UInt8>) {
    guard let file = try? SafetensorsFile(path: writeScratch(data, suffix: ".safetensors")) else { return }
    for key in file.keys {
        _ = try? file.storedShape(key)
        if let info = try? file.info(key), info.byteCount <= 1 << 16 { _ = try? file.tensor(key) }
    }
}

func fuzzPNG(_ data: UnsafeBufferPointer<UInt8>) {
    _ = try? PNGFile.read(path: writeScratch(data, suffix: ".png"))
}

func fuzzRecipe(_ data: UnsafeBufferPointer<UInt8>) {
    let text = String(decoding: data, as: UTF8.self)
    let file = SourceFile(name: "fuzz.recipe", text: text, directory: scratchFolder)
    let (statements, loadDiagnostics) = ProgramLoader.load(file: file)
    let (program, checkDiagnostics) = Checker.check(statements)
    // Rendering is part of the target: the echo of the source line and the caret must stay bounded.
    let rendered = loadDiagnostics.rendered() + checkDiagnostics.rendered()
    precondition(rendered.utf8.count <= 4096 * (loadDiagnostics.items.count + checkDiagnostics.items.count) + 4096,
                 "a diagnostic echoed more than 4 KB")
    if !checkDiagnostics.hasErrors { _ = Printer.program(program.statements) }
}

let arguments = CommandLine.arguments
guard arguments.count >= 2, let target = FuzzTarget(rawValue: arguments[1]) else {
    let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
    FileHandle.standardError.write(Data("usage: lorweb-fuzz \(names) [libFuzzer options] [corpus folders]\n".utf8))
    exit(2)
}
nonisolated(unsafe) let run: (UnsafeBufferPointer<UInt8>) -> Void = switch target {
case .safetensors: fuzzSafetensors
case .png: fuzzPNG
case .recipe: fuzzRecipe
}

// libFuzzer sees argv without the target name.
var driverArguments = [arguments[0]] + arguments.dropFirst(2)
var cArguments: [UnsafeMutablePointer<CChar>?] = driverArguments.map { strdup($0) } + [nil]
var argc = Int32(driverArguments.count)
let status = cArguments.withUnsafeMutableBufferPointer { buffer -> Int32 in
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = buffer.baseAddress
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        run(UnsafeBufferPointer(start: data, count: size))
        return 0
    }
}
unlink(scratchPath + ".safetensors")
unlink(scratchPath + ".png")
exit(status)
