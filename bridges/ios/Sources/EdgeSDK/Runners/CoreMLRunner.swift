#if canImport(CoreML)
import CoreML
import Foundation

/// Runs a bundle's Core ML artifacts for the core (docs/bundle-format.md, "The EdgeFormer (seq2seq) contract"):
/// - `coreml` (iOS 18+ / macOS 15+): one multifunction `.mlpackage` with functions `encode` and `decode_step`;
///   the decoder's KV cache is Core ML state (`MLState`);
/// - `coreml-ios16`: a folder with `encode.mlpackage` and `decode_step.mlpackage`; the cache is the explicit
///   `self_kv` input / `self_kv_out` output pair (the manifest's `feeds`);
/// - detector artifacts of either kind (`classify`).
///
/// Each package is compiled on the device the first time and the compiled model is kept in the app's caches
/// folder, keyed by the artifact's SHA-256 (the bundle folder itself may be read-only).
public struct CoreMLRunnerProvider: RunnerProvider {
    // Stored as the raw value: the provider must be Sendable, and that does not depend on how an SDK
    // annotates the imported MLComputeUnits enum.
    private let computeUnitsRawValue: Int

    /// `computeUnits`: where Core ML may run the model (default `.all`: CPU, GPU and Neural Engine).
    public init(computeUnits: MLComputeUnits = .all) {
        computeUnitsRawValue = computeUnits.rawValue
    }

    public var computeUnits: MLComputeUnits { MLComputeUnits(rawValue: computeUnitsRawValue) ?? .all }

    public var backend: String { "coreml" }

    public func makeCorrectorRunner(artifact: ArtifactInfo, bundle: BundleInfo) throws -> any CorrectorRunner {
        let package = try CoreMLPackage(artifact: artifact, bundle: bundle, computeUnits: computeUnits)
        return try package.running("open") { () throws -> any CorrectorRunner in
            guard package.isMultifunction else { return try CoreMLExplicitCacheCorrector(package) }
            guard #available(iOS 18.0, macOS 15.0, *) else { throw package.iOS18Required() }
            return try CoreMLStatefulCorrector(package)
        }
    }

    public func makeClassifierRunner(artifact: ArtifactInfo, bundle: BundleInfo) throws -> any ClassifierRunner {
        let package = try CoreMLPackage(artifact: artifact, bundle: bundle, computeUnits: computeUnits)
        return try package.running("open") { () throws -> any ClassifierRunner in try CoreMLClassifier(package) }
    }
}

// MARK: - Runners

/// iOS 18: the decoder's self-attention cache lives in an `MLState` of the `decode_step` function.
@available(iOS 18.0, macOS 15.0, *)
private final class CoreMLStatefulCorrector: CorrectorRunner {
    private let package: CoreMLPackage
    private let encoder: CoreMLEncoder
    private let decoder: MLModel
    private let step: CoreMLStepInputs
    private var memory: [String: MLFeatureValue] = [:]
    private var state: MLState?

    init(_ package: CoreMLPackage) throws {
        self.package = package
        decoder = try package.model(for: "decode_step")
        guard !decoder.modelDescription.stateDescriptionsByName.isEmpty else {
            throw package.failure("decode_step", "the function has no Core ML state (the KV cache must be state "
                                  + "in a \"coreml\" artifact; iOS 16/17 packages are \"coreml-ios16\")")
        }
        encoder = try CoreMLEncoder(package, decoder: decoder)
        step = try CoreMLStepInputs(package, decoder: decoder)
    }

    func encode(_ ids: UnsafeBufferPointer<Int64>) throws {
        try package.running("encode") {
            (memory, state) = ([:], nil)  // a failed encode must not leave the last sentence's outputs usable
            memory = try encoder.run(ids)
            // A fresh cache per sentence (docs/c-abi.md, "Runners"): slots after `position` are masked, so
            // reusing one would also work, but a new state carries nothing over from a decode that failed.
            state = decoder.makeState()
        }
    }

