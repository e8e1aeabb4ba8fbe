// Compiles the target's GLSL compute shaders (Shaders/*.comp, includes in Shaders/include/) to SPIR-V at build
// time and embeds them as one generated Swift file (base64 strings), so the binary needs no resource bundle
// and a statically linked build carries its kernels. glslc runs WITHOUT -O: glslc 2023.2's optimiser drops
// `precise` when it unrolls loops (Docs/VULKAN.md §1.3), which would let a driver contract a*b+c.
import Foundation
import PackagePlugin

@main
struct SPIRVCompiler: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let module = target as? SourceModuleTarget else { return [] }
        let shaders = URL(fileURLWithPath: module.directory.string).appendingPathComponent("Shaders")
        let includes = shaders.appendingPathComponent("include")
        let fm = FileManager.default
        let comps = ((try? fm.contentsOfDirectory(atPath: shaders.path)) ?? []).filter { $0.hasSuffix(".comp") }.sorted()
        let globs = ((try? fm.contentsOfDirectory(atPath: includes.path)) ?? []).filter { $0.hasSuffix(".glsl") }.sorted()
        let script = URL(fileURLWithPath: context.package.directory.string).appendingPathComponent("Plugins/SPIRVCompiler/compile-shaders.sh")
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedSPIRV.swift")
        let work = context.pluginWorkDirectoryURL.appendingPathComponent("spv")
        return [.buildCommand(
            displayName: "Compiling \(comps.count) compute shaders to SPIR-V (glslc, no -O)",
            executable: URL(fileURLWithPath: "/bin/sh"),
            arguments: [script.path, shaders.path, work.path, output.path] + comps,
            inputFiles: [script] + comps.map { shaders.appendingPathComponent($0) }
                + globs.map { includes.appendingPathComponent($0) },
            outputFiles: [output])]
    }
}
