// Flow-matching Euler sampler schedule: diffusers FlowMatchEulerDiscreteScheduler as the FLUX pipelines
// drive it (Docs/FLUX.md §2.3), bit-exact on the float32 values diffusers produces.
//
// port of diffusers/schedulers/scheduling_flow_match_euler_discrete.py (set_timesteps, time_shift, step)
// and diffusers/pipelines/flux/pipeline_flux_kontext.py (calculate_shift, the linspace of sigmas).
//
// Exact sequence (Python floats are IEEE doubles; numpy 2 keeps float32 arrays float32 against Python scalars):
//   sigmas0_i = Float(linspace(1.0, 1.0 / n, n)_i)                  double linspace, rounded once to float32
//   mu  = Double(seq) * m + b,  m = (maxShift - baseShift) / Double(maxSeq - baseSeq),  b = baseShift - m * Double(baseSeq)
//   dynamic, exponential:  e = Float(exp(mu));  σ_i = e / (e + (1 / sigmas0_i - 1))      all float32 ops
//   dynamic, linear:       u = Float(mu);       σ_i = u / (u + (1 / sigmas0_i - 1))
//   static:                σ_i = (Float(shift) * sigmas0_i) / (1 + Float(shift - 1) * sigmas0_i)
//   timesteps_i = σ_i * Float(numTrainTimesteps);   sigmas = [σ_0 … σ_{n-1}, 0]
//   Euler step i: dt = sigmas[i+1] - sigmas[i];  x_out = x + (dt * v)              float32, product rounded, no FMA
// `(…) ** 1.0` in diffusers' time_shift is the identity and is omitted. exp(mu) is `ExactDoubleMath.exp` (IEEE ops only).

import Foundation
import Numerics
import TensorCore

/// `scheduler_config.json` of a diffusers FlowMatchEulerDiscreteScheduler (missing keys take diffusers' defaults).
public struct FlowMatchSchedulerConfig: Codable, Sendable, Equatable {
    public var numTrainTimesteps: Int = 1000
    public var shift: Double = 1.0
    public var useDynamicShifting: Bool = false
    public var baseShift: Double = 0.5
    public var maxShift: Double = 1.15
    public var baseImageSeqLen: Int = 256
    public var maxImageSeqLen: Int = 4096
    /// "exponential" (FLUX) or "linear".
    public var timeShiftType: String = "exponential"
    // Options this port does not implement; a config that turns one on is refused by `validate()`.
    public var invertSigmas: Bool = false
    public var shiftTerminal: Double? = nil
    public var useKarrasSigmas: Bool = false
    public var useExponentialSigmas: Bool = false
    public var useBetaSigmas: Bool = false
    public var stochasticSampling: Bool = false

    enum CodingKeys: String, CodingKey {
        case numTrainTimesteps = "num_train_timesteps"
        case shift
        case useDynamicShifting = "use_dynamic_shifting"
        case baseShift = "base_shift"
        case maxShift = "max_shift"
        case baseImageSeqLen = "base_image_seq_len"
        case maxImageSeqLen = "max_image_seq_len"
        case timeShiftType = "time_shift_type"
        case invertSigmas = "invert_sigmas"
        case shiftTerminal = "shift_terminal"
        case useKarrasSigmas = "use_karras_sigmas"
        case useExponentialSigmas = "use_exponential_sigmas"
        case useBetaSigmas = "use_beta_sigmas"
        case stochasticSampling = "stochastic_sampling"
    }

    public init() {}