    func decodeStep(token: Int64, position: Int64, logits: UnsafeMutableBufferPointer<Float>) throws {
        try package.running("decode_step") {
            guard let state, !memory.isEmpty else { throw package.failure("decode_step", "called before encode") }
            let inputs = try step.features(token: token, position: position, memory: memory)
            let output = try decoder.prediction(from: MLDictionaryFeatureProvider(dictionary: inputs), using: state)
            try copyLogits(output, into: logits, package: package, method: "decode_step")
        }
    }
}

/// iOS 16/17: the cache is an input the step returns updated; it is kept here and fed back each step.
private final class CoreMLExplicitCacheCorrector: CorrectorRunner {
    private let package: CoreMLPackage
    private let encoder: CoreMLEncoder
    private let decoder: MLModel
    private let step: CoreMLStepInputs
    private let cacheInput: String
    private let cacheOutput: String
    // In the type decode_step declares for the input (float32), which need not be the type it returns
    // (float16 for fp16 packages): each step's output is converted into it.
    private let cache: MLMultiArray
    private var memory: [String: MLFeatureValue] = [:]

    init(_ package: CoreMLPackage) throws {
        self.package = package
        decoder = try package.model(for: "decode_step")
        let signature = try package.signature("decode_step")
        guard let fed = signature.outputs.first(where: { $0.feeds != nil }), let input = fed.feeds else {
            throw package.failure("decode_step", "the manifest names no output that feeds an input (the "
                                  + "self_kv_out -> self_kv cache a \"coreml-ios16\" decode_step has)")
        }
        cacheOutput = fed.name
        cacheInput = input
        let constraint = try package.arrayInput(cacheInput, of: decoder, method: "decode_step")
        cache = try MultiArrays.make(shape: constraint.shape.map(\.intValue), dataType: constraint.dataType)
        encoder = try CoreMLEncoder(package, decoder: decoder)
        step = try CoreMLStepInputs(package, decoder: decoder)
    }

    func encode(_ ids: UnsafeBufferPointer<Int64>) throws {
        try package.running("encode") {
            memory = [:]  // a failed encode must not leave the last sentence's outputs usable
            memory = try encoder.run(ids)
            try MultiArrays.fill(cache) { _ in 0 }  // each sentence starts from an empty cache
        }
    }

    func decodeStep(token: Int64, position: Int64, logits: UnsafeMutableBufferPointer<Float>) throws {
        try package.running("decode_step") {
            guard !memory.isEmpty else { throw package.failure("decode_step", "called before encode") }
            var inputs = try step.features(token: token, position: position, memory: memory)
            inputs[cacheInput] = MLFeatureValue(multiArray: cache)
            let output = try decoder.prediction(from: MLDictionaryFeatureProvider(dictionary: inputs))
            try copyLogits(output, into: logits, package: package, method: "decode_step")
            guard let updated = output.featureValue(for: cacheOutput)?.multiArrayValue else {
                throw package.failure("decode_step", "returned no \(cacheOutput)")
            }
            // The prediction has returned, so Core ML no longer reads `cache`: overwrite it in place.
            try MultiArrays.copy(updated, into: cache, what: cacheOutput)
        }
    }
}

/// `classify(features[1, N, T], length[1]) -> logits[1, C]` (docs/bundle-format.md, "The classifier contract").
private final class CoreMLClassifier: ClassifierRunner {
    private let package: CoreMLPackage
    private let model: MLModel
    private let features: MLMultiArray
    private let length: MLMultiArray

    init(_ package: CoreMLPackage) throws {
        self.package = package
        model = try package.model(for: "classify")
        let featureConstraint = try package.arrayInput("features", of: model, method: "classify")
        features = try MultiArrays.make(shape: featureConstraint.shape.map(\.intValue),
                                        dataType: featureConstraint.dataType)
        let lengthConstraint = try package.arrayInput("length", of: model, method: "classify")
        length = try MultiArrays.make(shape: [1], dataType: lengthConstraint.dataType)
    }

