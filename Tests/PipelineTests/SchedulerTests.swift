// FlowMatchScheduler against diffusers' FlowMatchEulerDiscreteScheduler driven as the FLUX/Kontext pipelines do
// (Tools/fixtures/scheduler_fixtures.py): sigmas and timesteps for 7 (steps, image_seq_len) cases, two static-shift
// cases, and a 4-step Euler loop on a [1, 16, 64] latent. Everything is expected bit-exact: the schedule is host
// arithmetic in the same IEEE operations as Python/numpy, and the Euler step is the same two float32 operations.

import Foundation
import Formats
import Numerics
import Pipeline
import TensorCore
import XCTest
#if canImport(Glibc)
import Glibc
private func libmExp(_ x: Double) -> Double { Glibc.exp(x) }
#else
import Darwin
private func libmExp(_ x: Double) -> Double { Darwin.exp(x) }
#endif

final class SchedulerTests: XCTestCase {
    static let fixturePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/scheduler_flux.safetensors").path

    struct Case: Decodable {
        let steps: Int
        let image_seq_len: Int
        let mu: String
    }

    func fixture() throws -> SafetensorsFile { try SafetensorsFile(path: Self.fixturePath) }

    func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

    func maxAbs(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    func testFluxSigmasAndTimestepsAreBitExact() throws {
        let file = try fixture()
        let cases = try JSONDecoder().decode([Case].self, from: Data(file.metadata["cases"]!.utf8))
        XCTAssertEqual(cases.count, 7)
        let scheduler = try FlowMatchScheduler(config: .flux)
        for c in cases {
            let key = "\(c.steps)_\(c.image_seq_len)"
            let schedule = try scheduler.schedule(steps: c.steps, imageSeqLen: c.image_seq_len)
            // mu: Python float arithmetic, reproduced exactly (Double(String) is correctly rounded, like repr).
            XCTAssertEqual(schedule.mu, Double(c.mu)!, key)
            XCTAssertEqual(Float(ExactDoubleMath.exp(schedule.mu!)).bitPattern, try file.tensor("exp_mu_\(key)").data[0].bitPattern, key)
            let sigmas = try file.tensor("sigmas_\(key)").data
            let timesteps = try file.tensor("timesteps_\(key)").data
            print("scheduler \(key): sigmas max abs diff \(maxAbs(schedule.sigmas, sigmas)), "
                  + "timesteps max abs diff \(maxAbs(schedule.timesteps, timesteps))")
            XCTAssertEqual(bits(schedule.sigmas), bits(sigmas), "sigmas \(key)")
            XCTAssertEqual(bits(schedule.timesteps), bits(timesteps), "timesteps \(key)")
            XCTAssertEqual(schedule.sigmas.last, 0)
            XCTAssertEqual(schedule.sigmas.count, c.steps + 1)
        }
    }

    func testStaticShiftIsBitExact() throws {
        let file = try fixture()
        var config = FlowMatchSchedulerConfig.flux
        config.useDynamicShifting = false
        let scheduler = try FlowMatchScheduler(config: config)
        for steps in [10, 3] {
            let schedule = try scheduler.schedule(steps: steps, imageSeqLen: 4096)
            XCTAssertNil(schedule.mu)
            XCTAssertEqual(bits(schedule.sigmas), bits(try file.tensor("sigmas_static_\(steps)").data), "static \(steps)")
            XCTAssertEqual(bits(schedule.timesteps), bits(try file.tensor("timesteps_static_\(steps)").data), "static \(steps)")
        }
    }

    func testEulerLoopIsBitExact() throws {
        let file = try fixture()
        let schedule = try FlowMatchScheduler(config: .flux).schedule(steps: 4, imageSeqLen: 16)
        var host = try file.tensor("euler_latents0")
        var viaBackend = host
        let velocity = try file.tensor("euler_velocity")
        let want = try file.tensor("euler_latents")
        let n = host.count
        let backend = CPUBackend(threads: 2)
        for i in 0..<4 {
            let v = Tensor(shape: host.shape, data: Array(velocity.data[(i * n)..<((i + 1) * n)]))
            host = try schedule.step(host, velocity: v, index: i)
            viaBackend = try schedule.step(viaBackend, velocity: v, index: i, backend: backend)
            let ref = Array(want.data[(i * n)..<((i + 1) * n)])
            print("scheduler Euler step \(i): max abs diff \(maxAbs(host.data, ref))")
            XCTAssertEqual(bits(host.data), bits(ref), "step \(i)")
            XCTAssertEqual(bits(viaBackend.data), bits(ref), "step \(i) via backend")
        }
        XCTAssertThrowsError(try schedule.step(host, velocity: host, index: 4))
        XCTAssertThrowsError(try schedule.step(host, velocity: Tensor(zeros: [3]), index: 0))
    }

    func testConfigDecodingMatchesFluxAndRefusesUnsupportedOptions() throws {
        let file = try fixture()
        let decoded = try FlowMatchSchedulerConfig.decode(Data(file.metadata["config"]!.utf8))
        XCTAssertEqual(decoded, .flux)
        let defaults = try FlowMatchSchedulerConfig.decode(Data("{}".utf8))
        XCTAssertEqual(defaults.shift, 1.0)
        XCTAssertFalse(defaults.useDynamicShifting)
        XCTAssertThrowsError(try FlowMatchSchedulerConfig.decode(Data(#"{"use_karras_sigmas": true}"#.utf8))) {
            XCTAssertTrue("\($0)".contains("use_karras_sigmas"), "\($0)")
        }
        XCTAssertThrowsError(try FlowMatchSchedulerConfig.decode(Data(#"{"time_shift_type": "cosine"}"#.utf8)))
        XCTAssertThrowsError(try FlowMatchScheduler(config: .flux).schedule(steps: 0, imageSeqLen: 16))
    }

    /// The IEEE-only double exp against glibc's (a reference here, never on the output path): at most 1 ulp apart,
    /// and identical after rounding to float32 (what the schedule uses) over a dense sweep of mu-like arguments.
    func testDoubleExpAgreesWithLibm() {
        var maxUlps: UInt64 = 0
        var floatMismatches = 0
        let count = 200_000
        for i in 0..<count {
            let x = -4.0 + 12.0 * Double(i) / Double(count)   // mu for seq lengths up to ~60k tokens
            let mine = ExactDoubleMath.exp(x), ref = libmExp(x)
            let d = mine.bitPattern > ref.bitPattern ? mine.bitPattern - ref.bitPattern : ref.bitPattern - mine.bitPattern
            maxUlps = max(maxUlps, d)
            if Float(mine) != Float(ref) { floatMismatches += 1 }
        }
        for x in [-700.0, -30.5, -1e-300, 0, 1e-300, 0.5, 1, 30.25, 700] {
            let mine = ExactDoubleMath.exp(x), ref = libmExp(x)
            XCTAssertLessThanOrEqual(abs(mine - ref), 2 * ref.ulp, "exp(\(x))")
        }
        print("ExactDoubleMath.exp: max \(maxUlps) ulp from glibc over \(count) points; \(floatMismatches) float32 mismatches")
        XCTAssertLessThanOrEqual(maxUlps, 1)
        XCTAssertEqual(floatMismatches, 0)
        XCTAssertEqual(ExactDoubleMath.exp(0), 1)
        XCTAssertEqual(ExactDoubleMath.exp(800), .infinity)
        XCTAssertEqual(ExactDoubleMath.exp(-800), 0)
        XCTAssertTrue(ExactDoubleMath.exp(.nan).isNaN)
    }

    func testLinspaceFollowsNumpy() {
        // numpy.linspace(1.0, 1/28, 28)[1] == 1 + 1 * ((1/28 - 1) / 27) and the last element is exactly 1/28.
        let y = SchedulerMath.linspace(1.0, 1.0 / 28.0, 28)
        XCTAssertEqual(y.count, 28)
        XCTAssertEqual(y[0], 1.0)
        XCTAssertEqual(y[1], 1.0 * ((1.0 / 28.0 - 1.0) / 27.0) + 1.0)
        XCTAssertEqual(y[27], 1.0 / 28.0)
        XCTAssertEqual(SchedulerMath.linspace(1.0, 1.0, 1), [1.0])
        XCTAssertEqual(SchedulerMath.linspace(0, 1, 0), [])
    }
}
