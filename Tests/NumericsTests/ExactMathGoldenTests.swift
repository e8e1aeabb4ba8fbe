import Numerics
import XCTest

/// A golden for the math itself: 16 inputs per function and the exact bit patterns of the outputs.
/// Any change to an op sequence in ExactMath shows up here (and must be a deliberate, documented change,
/// since every backend reproduces these sequences).
final class ExactMathGoldenTests: XCTestCase {
    static let inputs: [Float] = [
        0x1p-149, -0x1p-130, 1e-6, -0.0078125, 0.1, -0.5, 0.75, 1, -1.5, 2.5, -3.75, 7.25, 20.5, -50.125, 88.5, 1e5,
    ]
    static let logInputs: [Float] = [
        0x1p-149, 0x1.8p-130, 1e-6, 0.0078125, 0.1, 0.5, 0.75, 0.99999994, 1.0000001, 1.5, 2.5, 7.25, 20.5, 1e5, 1e30, 0x1.fffffep127,
    ]

    static func table(_ f: (Float) -> Float, _ xs: [Float]) -> [UInt32] { xs.map { f($0).bitPattern } }

    static func hex(_ v: [UInt32]) -> String { v.map { String(format: "0x%08X", $0) }.joined(separator: ", ") }

    func check(_ name: String, _ f: (Float) -> Float, _ xs: [Float], _ golden: [UInt32], file: StaticString = #filePath, line: UInt = #line) {
        let got = Self.table(f, xs)
        XCTAssertEqual(got, golden, "\(name) golden changed; now [\(Self.hex(got))]", file: file, line: line)
    }

    func testExpGolden() {
        check("exp", ExactMath.exp, Self.inputs, [0x3F800000, 0x3F800000, 0x3F800008, 0x3F7E01FF, 0x3F8D763E, 0x3F1B4598, 0x40077CEE, 0x402DF854, 0x3E647C3C, 0x4142EB7F, 0x3CC0A84A, 0x44B0035B, 0x4E3EB628, 0x1B4DC5EE, 0x7F4CDCC4, 0x7F800000])
    }

    func testLogGolden() {
        check("log", ExactMath.log, Self.logInputs, [0xC2CE8ED0, 0xC2B36847, 0xC15D0C55, 0xC09B43D5, 0xC0135D8E, 0xBF317218, 0xBE934B10, 0xB3800000, 0x33FFFFFF, 0x3ECF991F, 0x3F6A9208, 0x3FFD9175, 0x40414EA4, 0x413834F1, 0x428A27B5, 0x42B17218])
    }

    func testSinGolden() {
        check("sin", ExactMath.sin, Self.inputs, [0x00000001, 0x80080000, 0x358637BD, 0xBBFFFF55, 0x3DCC7577, 0xBEF57744, 0x3F2E7FE1, 0x3F576AA4, 0xBF7F5BD5, 0x3F193578, 0x3F1251D8, 0x3F52B56E, 0x3F7F303D, 0x3E0F619F, 0x3F029BD0, 0x3D126D55])
    }

    func testCosGolden() {
        check("cos", ExactMath.cos, Self.inputs, [0x3F800000, 0x3F800000, 0x3F800000, 0x3F7FFE00, 0x3F7EB898, 0x3F60A940, 0x3F3B4FF6, 0x3F0A5140, 0x3D90DEAA, 0xBF4D17C0, 0xBF52102E, 0x3F11637B, 0xBDA2F239, 0x3F7D7A60, 0x3F5C2D01, 0xBF7FD61C])
    }

    func testTanhGolden() {
        check("tanh", ExactMath.tanh, Self.inputs, [0x00000001, 0x80080000, 0x358637BD, 0xBBFFFEAB, 0x3DCC1EBC, 0xBEEC9A9E, 0x3F22991F, 0x3F42F7D6, 0xBF67B7CC, 0x3F7C92C1, 0xBF7FB78C, 0x3F7FFFEF, 0x3F800000, 0xBF800000, 0x3F800000, 0x3F800000])
    }

    func testSigmoidGolden() {
        check("sigmoid", ExactMath.sigmoid, Self.inputs, [0x3F000000, 0x3F000000, 0x3F000004, 0x3EFF0001, 0x3F066509, 0x3EC14D03, 0x3F2DDEA8, 0x3F3B26A8, 0x3E3ACDC2, 0x3F6C948F, 0x3CBC3B0A, 0x3F7FD17E, 0x3F800000, 0x1B4DC5EF, 0x3F800000, 0x3F800000])
    }

    func testErfGolden() {
        check("erf", ExactMath.erf, Self.inputs, [0x00000001, 0x800906EC, 0x359772D0, 0xBC106DFA, 0x3DE652F5, 0xBF053F7B, 0x3F360E4C, 0x3F57BB3D, 0xBF7752AB, 0x3F7FE554, 0xBF7FFFFE, 0x3F800000, 0x3F800000, 0xBF800000, 0x3F800000, 0x3F800000])
    }
}
