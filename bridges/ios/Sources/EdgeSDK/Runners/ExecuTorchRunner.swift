#if canImport(ExecuTorch)
import ExecuTorch
import Foundation

// Written against the Swift API of ExecuTorch's Apple bindings (extension/apple/ExecuTorch/Exported/:
// ExecuTorch+Module.swift, ExecuTorch+Tensor.swift, ExecuTorch+Value.swift, ExecuTorchModule.h/.mm), read at
// pytorch/executorch main cff6f4dd (2026-08-22). Those files are identical on release/1.4; the swiftpm-1.5.1
// branch the package pins carries only binaries, so its sources could not be read here.

/// Runs a bundle's `.pte` with ExecuTorch's Swift package (XNNPACK), for apps whose core is built without
/// ExecuTorch (docs/c-abi.md, "Runners"). Methods `encode` / `decode_step` (correctors) or `classify`
/// (detectors), integer inputs as the program declares them (int64).
public struct ExecuTorchRunnerProvider: RunnerProvider {
    public init() {}

    public var backend: String { "executorch" }

    public func makeCorrectorRunner(artifact: ArtifactInfo, bundle: BundleInfo) throws -> any CorrectorRunner {
        try ExecuTorchCorrector(ExecuTorchProgram(artifact: artifact, methods: ["encode": 1, "decode_step": 4]))
    }

    public func makeClassifierRunner(artifact: ArtifactInfo, bundle: BundleInfo) throws -> any ClassifierRunner {
        try ExecuTorchClassifier(ExecuTorchProgram(artifact: artifact, methods: ["classify": 2]))
    }
}

/// `encode(src_tokens[1, S]) -> memory_kv, memory_bias`, then `decode_step(token[1], position[1], memory_kv,
/// memory_bias) -> logits[1, V]` per step. The self-attention KV cache is a mutable buffer inside the program,
/// so there is nothing to carry between steps but the encoder outputs.
private final class ExecuTorchCorrector: CorrectorRunner {
    private let program: ExecuTorchProgram
    private var memoryKV: AnyTensor?
    private var memoryBias: AnyTensor?

    init(_ program: ExecuTorchProgram) {
        self.program = program
    }

    func encode(_ ids: UnsafeBufferPointer<Int64>) throws {
        guard !ids.isEmpty else { throw program.failure("encode", "called with no tokens") }
        let source = try program.integers(Array(ids), shape: [1, ids.count], method: "encode", input: 0)
        let outputs = try program.execute("encode", [source])
        guard outputs.count == 2, let kv = outputs[0].anyTensor, let bias = outputs[1].anyTensor else {
            throw program.failure("encode", "returned \(outputs.count) values; a corrector's encode returns the "
                                  + "tensors memory_kv and memory_bias")
        }
        // Outputs are views of the method's planned memory (ExecuTorchModule.mm wraps them without a copy),
        // which the runtime may reuse; the decode steps need them until the next encode, so own copies.
        memoryKV = kv.copy()
        memoryBias = bias.copy()
    }

    func decodeStep(token: Int64, position: Int64, logits: UnsafeMutableBufferPointer<Float>) throws {
        guard let memoryKV, let memoryBias else { throw program.failure("decode_step", "called before encode") }
        let inputs: [any ValueConvertible] = [
            try program.integers([token], shape: [1], method: "decode_step", input: 0),
            try program.integers([position], shape: [1], method: "decode_step", input: 1),
            memoryKV,
            memoryBias,
        ]
        try program.copyLogits(program.execute("decode_step", inputs), into: logits, method: "decode_step")
    }
}

/// `classify(features[1, N, T], length[1]) -> logits[1, C]` (docs/bundle-format.md, "The classifier contract").
private final class ExecuTorchClassifier: ClassifierRunner {
    private let program: ExecuTorchProgram

    init(_ program: ExecuTorchProgram) throws {
        self.program = program
        guard program.inputType("classify", 0) == .float else {
            throw program.failure("classify", "its features input is not a float32 tensor")
        }
    }

