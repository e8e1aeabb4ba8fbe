// The SPIR-V lint (issue 8 item 4) over every compiled kernel, plus negative cases that prove it can fail:
// a committed contractible shader, and the glslc -O + [[unroll]] trap of Docs/VULKAN.md §1.3 rebuilt here.
import Foundation
import XCTest
import VulkanBackend

final class SPIRVLintTests: XCTestCase {
    /// Every kernel the backend embeds is an exact kernel: all arithmetic NoContraction, Fma/Sqrt only where
    /// the contract's mode switch intends them, no intrinsic approximations.
    func testEveryEmbeddedKernelIsLintClean() throws {
        let names = ShaderLibrary.names
        for expected in ["unary", "binary", "scalar", "softmax", "layer_norm", "rms_norm", "rope",
                         "attention_scores", "attention_values"] {
            XCTAssertTrue(names.contains(expected), "kernel \(expected) is not embedded (have \(names))")
        }
        var checked = 0
        for name in names {
            let words = try XCTUnwrap(ShaderLibrary.spirv(named: name), name)
            let report = SPIRVLint.check(try SPIRVModule(words: words))
            XCTAssertEqual(report.findings, [], "\(name).comp")
            checked += report.arithmeticChecked
        }
        // The kernels really contain float arithmetic, so a clean report is evidence, not vacuity.
        XCTAssertGreaterThan(checked, 100)
    }

    /// The transcendental kernels use exact_fma, so the intended native Fma is present (in exact_fma only).
    func testNativeFmaIsConfinedToExactFma() throws {
        let words = try XCTUnwrap(ShaderLibrary.spirv(named: "unary"))
        let report = SPIRVLint.check(try SPIRVModule(words: words))
        XCTAssertEqual(report.fmaSeen, 1, "exactly the one fma() of exact_fma's FMA_MODE = 0 branch")
        XCTAssertEqual(report.findings, [])
        var strict = SPIRVLintPolicy.exactKernels
        strict.fmaAllowedIn = []
        XCTAssertEqual(SPIRVLint.check(try SPIRVModule(words: words), policy: strict).findings.count, 1)
    }

