import CEdgeSDK
import Foundation

/// What a bundle's manifest says about itself (docs/bundle-format.md).
public struct BundleInfo: Sendable, Equatable {
    public let name: String
    public let version: String
    /// "edgeformer" (corrector) or "proformer" (detector).
    public let family: String
    public let task: String
    /// SHA-256 of manifest.json: identifies the bundle (and, through the manifest, every file in it).
    public let digest: String
    /// The whole manifest.json, for fields this struct does not carry.
    public let manifestJSON: String
    /// The folder the bundle was opened from.
    public let url: URL
}

/// The model file a corrector or detector loaded.
public struct ArtifactInfo: Sendable, Equatable {
    /// File (or folder, for Core ML) name inside the bundle.
    public let file: String
    public let url: URL
    /// "executorch", "tflite", "coreml", "coreml-ios16".
    public let backend: String
    /// "fp32", "int8", "fp16", ...
    public let quantization: String
    /// As listed in the manifest (and checked when the bundle was opened).
    public let sha256: String
    public let sizeBytes: UInt64
}

extension BundleInfo {
    init(_ bundle: OpaquePointer, url: URL) {
        name = String(cString: edge_sdk_bundle_name(bundle))
        version = String(cString: edge_sdk_bundle_version(bundle))
        family = String(cString: edge_sdk_bundle_family(bundle))
        task = String(cString: edge_sdk_bundle_task(bundle))
        digest = String(cString: edge_sdk_bundle_digest(bundle))
        manifestJSON = String(cString: edge_sdk_bundle_manifest_json(bundle))
        self.url = url
    }
}

extension ArtifactInfo {
    init(_ info: edge_sdk_artifact_info) {
        file = String(cString: info.file)
        url = URL(fileURLWithPath: String(cString: info.path))
        backend = String(cString: info.backend)
        quantization = String(cString: info.quantization)
        sha256 = String(cString: info.sha256)
        sizeBytes = info.size_bytes
    }
}