    func classify(features input: UnsafeBufferPointer<Float>, maxWords: Int, featuresPerWord: Int, words: Int,
                  logits: UnsafeMutableBufferPointer<Float>) throws {
        try package.running("classify") {
            let shape = features.shape.map(\.intValue)
            guard shape == [1, maxWords, featuresPerWord], input.count == maxWords * featuresPerWord else {
                throw package.failure("classify", "takes features \(shape), the core passes [1, \(maxWords), "
                                      + "\(featuresPerWord)]")
            }
            // Row-major [1, N, T] is the order the core lays the features out in.
            try MultiArrays.fill(features) { Double(input[$0]) }
            try MultiArrays.fill(length) { _ in Double(words) }
            let inputs = ["features": MLFeatureValue(multiArray: features),
                          "length": MLFeatureValue(multiArray: length)]
            let output = try model.prediction(from: MLDictionaryFeatureProvider(dictionary: inputs))
            try copyLogits(output, into: logits, package: package, method: "classify")
        }
    }
}

// MARK: - The two halves of a corrector step

/// `encode`, shared by both correctors: runs it and keeps `memory_kv` / `memory_bias` in the types
/// `decode_step` declares for them.
private struct CoreMLEncoder {
    private let package: CoreMLPackage
    private let model: MLModel
    private let sourceName: String
    private let tokenType: MLMultiArrayDataType
    private let lengths: ClosedRange<Int>
    // Set where the export fixed the source length: shorter sources are padded with `padValue` (the model
    // masks it). Core ML exports keep the length dynamic (ct.RangeDim), so this is nil for them today.
    private let paddedLength: Int?
    private let padValue: Double
    private let outputs: [String]
    private let memoryTypes: [String: MLMultiArrayDataType]

    init(_ package: CoreMLPackage, decoder: MLModel) throws {
        self.package = package
        model = try package.model(for: "encode")
        let signature = try package.signature("encode")
        guard let source = signature.inputs.first, source.shape.count == 2 else {
            throw package.failure("encode", "the manifest gives it no [1, S] source input")
        }
        sourceName = source.name
        tokenType = try package.arrayInput(source.name, of: model, method: "encode").dataType
        switch source.shape[1] {
        case .fixed(let size):
            paddedLength = size
            padValue = source.padValue ?? 0
            lengths = 1...size
        case .named(let dimension):
            guard let bounds = signature.dims?[dimension], bounds.count == 2, bounds[0] <= bounds[1] else {
                throw package.failure("encode", "the manifest gives no bounds for its dimension \(dimension)")
            }
            paddedLength = nil
            padValue = 0
            lengths = bounds[0]...bounds[1]
        }
        outputs = signature.outputs.map(\.name)
        var types: [String: MLMultiArrayDataType] = [:]
        for name in outputs {
            types[name] = try package.arrayInput(name, of: decoder, method: "decode_step").dataType
        }
        memoryTypes = types
    }

    /// The encoder outputs, ready to pass to every decode step of this sentence.
    func run(_ ids: UnsafeBufferPointer<Int64>) throws -> [String: MLFeatureValue] {
        guard lengths.contains(ids.count) else {
            throw package.failure("encode", "takes \(lengths.lowerBound)...\(lengths.upperBound) tokens, got "
                                  + "\(ids.count)")
        }
        for id in ids where Int32(exactly: id) == nil {
            throw package.failure("encode", "token id \(id) does not fit the model's int32 input")
        }
        let length = paddedLength ?? ids.count
        let source = try MultiArrays.make(shape: [1, length], dataType: tokenType)
        try MultiArrays.fill(source) { $0 < ids.count ? Double(ids[$0]) : padValue }
        let output = try model.prediction(from: MLDictionaryFeatureProvider(
            dictionary: [sourceName: MLFeatureValue(multiArray: source)]))
        var memory: [String: MLFeatureValue] = [:]
        for name in outputs {
            guard let array = output.featureValue(for: name)?.multiArrayValue, let type = memoryTypes[name] else {
                throw package.failure("encode", "returned no \(name)")
            }
            // fp16 packages return float16 but decode_step declares float32 inputs: convert once per
            // sentence here rather than rely on Core ML converting at every step.
            memory[name] = MLFeatureValue(multiArray: try MultiArrays.converted(array, to: type, what: name))
        }
        return memory
    }
}

