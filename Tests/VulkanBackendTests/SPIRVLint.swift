// A small SPIR-V reader and the numerics lint of issue 8 (Docs/VULKAN.md §1.3, §3): in an exact kernel
// every OpFAdd / OpFSub / OpFMul (and OpVectorTimesScalar) result carries the NoContraction decoration, so no
// driver may fuse a*b+c; GLSL.std.450 Fma appears only where FMA_MODE = 0 asks for the device's proven-fused
// fma (the function `exact_fma` of Shaders/include/contract.glsl); Sqrt only in the contract's square-root
// functions; no transcendental intrinsic (Exp, Log, Tanh, InverseSqrt, ...) and no OpDot at all.
// Functions are told apart by their OpName, which glslc emits unless it optimises (-O strips them, and -O is
// exactly the build that drops `precise`), so an Fma in an unnamed function is always a finding.

struct SPIRVModule {
    struct Instruction {
        let opcode: UInt32
        /// The words after the first (result type, result id, ... as the opcode defines).
        let operands: ArraySlice<UInt32>
    }

    enum ParseError: Error, Equatable {
        case tooShort(words: Int)
        case badMagic(UInt32)
        case badInstruction(wordIndex: Int)
    }

    static let magic: UInt32 = 0x0723_0203
    let version: UInt32
    let bound: UInt32
    let instructions: [Instruction]

    /// Parses little-endian words (the byte order glslc writes); the header is 5 words, then instructions whose
    /// first word holds (word count << 16) | opcode.
    init(words: [UInt32]) throws {
        guard words.count >= 5 else { throw ParseError.tooShort(words: words.count) }
        guard words[0] == Self.magic else { throw ParseError.badMagic(words[0]) }
        version = words[1]
        bound = words[3]
        var list: [Instruction] = []
        var i = 5
        while i < words.count {
            let count = Int(words[i] >> 16)
            guard count >= 1, i + count <= words.count else { throw ParseError.badInstruction(wordIndex: i) }
            list.append(Instruction(opcode: words[i] & 0xFFFF, operands: words[(i + 1)..<(i + count)]))
            i += count
        }
        instructions = list
    }

    /// A literal string operand (UTF-8, NUL-terminated, packed 4 bytes per word, little-endian).
    static func string(_ words: ArraySlice<UInt32>) -> String {
        var bytes: [UInt8] = []
        outer: for w in words {
            for shift in stride(from: 0, to: 32, by: 8) {
                let byte = UInt8((w >> UInt32(shift)) & 0xFF)
                if byte == 0 { break outer }
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

enum Op {
    static let name: UInt32 = 5, extInstImport: UInt32 = 11, extInst: UInt32 = 12
    static let function: UInt32 = 54, functionEnd: UInt32 = 56, decorate: UInt32 = 71
    static let fAdd: UInt32 = 129, fSub: UInt32 = 131, fMul: UInt32 = 133, vectorTimesScalar: UInt32 = 142, dot: UInt32 = 148
    static let noContraction: UInt32 = 42
}

/// GLSL.std.450 instruction numbers the lint cares about.
enum GLSLStd450 {
    static let sqrt: UInt32 = 31, fma: UInt32 = 50
    /// Driver approximations or hidden sums, never allowed: Sin .. Atan2 (13-25), Pow, Exp, Log, Exp2, Log2
    /// (26-30), InverseSqrt (32), FMix (46, may fuse), Length .. Refract (66-72, hidden dot products).
    static func isForbidden(_ instruction: UInt32) -> Bool {
        (13...30).contains(instruction) || instruction == 32 || instruction == 46 || (66...72).contains(instruction)
    }
}

struct SPIRVLintPolicy {
    /// Functions (OpName, glslang-mangled) in which GLSL.std.450 Fma is intended: contract.glsl's exact_fma, whose
    /// FMA_MODE = 0 branch uses fma() only after the probe proved it fused on the device.
    var fmaAllowedIn: Set<String> = ["exact_fma(f1;f1;f1;"]
    /// Functions that may call sqrt: exact_sqrt's native branch (probe-proven correctly rounded) and the software
    /// routine's FP64 root (then corrected exactly).
    var sqrtAllowedIn: Set<String> = ["exact_sqrt(f1;", "cr_sqrt_soft(f1;"]

    static let exactKernels = SPIRVLintPolicy()
}

struct SPIRVLintReport {
    var findings: [String] = []
    /// How many arithmetic instructions were checked (a lint that checks nothing proves nothing).
    var arithmeticChecked = 0
    var fmaSeen = 0
}

enum SPIRVLint {
    static func check(_ module: SPIRVModule, policy: SPIRVLintPolicy = .exactKernels) -> SPIRVLintReport {
        var names: [UInt32: String] = [:]
        var decorated = Set<UInt32>()
        var glslSet: UInt32?
        for ins in module.instructions {
            let o = ins.operands
            switch ins.opcode {
            case Op.name where o.count >= 1: names[o[o.startIndex]] = SPIRVModule.string(o.dropFirst())
            case Op.extInstImport where o.count >= 1:
                if SPIRVModule.string(o.dropFirst()) == "GLSL.std.450" { glslSet = o[o.startIndex] }
            case Op.decorate where o.count >= 2:
                if o[o.startIndex + 1] == Op.noContraction { decorated.insert(o[o.startIndex]) }
            default: break
            }
        }
        var report = SPIRVLintReport()
        var function: String? = nil
        var functionId: UInt32 = 0
        func place() -> String { function.map { "in \($0)" } ?? "in unnamed function %\(functionId)" }
        for ins in module.instructions {
            let o = ins.operands
            switch ins.opcode {
            case Op.function where o.count >= 2:
                functionId = o[o.startIndex + 1]
                function = names[functionId]
            case Op.functionEnd:
                function = nil
            case Op.fAdd, Op.fSub, Op.fMul, Op.vectorTimesScalar:
                guard o.count >= 2 else { continue }
                report.arithmeticChecked += 1
                let result = o[o.startIndex + 1]
                if !decorated.contains(result) {
                    let what = [Op.fAdd: "OpFAdd", Op.fSub: "OpFSub", Op.fMul: "OpFMul"][ins.opcode] ?? "OpVectorTimesScalar"
                    report.findings.append("\(what) %\(result) \(place()) lacks NoContraction (not `precise`)")
                }
            case Op.dot:
                report.findings.append("OpDot \(place()): the driver picks its summation order")
            case Op.extInst where o.count >= 4 && o[o.startIndex + 2] == glslSet:
                let instruction = o[o.startIndex + 3]
                if instruction == GLSLStd450.fma {
                    report.fmaSeen += 1
                    if !(function.map(policy.fmaAllowedIn.contains) ?? false) {
                        report.findings.append("GLSL.std.450 Fma \(place()): a fused multiply-add the code did not ask for")
                    }
                } else if instruction == GLSLStd450.sqrt {
                    if !(function.map(policy.sqrtAllowedIn.contains) ?? false) {
                        report.findings.append("GLSL.std.450 Sqrt \(place()): use exact_sqrt")
                    }
                } else if GLSLStd450.isForbidden(instruction) {
                    report.findings.append("GLSL.std.450 instruction \(instruction) \(place()): a driver approximation or hidden sum")
                }
            default: break
            }
        }
        return report
    }
}
