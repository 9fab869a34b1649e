import EdgeSDK
import Foundation
import XCTest

/// What `pytest tests/ios` (run by `make test`) prepares for these tests: real bundles built by the Python
/// tool, and files the Python reference wrote (golden corrections, cascade results, recorded model outputs).
/// A missing variable fails the test: these tests never pass without the real bundle.
enum TestEnvironment {
    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    static func path(_ name: String) throws -> URL {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw Missing(description: "\(name) is not set: run the Swift tests through `pytest tests/ios` "
                          + "(`make test`), which builds the bundles and writes the Python reference's results")
        }
        return URL(fileURLWithPath: value)
    }

    /// Who runs the models: EDGE_SDK_TEST_RUNNER=core (default: the core's own ExecuTorch runner, Linux) or
    /// automatic (the platform runners: ExecuTorch's Swift package and Core ML, macOS in ios.yml).
    static var runner: ModelRunner {
        ProcessInfo.processInfo.environment["EDGE_SDK_TEST_RUNNER"] == "automatic" ? .automatic : .core
    }

    /// The default grammar-corrector bundle (ExecuTorch int8 and fp32).
    static func bundle() throws -> URL { try path("EDGE_SDK_TEST_BUNDLE") }
    /// A real ProFormer detector bundle.
    static func detector() throws -> URL { try path("EDGE_SDK_TEST_DETECTOR") }
    /// `edge-sdk golden` files of `bundle()`, colon-separated.
    static func goldenFiles() throws -> [URL] {
        try path("EDGE_SDK_TEST_GOLDEN").path.split(separator: ":").map { URL(fileURLWithPath: String($0)) }
    }
    static func cascadeGolden() throws -> URL { try path("EDGE_SDK_TEST_CASCADE_GOLDEN") }
    /// A folder with replay.json and replay.f32 (tests/bridge_goldens.py, write_runner_replay).
    static func replay() throws -> URL { try path("EDGE_SDK_TEST_REPLAY") }

    /// A fresh folder for a test to write bundles into.
    static func workFolder(_ name: String) throws -> URL {
        let url = try path("EDGE_SDK_TEST_WORK").appendingPathComponent(name + "-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Each line of a JSON-lines file decoded as `T` (the first line, a header, as `Header`).
    static func jsonLines<Header: Decodable, T: Decodable>(_ url: URL, header: Header.Type, records: T.Type) throws
        -> (Header, [T]) {
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true)
        let decoder = JSONDecoder()
        guard let first = lines.first else { throw Missing(description: "\(url.path) is empty") }
        return (try decoder.decode(Header.self, from: Data(first.utf8)),
                try lines.dropFirst().map { try decoder.decode(T.self, from: Data($0.utf8)) })
    }

    /// Copies the folder at `url` into a fresh work folder.
    static func copy(_ url: URL, as name: String) throws -> URL {
        let target = try workFolder(name).appendingPathComponent(url.lastPathComponent)
        try FileManager.default.copyItem(at: url, to: target)
        return target
    }
}

/// A JSON value whose content a test does not need (only how many there are).
struct Ignored: Decodable {
    init(from decoder: any Decoder) throws {}
}

extension XCTestCase {
    /// The ``EdgeSDKError`` `body` throws; fails the test if it throws nothing or something else.
    func edgeSDKError<T>(_ body: @autoclosure () throws -> T, file: StaticString = #filePath, line: UInt = #line)
        -> EdgeSDKError? {
        do {
            _ = try body()
            XCTFail("no error was thrown", file: file, line: line)
        } catch let error as EdgeSDKError {
            return error
        } catch {
            XCTFail("threw \(error), not an EdgeSDKError", file: file, line: line)
        }
        return nil
    }
}