/// `token` and `position`, allocated once in the types `decode_step` declares (int32) and rewritten per step.
private struct CoreMLStepInputs {
    private let package: CoreMLPackage
    private let token: MLMultiArray
    private let position: MLMultiArray

    init(_ package: CoreMLPackage, decoder: MLModel) throws {
        self.package = package
        token = try MultiArrays.make(
            shape: [1], dataType: package.arrayInput("token", of: decoder, method: "decode_step").dataType)
        position = try MultiArrays.make(
            shape: [1], dataType: package.arrayInput("position", of: decoder, method: "decode_step").dataType)
    }

    func features(token id: Int64, position step: Int64, memory: [String: MLFeatureValue]) throws
        -> [String: MLFeatureValue] {
        guard Int32(exactly: id) != nil, Int32(exactly: step) != nil else {
            throw package.failure("decode_step", "token \(id) at position \(step) does not fit its int32 inputs")
        }
        try MultiArrays.fill(token) { _ in Double(id) }
        try MultiArrays.fill(position) { _ in Double(step) }
        var features = memory
        features["token"] = MLFeatureValue(multiArray: token)
        features["position"] = MLFeatureValue(multiArray: position)
        return features
    }
}

/// Writes the `logits` output into the core's buffer as Float, whatever type (float16 for fp16 packages) and
/// strides Core ML returned it with.
private func copyLogits(_ output: any MLFeatureProvider, into logits: UnsafeMutableBufferPointer<Float>,
                        package: CoreMLPackage, method: String) throws {
    guard let array = output.featureValue(for: "logits")?.multiArrayValue else {
        throw package.failure(method, "returned no logits")
    }
    guard array.count == logits.count else {
        throw package.failure(method, "returned \(array.count) logits, the core expects \(logits.count)")
    }
    try MultiArrays.read(array, into: logits, what: "logits")
}

// MARK: - Packages, compilation and the compiled-model cache

/// One artifact: its method signatures from the manifest, and its packages compiled and loaded per method.
private final class CoreMLPackage {
    let artifact: ArtifactInfo
    let isMultifunction: Bool
    private let signatures: [String: CoreMLMethodSignature]
    private let computeUnits: MLComputeUnits
    // Compiled by this instance when no cache could hold them, so the second function of a multifunction
    // package does not compile it again.
    private var uncached: [String: URL] = [:]

    init(artifact: ArtifactInfo, bundle: BundleInfo, computeUnits: MLComputeUnits) throws {
        self.artifact = artifact
        self.computeUnits = computeUnits
        switch artifact.backend {
        case "coreml": isMultifunction = true
        case "coreml-ios16": isMultifunction = false
        default:
            throw EdgeSDKError.runtime(code: .runtime, message: "\(artifact.file): the Core ML runner runs "
                                       + "\"coreml\" and \"coreml-ios16\" artifacts, not \"\(artifact.backend)\"")
        }
        signatures = try CoreMLMethodSignature.all(of: artifact, in: bundle)
    }

    func failure(_ method: String, _ detail: String) -> EdgeSDKError {
        .runtime(code: .runtime, message: "\(artifact.file): Core ML \(method): \(detail)")
    }

    func iOS18Required() -> EdgeSDKError {
        .runtime(code: .runtime, message: "\(artifact.file): a \"coreml\" artifact (multifunction package, "
                 + "KV cache as state) needs iOS 18 or macOS 15; open the bundle's \"coreml-ios16\" artifact "
                 + "on earlier systems")
    }