    /// FLUX.1-dev / FLUX.1-Kontext-dev `scheduler/scheduler_config.json`.
    public static let flux: FlowMatchSchedulerConfig = {
        var config = FlowMatchSchedulerConfig()
        config.shift = 3.0
        config.useDynamicShifting = true
        return config
    }()

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = FlowMatchSchedulerConfig()
        numTrainTimesteps = try c.decodeIfPresent(Int.self, forKey: .numTrainTimesteps) ?? d.numTrainTimesteps
        shift = try c.decodeIfPresent(Double.self, forKey: .shift) ?? d.shift
        useDynamicShifting = try c.decodeIfPresent(Bool.self, forKey: .useDynamicShifting) ?? d.useDynamicShifting
        baseShift = try c.decodeIfPresent(Double.self, forKey: .baseShift) ?? d.baseShift
        maxShift = try c.decodeIfPresent(Double.self, forKey: .maxShift) ?? d.maxShift
        baseImageSeqLen = try c.decodeIfPresent(Int.self, forKey: .baseImageSeqLen) ?? d.baseImageSeqLen
        maxImageSeqLen = try c.decodeIfPresent(Int.self, forKey: .maxImageSeqLen) ?? d.maxImageSeqLen
        timeShiftType = try c.decodeIfPresent(String.self, forKey: .timeShiftType) ?? d.timeShiftType
        invertSigmas = try c.decodeIfPresent(Bool.self, forKey: .invertSigmas) ?? d.invertSigmas
        shiftTerminal = try c.decodeIfPresent(Double.self, forKey: .shiftTerminal)
        useKarrasSigmas = try c.decodeIfPresent(Bool.self, forKey: .useKarrasSigmas) ?? d.useKarrasSigmas
        useExponentialSigmas = try c.decodeIfPresent(Bool.self, forKey: .useExponentialSigmas) ?? d.useExponentialSigmas
        useBetaSigmas = try c.decodeIfPresent(Bool.self, forKey: .useBetaSigmas) ?? d.useBetaSigmas
        stochasticSampling = try c.decodeIfPresent(Bool.self, forKey: .stochasticSampling) ?? d.stochasticSampling
    }

    /// Decodes a `scheduler_config.json` and validates it.
    public static func load(path: String) throws -> FlowMatchSchedulerConfig {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw SchedulerError.invalidConfig("\(path): cannot read (\(error.localizedDescription))")
        }
        return try decode(data, source: path)
    }

    public static func decode(_ data: Data, source: String = "scheduler config") throws -> FlowMatchSchedulerConfig {
        let config: FlowMatchSchedulerConfig
        do { config = try JSONDecoder().decode(FlowMatchSchedulerConfig.self, from: data) } catch {
            throw SchedulerError.invalidConfig("\(source): \(error)")
        }
        try config.validate(source: source)
        return config
    }

    /// Refuses options that would change the schedule in ways this port does not implement.
    public func validate(source: String = "scheduler config") throws {
        func refuse(_ what: String) -> SchedulerError { .invalidConfig("\(source): \(what) is not supported") }
        if invertSigmas { throw refuse("invert_sigmas") }
        if let t = shiftTerminal, t != 0 { throw refuse("shift_terminal") }
        if useKarrasSigmas { throw refuse("use_karras_sigmas") }
        if useExponentialSigmas { throw refuse("use_exponential_sigmas") }
        if useBetaSigmas { throw refuse("use_beta_sigmas") }
        if stochasticSampling { throw refuse("stochastic_sampling") }
        if timeShiftType != "exponential" && timeShiftType != "linear" {
            throw SchedulerError.invalidConfig("\(source): time_shift_type \"\(timeShiftType)\" (expected exponential or linear)")
        }
        if numTrainTimesteps <= 0 { throw SchedulerError.invalidConfig("\(source): num_train_timesteps \(numTrainTimesteps)") }
        if useDynamicShifting && maxImageSeqLen == baseImageSeqLen {
            throw SchedulerError.invalidConfig("\(source): max_image_seq_len equals base_image_seq_len (division by zero in mu)")
        }
    }
}

public enum SchedulerError: Error, CustomStringConvertible, Equatable {
    case invalidConfig(String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .invalidConfig(let m): return "scheduler: \(m)"
        case .invalidArgument(let m): return "scheduler: \(m)"
        }
    }
}

/// One sampling run's schedule: n sigmas plus the terminal 0, and the n timesteps the transformer sees.
public struct FlowMatchSchedule: Sendable, Equatable {
    /// n + 1 values, decreasing from 1 to the terminal 0.
    public let sigmas: [Float]
    /// n values: sigmas[i] * numTrainTimesteps.
    public let timesteps: [Float]
    /// The dynamic shift used (nil for a static-shift config).
    public let mu: Double?

    public var steps: Int { timesteps.count }

