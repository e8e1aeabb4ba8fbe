// CLIP image preprocessing: transformers' CLIPImageProcessor with the PIL backend (the "slow" processor that
// LoRWeB's reference used), reproduced bit for bit. port of transformers image_processing_backends.PilBackend
// (_preprocess, resize, center_crop, rescale, normalize) and image_transforms (get_resize_output_image_size,
// center_crop, rescale, normalize).
//
// Exact sequence per image (Docs/LORWEB.md §2.1):
//   1. resize (PIL BICUBIC, Pillow-exact `ImageResize`): shortest edge -> size; the long edge becomes
//      Int(Double(size * long) / Double(short)) (Python `int(size * long / short)`); or to (height, width) if given.
//   2. centre crop: top = floor((h - ch) / 2), left = floor((w - cw) / 2); pixels outside the image are 0
//      (transformers pads a too-small image with zeros, centred the same way).
//   3. rescale: v = Float(Double(u8) * rescale_factor)   (numpy: float64 multiply, then cast to float32)
//   4. normalize: v = (v - Float(mean[c])) / Float(std[c])   (float32 subtract, then float32 divide)
// Output layout: [C, crop_height, crop_width] (NCHW without the batch axis), channels R, G, B.

import Foundation
import Formats
import TensorCore

public struct CLIPPreprocessor: Decodable, Sendable, Equatable {
    public var doResize: Bool = true
    /// Resize target: shortest edge (the CLIP default) or an exact size.
    public var resize: ResizeTarget = .shortestEdge(224)
    /// PIL resample code (3 = BICUBIC, the only one CLIP uses; others are refused).
    public var resample: Int = 3
    public var doCenterCrop: Bool = true
    public var cropHeight: Int = 224
    public var cropWidth: Int = 224
    public var doRescale: Bool = true
    public var rescaleFactor: Double = 1.0 / 255.0
    public var doNormalize: Bool = true
    public var imageMean: [Double] = CLIPPreprocessor.openAIMean
    public var imageStd: [Double] = CLIPPreprocessor.openAIStd

    public enum ResizeTarget: Sendable, Equatable {
        case shortestEdge(Int)
        case exact(height: Int, width: Int)
    }

    /// OPENAI_CLIP_MEAN / OPENAI_CLIP_STD (transformers image_utils).
    public static let openAIMean: [Double] = [0.48145466, 0.4578275, 0.40821073]
    public static let openAIStd: [Double] = [0.26862954, 0.26130258, 0.27577711]

    /// CLIPImageProcessor defaults: shortest edge 224, crop 224×224, OpenAI mean/std (openai/clip-vit-large-patch14).
    public init() {}

    /// A square CLIP preprocessor for a given input size (shortest edge = crop = `size`).
    public init(size: Int) {
        resize = .shortestEdge(size)
        cropHeight = size
        cropWidth = size
    }

    enum CodingKeys: String, CodingKey {
        case doResize = "do_resize", size, resample, doCenterCrop = "do_center_crop", cropSize = "crop_size"
        case doRescale = "do_rescale", rescaleFactor = "rescale_factor", doNormalize = "do_normalize"
        case imageMean = "image_mean", imageStd = "image_std"
    }

    /// `{"shortest_edge": n}`, `{"height": h, "width": w}`, or a bare integer (older configs).
    struct SizeDict: Decodable {
        var shortestEdge: Int?
        var height: Int?
        var width: Int?
        enum Keys: String, CodingKey { case shortestEdge = "shortest_edge", height, width }
        init(from decoder: Decoder) throws {
            if let n = try? decoder.singleValueContainer().decode(Int.self) {
                shortestEdge = n; height = n; width = n
                return
            }
            let c = try decoder.container(keyedBy: Keys.self)
            shortestEdge = try c.decodeIfPresent(Int.self, forKey: .shortestEdge)
            height = try c.decodeIfPresent(Int.self, forKey: .height)
            width = try c.decodeIfPresent(Int.self, forKey: .width)
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        doResize = try c.decodeIfPresent(Bool.self, forKey: .doResize) ?? true
        if let size = try c.decodeIfPresent(SizeDict.self, forKey: .size) {
            if let s = size.shortestEdge {
                resize = .shortestEdge(s)
            } else if let h = size.height, let w = size.width {
                resize = .exact(height: h, width: w)
            } else {
                throw CLIPError.invalidConfig("size needs shortest_edge or height and width")
            }
        }
        resample = try c.decodeIfPresent(Int.self, forKey: .resample) ?? 3
        doCenterCrop = try c.decodeIfPresent(Bool.self, forKey: .doCenterCrop) ?? true
        if let crop = try c.decodeIfPresent(SizeDict.self, forKey: .cropSize) {
            guard let h = crop.height, let w = crop.width else {
                throw CLIPError.invalidConfig("crop_size needs height and width")
            }
            cropHeight = h
            cropWidth = w
        }
        doRescale = try c.decodeIfPresent(Bool.self, forKey: .doRescale) ?? true
        rescaleFactor = try c.decodeIfPresent(Double.self, forKey: .rescaleFactor) ?? 1.0 / 255.0
        doNormalize = try c.decodeIfPresent(Bool.self, forKey: .doNormalize) ?? true
        imageMean = try c.decodeIfPresent([Double].self, forKey: .imageMean) ?? Self.openAIMean
        imageStd = try c.decodeIfPresent([Double].self, forKey: .imageStd) ?? Self.openAIStd
    }