    func signature(_ method: String) throws -> CoreMLMethodSignature {
        guard let signature = signatures[method] else {
            throw failure(method, "the manifest lists no such method for this artifact (it has "
                          + "\(signatures.keys.sorted().joined(separator: ", ")))")
        }
        return signature
    }

    /// A multi-array input of a loaded model, as its description declares it (type and shape).
    func arrayInput(_ name: String, of model: MLModel, method: String) throws -> MLMultiArrayConstraint {
        guard let constraint = model.modelDescription.inputDescriptionsByName[name]?.multiArrayConstraint else {
            let inputs = model.modelDescription.inputDescriptionsByName.keys.sorted().joined(separator: ", ")
            throw failure(method, "has no multi-array input \(name) (its inputs: \(inputs))")
        }
        return constraint
    }

    /// `body`, any failure of Core ML's (or of the element access) named after the artifact and the method.
    func running<T>(_ method: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as EdgeSDKError {
            throw error
        } catch {
            throw failure(method, error.localizedDescription)
        }
    }

    /// The method's model: the compiled package from the cache (compiled now if absent), loaded with this
    /// provider's compute units (and, for a multifunction package, the method's function).
    func model(for method: String) throws -> MLModel {
        _ = try signature(method)
        let configuration = MLModelConfiguration()
        configuration.computeUnits = computeUnits
        let source: URL
        let name: String
        if isMultifunction {
            guard #available(iOS 18.0, macOS 15.0, *) else { throw iOS18Required() }
            configuration.functionName = method
            source = artifact.url
            name = "model"
        } else {
            source = artifact.url.appendingPathComponent("\(method).mlpackage", isDirectory: true)
            name = method
        }
        let compiled = try compiledModel(named: name, from: source, method: method)
        do {
            return try MLModel(contentsOf: compiled.url, configuration: configuration)
        } catch {
            guard compiled.fromCache else {
                throw failure(method, "the compiled model does not load: \(error.localizedDescription)")
            }
        }
        // A cached compile that no longer loads (damaged, or from a Core ML that an OS update replaced):
        // compile the package again, once.
        try? FileManager.default.removeItem(at: compiled.url)
        let fresh = try compile(source, into: compiled.url, method: method)
        do {
            return try MLModel(contentsOf: fresh, configuration: configuration)
        } catch {
            throw failure(method, "the compiled model does not load: \(error.localizedDescription)")
        }
    }

    private func compiledModel(named name: String, from source: URL, method: String) throws
        -> (url: URL, fromCache: Bool) {
        if let url = uncached[name] { return (url, false) }
        guard let folder = cacheFolder else {
            let url = try compile(source, into: nil, method: method)
            uncached[name] = url
            return (url, false)
        }
        let destination = folder.appendingPathComponent("\(name).mlmodelc", isDirectory: true)
        if FileManager.default.fileExists(atPath: destination.path) { return (destination, true) }
        let url = try compile(source, into: destination, method: method)
        if url != destination { uncached[name] = url }
        return (url, false)
    }

    /// Where this artifact's compiled models are kept, or nil where there is no usable caches folder.
    /// Keyed by the artifact's SHA-256: another build of the model gets another folder, never a stale compile.
    private var cacheFolder: URL? {
        let digest = artifact.sha256.lowercased()
        guard digest.count == 64, digest.allSatisfy(\.isHexDigit),
              let caches = FileManager.default.urls(for: .cachesDirectory, in: .userDomainMask).first else {
            return nil
        }
        return caches.appendingPathComponent("EdgeSDK", isDirectory: true)
            .appendingPathComponent("CoreML", isDirectory: true)
            .appendingPathComponent(digest, isDirectory: true)
    }