    /// Euler step `index` (0-based) on host memory: x_out[j] = x[j] + dt * v[j] with dt = sigmas[index+1] - sigmas[index]
    /// (float32; the product is rounded, then the add; no FMA). latents and velocity must have the same shape.
    public func step(_ latents: Tensor, velocity: Tensor, index: Int) throws -> Tensor {
        let dt = try delta(index: index, latents: latents, velocity: velocity)
        var out = latents
        out.data.withUnsafeMutableBufferPointer { x in
            velocity.data.withUnsafeBufferPointer { v in
                for j in 0..<x.count { x[j] = x[j] + dt * v[j] }
            }
        }
        return out
    }

    /// The same Euler step through a backend (mul by the scalar dt, then add: the same two roundings).
    public func step(_ latents: Tensor, velocity: Tensor, index: Int, backend: any Backend) throws -> Tensor {
        let dt = try delta(index: index, latents: latents, velocity: velocity)
        return backend.add(latents, backend.mul(velocity, scalar: dt))
    }

    /// sigmas[index + 1] - sigmas[index] (float32), after checking the step and the shapes.
    public func delta(index: Int, latents: Tensor, velocity: Tensor) throws -> Float {
        guard index >= 0 && index < steps else {
            throw SchedulerError.invalidArgument("step index \(index) outside 0..<\(steps)")
        }
        guard latents.shape == velocity.shape else {
            throw SchedulerError.invalidArgument("latents \(latents.shape) and velocity \(velocity.shape) differ in shape")
        }
        return sigmas[index + 1] - sigmas[index]
    }
}

/// Builds schedules from a `FlowMatchSchedulerConfig`.
public struct FlowMatchScheduler: Sendable, Equatable {
    public let config: FlowMatchSchedulerConfig

    public init(config: FlowMatchSchedulerConfig = .flux) throws {
        try config.validate()
        self.config = config
    }

    /// FLUX's `calculate_shift`: mu grows linearly with the number of packed noise tokens, in double.
    public func mu(imageSeqLen: Int) -> Double {
        let m = (config.maxShift - config.baseShift) / Double(config.maxImageSeqLen - config.baseImageSeqLen)
        let b = config.baseShift - m * Double(config.baseImageSeqLen)
        return Double(imageSeqLen) * m + b
    }

    /// The schedule for `steps` inference steps on `imageSeqLen` packed noise tokens (ignored without dynamic shift).
    public func schedule(steps: Int, imageSeqLen: Int) throws -> FlowMatchSchedule {
        guard steps >= 1 else { throw SchedulerError.invalidArgument("steps must be at least 1, got \(steps)") }
        guard imageSeqLen >= 0 else { throw SchedulerError.invalidArgument("image sequence length \(imageSeqLen) is negative") }
        let sigmas0 = SchedulerMath.linspace(1.0, 1.0 / Double(steps), steps).map { Float($0) }
        var shifted = [Float]()
        shifted.reserveCapacity(steps + 1)
        var mu: Double? = nil
        if config.useDynamicShifting {
            let muValue = self.mu(imageSeqLen: imageSeqLen)
            mu = muValue
            let e: Float = config.timeShiftType == "linear" ? Float(muValue) : Float(ExactDoubleMath.exp(muValue))
            for s in sigmas0 { shifted.append(e / (e + (1 / s - 1))) }
        } else {
            let shift = Float(config.shift)
            let shiftMinusOne = Float(config.shift - 1)
            for s in sigmas0 { shifted.append((shift * s) / (1 + shiftMinusOne * s)) }
        }
        let scale = Float(config.numTrainTimesteps)
        let timesteps = shifted.map { $0 * scale }
        shifted.append(0)
        return FlowMatchSchedule(sigmas: shifted, timesteps: timesteps, mu: mu)
    }

    /// Sigmas (n + 1, terminal 0 included).
    public func sigmas(steps: Int, imageSeqLen: Int) throws -> [Float] {
        try schedule(steps: steps, imageSeqLen: imageSeqLen).sigmas
    }

    /// Timesteps (n), as the pipeline hands them to the transformer before its division by 1000.
    public func timesteps(steps: Int, imageSeqLen: Int) throws -> [Float] {
        try schedule(steps: steps, imageSeqLen: imageSeqLen).timesteps
    }
}