    /// A shader written without `precise` (a*b + c, fma(), exp()), compiled by glslc 2023.2 without -O:
    ///     v[3] = v[0] * v[1] + v[2]; v[4] = fma(v[0], v[1], v[2]); v[5] = exp(v[0]);
    func testFlagsContractibleArithmeticAndIntrinsics() throws {
        let data = try XCTUnwrap(Data(base64Encoded: Self.contractibleShader))
        let words = data.withUnsafeBytes { raw in (0..<data.count / 4).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self) } }
        let report = SPIRVLint.check(try SPIRVModule(words: words))
        XCTAssertEqual(report.arithmeticChecked, 2)
        XCTAssertEqual(report.findings.count, 4, "\(report.findings)")
        XCTAssertEqual(report.findings.filter { $0.contains("lacks NoContraction") }.count, 2)
        XCTAssertEqual(report.findings.filter { $0.contains("Fma in main") }.count, 1)
        XCTAssertEqual(report.findings.filter { $0.contains("instruction 27") }.count, 1)   // Exp
    }

    /// The trap itself: a precise, unrolled dot product. Without -O it is clean; glslc -O unrolls it, loses
    /// NoContraction and folds the products into Fma, which the lint must report.
    func testFlagsGlslcOptimizerDroppingPrecise() throws {
        let glslc = "/usr/bin/glslc"
        guard FileManager.default.isExecutableFile(atPath: glslc) else { throw XCTSkip("no \(glslc)") }
        let source = """
        #version 450
        #extension GL_EXT_control_flow_attributes : require
        layout(local_size_x = 1) in;
        layout(std430, binding = 0) buffer B { float v[]; };
        void main() {
            precise float acc = 0.0;
            [[unroll]] for (int i = 0; i < 8; i++) { precise float p = v[i] * v[i + 8]; acc = acc + p; }
            v[16] = acc;
        }
        """
        let safe = try SPIRVLint.check(SPIRVModule(words: compile(source, glslc: glslc, optimize: false)))
        XCTAssertEqual(safe.findings, [])
        XCTAssertGreaterThan(safe.arithmeticChecked, 0)
        let optimized = try SPIRVLint.check(SPIRVModule(words: compile(source, glslc: glslc, optimize: true)))
        XCTAssertFalse(optimized.findings.isEmpty, "glslc -O output passed the lint")
    }

    func testRejectsMalformedModules() {
        XCTAssertThrowsError(try SPIRVModule(words: [1, 2, 3])) { XCTAssertEqual($0 as? SPIRVModule.ParseError, .tooShort(words: 3)) }
        XCTAssertThrowsError(try SPIRVModule(words: [0xDEAD_BEEF, 0, 0, 1, 0])) {
            XCTAssertEqual($0 as? SPIRVModule.ParseError, .badMagic(0xDEAD_BEEF))
        }
        // An instruction claiming 9 words with only 1 left.
        XCTAssertThrowsError(try SPIRVModule(words: [SPIRVModule.magic, 0x10000, 0, 1, 0, (9 << 16) | 5])) {
            XCTAssertEqual($0 as? SPIRVModule.ParseError, .badInstruction(wordIndex: 5))
        }
    }

    private func compile(_ source: String, glslc: String, optimize: Bool) throws -> [UInt32] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lorweb-lint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("k.comp"), output = dir.appendingPathComponent("k.spv")
        try source.write(to: input, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: glslc)
        process.arguments = ["--target-env=vulkan1.1"] + (optimize ? ["-O"] : []) + ["-o", output.path, input.path]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "glslc failed")
        let data = try Data(contentsOf: output)
        return data.withUnsafeBytes { raw in (0..<data.count / 4).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self) } }
    }

    static let contractibleShader = "AwIjBwADAQALAA0ALAAAAAAAAAARAAIAAQAAAAsABgABAAAAR0xTTC5zdGQuNDUwAAAAAA4AAwAAAAAAAQAAAA8ABQAFAAAABAAAAG1haW4AAAAAEAAGAAQAAAARAAAAAQAAAAEAAAABAAAAAwADAAIAAADCAQAABAAKAEdMX0dPT0dMRV9jcHBfc3R5bGVfbGluZV9kaXJlY3RpdmUAAAQACABHTF9HT09HTEVfaW5jbHVkZV9kaXJlY3RpdmUABQAEAAQAAABtYWluAAAAAAUAAwAIAAAAQgAAAAYABAAIAAAAAAAAAHYAAAAFAAMACgAAAAAAAABHAAQABwAAAAYAAAAEAAAASAAFAAgAAAAAAAAAIwAAAAAAAABHAAMACAAAAAIAAABHAAQACgAAACIAAAAAAAAARwAEAAoAAAAhAAAAAAAAAEcABAArAAAACwAAABkAAAATAAIAAgAAACEAAwADAAAAAgAAABYAAwAGAAAAIAAAAB0AAwAHAAAABgAAAB4AAwAIAAAABwAAACAABAAJAAAADAAAAAgAAAA7AAQACQAAAAoAAAAMAAAAFQAEAAsAAAAgAAAAAQAAACsABAALAAAADAAAAAAAAAArAAQACwAAAA0AAAADAAAAIAAEAA4AAAAMAAAABgAAACsABAALAAAAEQAAAAEAAAArAAQACwAAABUAAAACAAAAKwAEAAsAAAAaAAAABAAAACsABAALAAAAIwAAAAUAAAAVAAQAKAAAACAAAAAAAAAAFwAEACkAAAAoAAAAAwAAACsABAAoAAAAKgAAAAEAAAAsAAYAKQAAACsAAAAqAAAAKgAAACoAAAA2AAUAAgAAAAQAAAAAAAAAAwAAAPgAAgAFAAAAQQAGAA4AAAAPAAAACgAAAAwAAAAMAAAAPQAEAAYAAAAQAAAADwAAAEEABgAOAAAAEgAAAAoAAAAMAAAAEQAAAD0ABAAGAAAAEwAAABIAAACFAAUABgAAABQAAAAQAAAAEwAAAEEABgAOAAAAFgAAAAoAAAAMAAAAFQAAAD0ABAAGAAAAFwAAABYAAACBAAUABgAAABgAAAAUAAAAFwAAAEEABgAOAAAAGQAAAAoAAAAMAAAADQAAAD4AAwAZAAAAGAAAAEEABgAOAAAAGwAAAAoAAAAMAAAADAAAAD0ABAAGAAAAHAAAABsAAABBAAYADgAAAB0AAAAKAAAADAAAABEAAAA9AAQABgAAAB4AAAAdAAAAQQAGAA4AAAAfAAAACgAAAAwAAAAVAAAAPQAEAAYAAAAgAAAAHwAAAAwACAAGAAAAIQAAAAEAAAAyAAAAHAAAAB4AAAAgAAAAQQAGAA4AAAAiAAAACgAAAAwAAAAaAAAAPgADACIAAAAhAAAAQQAGAA4AAAAkAAAACgAAAAwAAAAMAAAAPQAEAAYAAAAlAAAAJAAAAAwABgAGAAAAJgAAAAEAAAAbAAAAJQAAAEEABgAOAAAAJwAAAAoAAAAMAAAAIwAAAD4AAwAnAAAAJgAAAP0AAQA4AAEA"
}