    /// Compiles `source` and moves the result to `destination`, returning where the compiled model is.
    ///
    /// Core ML compiles into a temporary folder; the result is first moved beside `destination` under a
    /// hidden name, then renamed into place, so the cache only ever holds whole compiled models. When another
    /// runner or process wins the race the finished copy already there is used. Without a writable cache the
    /// temporary compile serves this session.
    private func compile(_ source: URL, into destination: URL?, method: String) throws -> URL {
        let temporary: URL
        do {
            temporary = try compileModelSynchronously(at: source)
        } catch {
            throw failure(method, "could not compile \(source.lastPathComponent): \(error.localizedDescription)")
        }
        guard let destination else { return temporary }
        let files = FileManager.default
        let folder = destination.deletingLastPathComponent()
        let staging = folder.appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString)",
                                                    isDirectory: true)
        do {
            try files.createDirectory(at: folder, withIntermediateDirectories: true)
            try files.moveItem(at: temporary, to: staging)
        } catch {
            return temporary
        }
        do {
            try files.moveItem(at: staging, to: destination)
            return destination
        } catch {
            if files.fileExists(atPath: destination.path) {
                try? files.removeItem(at: staging)
                return destination
            }
            return staging
        }
    }
}

/// `MLModel.compileModel(at:)` for a synchronous caller: runners are made inside `GrammarCorrector.init`.
/// The blocking `compileModel(at:) throws` is deprecated in the iOS 27 / macOS 27 SDKs (documented
/// availability "11.0 - 27.0"), so this waits on the completion-handler variant (iOS 16 / macOS 13) instead.
private func compileModelSynchronously(at source: URL) throws -> URL {
    // Written once before the semaphore is signalled and read only after the wait returns.
    final class Outcome: @unchecked Sendable {
        var result: Result<URL, any Error>?
    }
    let outcome = Outcome()
    let done = DispatchSemaphore(value: 0)
    MLModel.compileModel(at: source) { (result: Result<URL, any Error>) in
        outcome.result = result
        done.signal()
    }
    // A generous bound (the packages are small and compile in seconds) so a wedged compiler service fails
    // the open instead of hanging it.
    guard done.wait(timeout: .now() + .seconds(600)) == .success, let result = outcome.result else {
        throw CoreMLRunnerIssue("Core ML did not finish compiling \(source.lastPathComponent) in 10 minutes")
    }
    return try result.get()
}

// MARK: - The manifest's method signatures

/// One method of the artifact as `manifest.json` describes it (docs/bundle-format.md, "Method signatures").
private struct CoreMLMethodSignature: Decodable {
    struct Tensor: Decodable {
        let name: String
        let dtype: String
        let shape: [Dimension]
        let padValue: Double?
        let feeds: String?

        enum CodingKeys: String, CodingKey {
            case name, dtype, shape, feeds
            case padValue = "pad_value"
        }
    }

    /// A fixed size, or the name of a dynamic dimension bounded in `dims`.
    enum Dimension: Decodable {
        case fixed(Int)
        case named(String)

        init(from decoder: any Decoder) throws {
            let value = try decoder.singleValueContainer()
            if let size = try? value.decode(Int.self) {
                self = .fixed(size)
            } else {
                self = .named(try value.decode(String.self))
            }
        }
    }

    let name: String
    let inputs: [Tensor]
    let outputs: [Tensor]
    let dims: [String: [Int]]?

    private struct Manifest: Decodable {
        struct Artifact: Decodable {
            let file: String
            let methods: [CoreMLMethodSignature]
        }

        let artifacts: [Artifact]
    }

