// The sizes FluxKontextPipeline.__call__ computes (Docs/FLUX.md §2.4, diffusers pipeline_flux_kontext.py):
// the output from `max_area` and the input's aspect ratio, the reference image from its own size (optionally
// snapped to the resolutions Kontext was trained on), each floored to a multiple of vae_scale_factor · 2.
import Foundation

public enum KontextSizes {
    /// FluxKontextPipeline's default max_area (1024²) and LoRWeB's (the same).
    public static let defaultMaxArea = 1024 * 1024

    /// PREFERRED_KONTEXT_RESOLUTIONS as (width, height), in the pipeline's order.
    public static let preferredResolutions: [(width: Int, height: Int)] = [
        (672, 1568), (688, 1504), (720, 1456), (752, 1392), (800, 1328), (832, 1248), (880, 1184), (944, 1104),
        (1024, 1024), (1104, 944), (1184, 880), (1248, 832), (1328, 800), (1392, 752), (1456, 720), (1504, 688),
        (1568, 672),
    ]

    /// The generated image's size: ar = width / height; W = round(sqrt(maxArea·ar)), H = round(sqrt(maxArea/ar))
    /// (Python's round: half to even; `** 0.5` is libm's pow), each floored to a multiple of `multiple`.
    public static func output(width: Int, height: Int, maxArea: Int, multiple: Int) -> (width: Int, height: Int) {
        let aspect = Double(width) / Double(height)
        let w = Int(pow(Double(maxArea) * aspect, 0.5).rounded(.toNearestOrEven))
        let h = Int(pow(Double(maxArea) / aspect, 0.5).rounded(.toNearestOrEven))
        return (w / multiple * multiple, h / multiple * multiple)
    }

    /// The reference image's size: its own size floored to `multiple` (get_default_height_width); with
    /// `autoResize`, the preferred resolution nearest in aspect ratio instead (Python's min over
    /// (|ar − w/h|, w, h): ties go to the smaller width, then height); then floored to `multiple` again.
    public static func reference(width: Int, height: Int, multiple: Int, autoResize: Bool) -> (width: Int, height: Int) {
        var w = width / multiple * multiple, h = height / multiple * multiple
        if autoResize {
            let aspect = Double(w) / Double(h)
            let best = preferredResolutions.min { x, y in
                let dx = abs(aspect - Double(x.width) / Double(x.height))
                let dy = abs(aspect - Double(y.width) / Double(y.height))
                return (dx, x.width, x.height) < (dy, y.width, y.height)
            }!
            (w, h) = best
        }
        return (w / multiple * multiple, h / multiple * multiple)
    }
}
