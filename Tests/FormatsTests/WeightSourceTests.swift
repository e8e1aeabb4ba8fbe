import XCTest
import Formats
import TensorCore
#if canImport(Glibc)
import Glibc
#endif

final class WeightSourceTests: XCTestCase {
    func writeShards(in dir: TemporaryFolder, prefix: String) throws {
        try SafetensorsWriter.write([(name: "a", tensor: Tensor(shape: [2], data: [1, 2])),
                                     (name: "b", tensor: Tensor(shape: [1, 1], data: [3]))],
                                    dtype: .bf16, to: dir.file("\(prefix)-00001-of-00002.safetensors"))
        try SafetensorsWriter.write([(name: "c", tensor: Tensor(shape: [3], data: [4, 5, 6]))],
                                    to: dir.file("\(prefix)-00002-of-00002.safetensors"))
        let index = """
        {"metadata": {"total_size": 14, "note": "x"},
         "weight_map": {"a": "\(prefix)-00001-of-00002.safetensors", "b": "\(prefix)-00001-of-00002.safetensors",
                        "c": "\(prefix)-00002-of-00002.safetensors"}}
        """
        writeBytes(Array(index.utf8), to: dir.file("\(prefix).safetensors.index.json"))
    }

    func testShardedIndex() throws {
        let dir = TemporaryFolder()
        try writeShards(in: dir, prefix: "model")
        let sharded = try ShardedSafetensors(indexPath: dir.file("model.safetensors.index.json"))
        XCTAssertEqual(sharded.keys, ["a", "b", "c"])
        XCTAssertEqual(sharded.metadata, ["total_size": "14", "note": "x"])
        XCTAssertEqual(try sharded.tensor("a"), Tensor(shape: [2], data: [1, 2]))
        XCTAssertEqual(try sharded.info("b").dtype, .bf16)
        XCTAssertEqual(try sharded.tensor("c"), Tensor(shape: [3], data: [4, 5, 6]))
        XCTAssertEqual(try sharded.rawBytes("c").count, 12)
        XCTAssertThrowsError(try sharded.tensor("zz"))
    }

    func testOpenAcceptsFileIndexAndFolders() throws {
        // diffusers layout: sharded transformer folder.
        let diffusers = TemporaryFolder()
        try writeShards(in: diffusers, prefix: "diffusion_pytorch_model")
        XCTAssertEqual(try WeightSources.open(path: diffusers.path).keys, ["a", "b", "c"])
        XCTAssertEqual(try WeightSources.open(path: diffusers.path + "/").keys, ["a", "b", "c"])
        XCTAssertEqual(try WeightSources.open(path: diffusers.file("diffusion_pytorch_model.safetensors.index.json")).keys,
                       ["a", "b", "c"])

        // transformers layout: one model.safetensors.
        let single = TemporaryFolder()
        try SafetensorsWriter.write([(name: "w", tensor: Tensor(shape: [1], data: [7]))], to: single.file("model.safetensors"))
        let source = try WeightSources.open(path: single.path)
        XCTAssertTrue(source is SafetensorsFile)
        XCTAssertEqual(try source.tensor("w").data, [7])

        // Any folder with exactly one .safetensors file.
        let other = TemporaryFolder()
        try SafetensorsWriter.write([(name: "q", tensor: Tensor(shape: [1], data: [8]))], to: other.file("lora.safetensors"))
        XCTAssertEqual(try WeightSources.open(path: other.path).keys, ["q"])
        XCTAssertEqual(try WeightSources.open(path: other.file("lora.safetensors")).keys, ["q"])
    }

    /// rawBytes stays valid while the file object lives, even after the file is deleted (mmap).
    func testRawBytesOutliveTheDirectoryEntry() throws {
        let dir = TemporaryFolder()
        let path = dir.file("m.safetensors")
        try SafetensorsWriter.write([(name: "x", tensor: Tensor(shape: [4], data: [1, 2, 3, 4]))], to: path)
        let file = try SafetensorsFile(path: path)
        unlink(path)
        let bytes = try file.rawBytes("x")
        XCTAssertEqual(bytes.loadUnaligned(fromByteOffset: 12, as: Float.self), 4)
    }

    /// The header we write reads back in Python's safetensors format exactly: check its text.
    func testHeaderTextIsCanonical() throws {
        let dir = TemporaryFolder()
        let path = dir.file("h.safetensors")
        try SafetensorsWriter.write([(name: "z", tensor: Tensor(shape: [1, 2], data: [0, 1])),
                                     (name: "a", tensor: Tensor(shape: [1], data: [2]))],
                                    dtype: .f16, metadata: ["b": "2", "a": "1"], to: path)
        let bytes = readBytes(path)
        let n = Int(bytes[0]) | Int(bytes[1]) << 8
        let header = String(decoding: bytes[8..<(8 + n)], as: UTF8.self)
        XCTAssertEqual(header, #"{"__metadata__":{"a":"1","b":"2"},"z":{"dtype":"F16","shape":[1,2],"data_offsets":[0,4]},"a":{"dtype":"F16","shape":[1],"data_offsets":[4,6]}}"# + "  ")
        XCTAssertEqual(Array(bytes[(8 + n)...]), [0x00, 0x00, 0x00, 0x3C, 0x00, 0x40])
    }
}