    /// The methods the manifest lists for `artifact`, by name.
    static func all(of artifact: ArtifactInfo, in bundle: BundleInfo) throws -> [String: CoreMLMethodSignature] {
        let manifest: Manifest
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: Data(bundle.manifestJSON.utf8))
        } catch {
            throw EdgeSDKError.runtime(code: .runtime, message: "\(artifact.file): the Core ML runner cannot read "
                                       + "the manifest's method signatures: \(error.localizedDescription)")
        }
        guard let entry = manifest.artifacts.first(where: { $0.file == artifact.file }) else {
            throw EdgeSDKError.runtime(code: .runtime, message: "\(artifact.file): not an artifact of the manifest")
        }
        return Dictionary(entry.methods.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

// MARK: - MLMultiArray element access

/// A failure below the runners' entry points; `CoreMLPackage.running` turns it into an EdgeSDKError that names
/// the artifact and the method.
private struct CoreMLRunnerIssue: LocalizedError {
    let errorDescription: String?

    init(_ description: String) {
        errorDescription = description
    }
}

/// Element reads and writes for the scalar types Core ML uses (int32, float16, float32, float64), honouring
/// each array's strides: outputs may be padded for the Neural Engine or GPU, so never treat them as dense.
private enum MultiArrays {
    /// A new array, zero-filled (MLMultiArray(shape:dataType:) does not document its initial contents).
    static func make(shape: [Int], dataType: MLMultiArrayDataType) throws -> MLMultiArray {
        let array = try MLMultiArray(shape: shape.map { NSNumber(value: $0) }, dataType: dataType)
        try fill(array) { _ in 0 }
        return array
    }

    /// Sets element `i` (row-major order) of `array` to `value(i)`.
    static func fill(_ array: MLMultiArray, _ value: (Int) -> Double) throws {
        let store = try writer(array.dataType)
        let shape = array.shape.map(\.intValue)
        array.withUnsafeMutableBytes { buffer, strides in
            guard let base = buffer.baseAddress else { return }
            forEachElement(shape: shape, strides: strides) { index, offset in store(base, offset, value(index)) }
        }
    }

    /// `array`'s elements in row-major order, as Float.
    static func read(_ array: MLMultiArray, into out: UnsafeMutableBufferPointer<Float>, what: String) throws {
        let load = try reader(array.dataType, what)
        let shape = array.shape.map(\.intValue)
        // The mutable accessor, even for reading: it hands over the strides that hold for the storage it
        // exposes (the `strides` property may differ for arrays backed by a pixel buffer).
        array.withUnsafeMutableBytes { buffer, strides in
            guard let base = buffer.baseAddress else { return }
            forEachElement(shape: shape, strides: strides) { index, offset in
                out[index] = load(UnsafeRawPointer(base), offset)
            }
        }
    }

    /// Copies `source` into `destination` (same shape), converting the scalar type where they differ.
    static func copy(_ source: MLMultiArray, into destination: MLMultiArray, what: String) throws {
        let shape = source.shape.map(\.intValue)
        guard shape == destination.shape.map(\.intValue) else {
            throw CoreMLRunnerIssue("\(what) has shape \(shape), expected \(destination.shape.map(\.intValue))")
        }
        var values = [Float](repeating: 0, count: source.count)
        try values.withUnsafeMutableBufferPointer { try read(source, into: $0, what: what) }
        try fill(destination) { Double(values[$0]) }
    }

    /// `array` itself when it already has `dataType`, else a converted copy.
    static func converted(_ array: MLMultiArray, to dataType: MLMultiArrayDataType, what: String) throws
        -> MLMultiArray {
        if array.dataType == dataType { return array }
        let copy = try MLMultiArray(shape: array.shape, dataType: dataType)
        try self.copy(array, into: copy, what: what)
        return copy
    }

    /// Calls `body(index, offset)` for every element: `index` in row-major order, `offset` in scalars from the
    /// start of the storage through `strides`.
    private static func forEachElement(shape: [Int], strides: [Int], _ body: (Int, Int) -> Void) {
        let count = shape.reduce(1, *)
        guard count > 0, strides.count == shape.count else { return }
        var dense = [Int](repeating: 1, count: shape.count)
        for axis in stride(from: shape.count - 2, through: 0, by: -1) {
            dense[axis] = dense[axis + 1] * shape[axis + 1]
        }
        if strides == dense {
            for index in 0..<count { body(index, index) }
            return
        }
        var position = [Int](repeating: 0, count: shape.count)
        var offset = 0
        for index in 0..<count {
            body(index, offset)
            var axis = shape.count - 1
            while axis >= 0 {
                position[axis] += 1
                offset += strides[axis]
                if position[axis] < shape[axis] { break }
                offset -= strides[axis] * shape[axis]
                position[axis] = 0
                axis -= 1
            }
        }
    }

    private static func reader(_ type: MLMultiArrayDataType, _ what: String) throws
        -> (UnsafeRawPointer, Int) -> Float {
        switch type {
        case .float32: return { $0.load(fromByteOffset: $1 * 4, as: Float.self) }
        case .float16: return { Half.float(fromBits: $0.load(fromByteOffset: $1 * 2, as: UInt16.self)) }
        case .double: return { Float($0.load(fromByteOffset: $1 * 8, as: Double.self)) }
        case .int32: return { Float($0.load(fromByteOffset: $1 * 4, as: Int32.self)) }
        default:
            throw CoreMLRunnerIssue("\(what) has a Core ML data type (\(type.rawValue)) the runner does not read")
        }
    }

    private static func writer(_ type: MLMultiArrayDataType) throws -> (UnsafeMutableRawPointer, Int, Double) -> Void {
        switch type {
        case .float32: return { $0.storeBytes(of: Float($2), toByteOffset: $1 * 4, as: Float.self) }
        case .float16:
            return { $0.storeBytes(of: Half.bits(from: Float($2)), toByteOffset: $1 * 2, as: UInt16.self) }
        case .double: return { $0.storeBytes(of: $2, toByteOffset: $1 * 8, as: Double.self) }
        // Only ids, positions and lengths are written as integers; each is checked to fit beforehand.
        case .int32:
            return { $0.storeBytes(of: Int32(exactly: $2.rounded()) ?? 0, toByteOffset: $1 * 4, as: Int32.self) }
        default:
            throw CoreMLRunnerIssue("a model input has a Core ML data type (\(type.rawValue)) the runner cannot write")
        }
    }
}

/// IEEE 754 binary16 from and to Float by its bits: Swift's Float16 type is unavailable on Intel Macs, which
/// macOS builds of the package still target.
private enum Half {
    static func float(fromBits bits: UInt16) -> Float {
        let sign: Float = bits & 0x8000 == 0 ? 1 : -1
        let exponent = Int((bits >> 10) & 0x1f)
        let fraction = Float(bits & 0x3ff)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24  // zero and subnormals
        case 0x1f: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction * 0x1p-10) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }

    /// Rounded to nearest, ties to even, like the hardware conversion.
    static func bits(from value: Float) -> UInt16 {
        let pattern = value.bitPattern
        let sign = UInt16(truncatingIfNeeded: (pattern >> 16) & 0x8000)
        let exponent = Int((pattern >> 23) & 0xff)
        let mantissa = pattern & 0x7f_ffff
        if exponent == 0xff { return sign | 0x7c00 | (mantissa == 0 ? 0 : 0x200) }
        let biased = exponent - 127 + 15
        if biased >= 0x1f { return sign | 0x7c00 }
        if biased <= 0 {
            if biased < -10 { return sign }
            let significand = mantissa | 0x80_0000
            let shift = UInt32(14 - biased)
            var half = significand >> shift
            let rest = significand & ((1 << shift) - 1)
            let midpoint = UInt32(1) << (shift - 1)
            if rest > midpoint || (rest == midpoint && half & 1 == 1) { half += 1 }
            return sign | UInt16(truncatingIfNeeded: half)
        }
        var half = UInt32(biased) << 10 | mantissa >> 13
        let rest = mantissa & 0x1fff
        // A carry out of the mantissa correctly bumps the exponent (up to infinity).
        if rest > 0x1000 || (rest == 0x1000 && half & 1 == 1) { half += 1 }
        return sign | UInt16(truncatingIfNeeded: half)
    }
}
#endif
