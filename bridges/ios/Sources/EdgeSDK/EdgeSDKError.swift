import CEdgeSDK
import Foundation

/// Every failure of the SDK, with the native core's status code and message (docs/c-abi.md, "Errors").
///
/// Bad input never crashes the app: text the model cannot handle comes back unchanged (see
/// ``Correction/skipped``); these errors are for bundles that cannot be used, text over the size limit,
/// and runtimes that fail.
public enum EdgeSDKError: Error, LocalizedError, Equatable, Sendable {
    /// A missing, malformed, tampered or unsupported bundle, or one other than the app was built for.
    case bundle(code: Code, message: String)
    /// Text the core refuses (longer than ``NativeCoreInfo/maxTextCharacters``).
    case input(code: Code, message: String)
    /// The model runtime (or a platform runner) failed to load or run.
    case runtime(code: Code, message: String)

    /// The core's `edge_sdk_status` values.
    public enum Code: Int32, Sendable {
        case invalidArgument = 1
        case invalidInput = 2
        case bundle = 3
        case notFound = 4
        case wrongModel = 5
        case runtime = 6
        case `internal` = 7
    }

    public var code: Code {
        switch self {
        case .bundle(let code, _), .input(let code, _), .runtime(let code, _): return code
        }
    }

    public var message: String {
        switch self {
        case .bundle(_, let message), .input(_, let message), .runtime(_, let message): return message
        }
    }

    public var errorDescription: String? { message }

    /// The error for a failed core call: its status and `edge_sdk_last_error()` (read on the same thread).
    static func fromCore(_ status: edge_sdk_status, context: String? = nil) -> EdgeSDKError {
        let detail = String(cString: edge_sdk_last_error())
        let message = context.map { "\($0): \(detail)" } ?? detail
        let code = Code(rawValue: Int32(status.rawValue)) ?? .internal
        switch code {
        case .bundle, .notFound, .wrongModel: return .bundle(code: code, message: message)
        case .invalidInput, .invalidArgument: return .input(code: code, message: message)
        case .runtime, .internal: return .runtime(code: code, message: message)
        }
    }
}

/// Runs a core call that returns a status; throws its error unless it is EDGE_SDK_OK.
@inline(__always)
func check(_ status: edge_sdk_status, _ context: @autoclosure () -> String? = nil) throws {
    guard status == EDGE_SDK_OK else { throw EdgeSDKError.fromCore(status, context: context()) }
}