    func classify(features: UnsafeBufferPointer<Float>, maxWords: Int, featuresPerWord: Int, words: Int,
                  logits: UnsafeMutableBufferPointer<Float>) throws {
        let shape = [1, maxWords, featuresPerWord]
        if let declared = program.inputShape("classify", 0), declared != shape {
            throw program.failure("classify", "takes features \(declared), the core passes \(shape)")
        }
        guard let base = features.baseAddress, features.count == maxWords * featuresPerWord else {
            throw program.failure("classify", "called with \(features.count) features for \(shape)")
        }
        // Copied into the tensor: the core's buffer is only valid during this call.
        let input = AnyTensor(bytes: UnsafeRawPointer(base), shape: shape, dataType: .float)
        let length = try program.integers([Int64(words)], shape: [1], method: "classify", input: 1)
        try program.copyLogits(program.execute("classify", [input, length]), into: logits, method: "classify")
    }
}

/// The artifact's program, loaded once with the methods a runner calls, and the calls into it with their
/// failures named after the artifact and the method.
private final class ExecuTorchProgram {
    private let file: String
    private let module: Module
    private var metadata: [String: MethodMetadata] = [:]

    /// `methods`: each method the runner calls and its input count, checked against the program at open so a
    /// wrong artifact fails there and not on the first sentence.
    init(artifact: ArtifactInfo, methods: [String: Int]) throws {
        file = artifact.file
        guard artifact.backend == "executorch" else {
            throw EdgeSDKError.runtime(code: .runtime, message: "\(artifact.file): the ExecuTorch runner runs "
                                       + "\"executorch\" artifacts, not \"\(artifact.backend)\"")
        }
        // Memory-mapped, as the core's own runner does: the weights stay in the file's pages.
        module = Module(filePath: artifact.url.path, loadMode: .mmap)
        let names: Set<String>
        do {
            try module.load()
            names = try module.methodNames()
        } catch {
            throw failure("load", error.localizedDescription)
        }
        for (method, inputs) in methods.sorted(by: { $0.key < $1.key }) {
            guard names.contains(method) else {
                let available = names.sorted().joined(separator: ", ")
                throw failure(method, "the program has no such method (it has \(available))")
            }
            let meta: MethodMetadata
            do {
                // Loaded now (planning its memory, initialising XNNPACK) rather than lazily on the first call.
                try module.load(method)
                meta = try module.methodMetadata(method)
            } catch {
                throw failure(method, "could not be loaded: \(error.localizedDescription)")
            }
            guard meta.inputValueTags.count == inputs else {
                throw failure(method, "takes \(meta.inputValueTags.count) inputs, the contract has \(inputs)")
            }
            metadata[method] = meta
        }
    }

    func failure(_ method: String, _ detail: String) -> EdgeSDKError {
        .runtime(code: .runtime, message: "\(file): ExecuTorch \(method): \(detail)")
    }

    func inputType(_ method: String, _ index: Int) -> DataType? {
        metadata[method]?.inputTensorMetadata[index]?.dataType
    }

    func inputShape(_ method: String, _ index: Int) -> [Int]? {
        metadata[method]?.inputTensorMetadata[index]?.shape
    }

    /// An integer input in the type the program declares for it: int64 for our exports, int32 accepted too.
    func integers(_ values: [Int64], shape: [Int], method: String, input index: Int) throws -> AnyTensor {
        switch inputType(method, index) {
        case .long?:
            return Tensor<Int64>(values, shape: shape).anyTensor
        case .int?:
            var narrowed: [Int32] = []
            narrowed.reserveCapacity(values.count)
            for value in values {
                guard let int32 = Int32(exactly: value) else {
                    throw failure(method, "\(value) does not fit its int32 input \(index)")
                }
                narrowed.append(int32)
            }
            return Tensor<Int32>(narrowed, shape: shape).anyTensor
        default:
            throw failure(method, "its input \(index) is not an integer tensor")
        }
    }

    func execute(_ method: String, _ inputs: [any ValueConvertible]) throws -> [Value] {
        do {
            return try module.execute(method, inputs)
        } catch {
            throw failure(method, "execution failed: \(error.localizedDescription)")
        }
    }

    /// Writes the first output (float32 logits) into the core's buffer.
    func copyLogits(_ outputs: [Value], into logits: UnsafeMutableBufferPointer<Float>, method: String) throws {
        guard let first = outputs.first, let tensor: Tensor<Float> = first.tensor() else {
            throw failure(method, "did not return float32 logits")
        }
        // Logits [1, V] of a planned output are dense whatever their dimension order, so a flat copy is exact.
        try tensor.withUnsafeBytes { values in
            guard values.count == logits.count else {
                throw failure(method, "returned \(values.count) logits, the core expects \(logits.count)")
            }
            guard let source = values.baseAddress, let destination = logits.baseAddress else { return }
            destination.update(from: source, count: values.count)
        }
    }
}
#endif