    public func validate(source: String = "preprocessor config") throws {
        func bad(_ m: String) -> CLIPError { .invalidConfig("\(source): \(m)") }
        if resample != 3 { throw bad("resample \(resample) is not supported (3 = BICUBIC)") }
        switch resize {
        case .shortestEdge(let s) where s <= 0: throw bad("size.shortest_edge must be positive, got \(s)")
        case .exact(let h, let w) where h <= 0 || w <= 0: throw bad("size \(h)x\(w) must be positive")
        default: break
        }
        if doCenterCrop && (cropHeight <= 0 || cropWidth <= 0) { throw bad("crop_size \(cropHeight)x\(cropWidth) must be positive") }
        if imageMean.count != 3 || imageStd.count != 3 {
            throw bad("image_mean and image_std need 3 values (RGB), got \(imageMean.count) and \(imageStd.count)")
        }
        if imageStd.contains(where: { $0 == 0 }) { throw bad("image_std contains 0") }
    }

    public static func decode(_ data: Data, source: String = "preprocessor_config.json") throws -> CLIPPreprocessor {
        let p: CLIPPreprocessor
        do { p = try JSONDecoder().decode(CLIPPreprocessor.self, from: data) } catch let e as CLIPError {
            throw CLIPError.invalidConfig("\(source): \(e)")
        } catch {
            throw CLIPError.invalidConfig("\(source): \(error)")
        }
        try p.validate(source: source)
        return p
    }

    public static func load(path: String) throws -> CLIPPreprocessor {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CLIPError.invalidConfig("\(path): cannot read (\(error.localizedDescription))")
        }
        return try decode(data, source: path)
    }

    /// (width, height) after the resize step, as transformers computes it.
    public func resizedSize(width: Int, height: Int) -> (width: Int, height: Int) {
        switch resize {
        case .exact(let h, let w):
            return (w, h)
        case .shortestEdge(let size):
            let (short, long) = width <= height ? (width, height) : (height, width)
            let newLong = Int(Double(size * long) / Double(short))   // Python int(size * long / short)
            return width <= height ? (size, newLong) : (newLong, size)
        }
    }

    /// The resized and centre-cropped 8-bit image (steps 1-2).
    public func resizedAndCropped(_ image: RGBImage) throws -> RGBImage {
        guard image.width > 0 && image.height > 0 else {
            throw CLIPError.invalidInput("CLIP preprocessing: empty image \(image.width)x\(image.height)")
        }
        var img = image
        if doResize {
            let (w, h) = resizedSize(width: image.width, height: image.height)
            guard w > 0 && h > 0 else {
                throw CLIPError.invalidInput("CLIP preprocessing: \(image.width)x\(image.height) resizes to \(w)x\(h)")
            }
            img = ImageResize.resize(image, width: w, height: h, filter: .bicubic)
        }
        if doCenterCrop { img = Self.centerCrop(img, width: cropWidth, height: cropHeight) }
        return img
    }

    /// Pixel values [3, H, W] of one image (steps 1-4).
    public func callAsFunction(_ image: RGBImage) throws -> Tensor {
        try validate()
        let img = try resizedAndCropped(image)
        let w = img.width, h = img.height
        var out = [Float](repeating: 0, count: 3 * w * h)
        let mean = imageMean.map { Float($0) }
        let std = imageStd.map { Float($0) }
        for c in 0..<3 {
            for y in 0..<h {
                for x in 0..<w {
                    let byte = img.pixels[3 * (y * w + x) + c]
                    var v = doRescale ? Float(Double(byte) * rescaleFactor) : Float(byte)
                    if doNormalize { v = (v - mean[c]) / std[c] }
                    out[(c * h + y) * w + x] = v
                }
            }
        }
        return Tensor(shape: [3, h, w], data: out)
    }

    /// Pixel values [N, 3, H, W] of several images (all must come out the same size: centre crop on).
    public func batch(_ images: [RGBImage]) throws -> Tensor {
        var data: [Float] = []
        var shape: [Int]? = nil
        for image in images {
            let t = try self(image)
            if let s = shape, s != t.shape {
                throw CLIPError.invalidInput("CLIP preprocessing: images give pixel values \(s) and \(t.shape); enable the centre crop")
            }
            shape = t.shape
            data.append(contentsOf: t.data)
        }
        guard let s = shape else { throw CLIPError.invalidInput("CLIP preprocessing: no images") }
        return Tensor(shape: [images.count] + s, data: data)
    }

    /// transformers' center_crop on 8-bit pixels: offsets floor((size - crop) / 2); outside the image reads 0.
    static func centerCrop(_ image: RGBImage, width cw: Int, height ch: Int) -> RGBImage {
        if image.width == cw && image.height == ch { return image }
        let top = floorDiv(image.height - ch, 2)
        let left = floorDiv(image.width - cw, 2)
        var out = RGBImage(width: cw, height: ch)
        for y in 0..<ch {
            let sy = y + top
            guard sy >= 0 && sy < image.height else { continue }
            for x in 0..<cw {
                let sx = x + left
                guard sx >= 0 && sx < image.width else { continue }
                out.setPixel(x, y, image.pixel(sx, sy))
            }
        }
        return out
    }

    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
