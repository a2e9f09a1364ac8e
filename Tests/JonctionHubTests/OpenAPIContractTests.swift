import Foundation
import JonctionHub
import OpenAPIKit
import Testing
import Yams

/// `openapi.yaml` is the hub's contract: a valid OpenAPI 3.1 document whose paths and methods are
/// exactly the routes the server registers, and whose error codes are the server's.
@Suite("Contrat OpenAPI du pôle")
struct OpenAPIContractTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("openapi.yaml se lit et se valide ; ses routes sont celles du serveur, ni plus ni moins ; ses codes d’erreur sont ceux du pôle")
    func contract() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        let document = try YAMLDecoder().decode(OpenAPI.Document.self, from: text)
        try document.validate()
        var documented = Set<String>()
        for (path, item) in document.paths {
            for endpoint in item.pathItemValue?.endpoints ?? [] {
                documented.insert("\(endpoint.method.rawValue.uppercased()) \(path.rawValue)")
            }
        }
        var served = Set<String>()
        for (path, methods) in HubServer.routes {
            for method in methods where method != .head { served.insert("\(method.rawValue) \(path)") }
        }
        #expect(documented == served, "documented only: \(documented.subtracting(served)); served only: \(served.subtracting(documented))")
        // Every error code the server sends is in the document's enum.
        for code in ["bad_bundle", "format_refused", "bad_request", "unauthorized", "revoked", "wrong_sender", "foreign_network",
                     "bad_signature", "unknown_site", "gap", "reused_seq", "clock_ahead", "too_large", "invalid_change",
                     "wrong_addressee", "busy", "internal_error", "not_found", "method_not_allowed"] {
            #expect(HubAPI.ErrorCode(rawValue: code) != nil, "\(code) is not a code of the server")
            #expect(text.contains(code), "\(code) missing from openapi.yaml")
        }
    }
}
