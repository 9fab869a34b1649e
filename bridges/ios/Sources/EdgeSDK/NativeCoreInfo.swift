import CEdgeSDK

/// Facts about the linked native core. (Not named `EdgeSDK`: a type named like its module would hide the
/// module's other types from generated code that writes `EdgeSDK.GrammarCorrector`.)
public enum NativeCoreInfo {
    /// The core's version ("0.5.0").
    public static var version: String { String(cString: edge_sdk_version()) }
    /// The C ABI version of the linked core (docs/c-abi.md).
    public static var abiVersion: Int { Int(edge_sdk_abi_version()) }
    /// The bundle manifest schema version the core reads.
    public static var schemaVersion: Int { Int(edge_sdk_schema_version()) }
    /// The longest text one call accepts, in Unicode scalars; longer text throws ``EdgeSDKError/input(code:message:)``.
    public static var maxTextCharacters: Int { edge_sdk_max_text_chars() }
}
