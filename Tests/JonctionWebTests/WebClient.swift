import Foundation
import Hummingbird
import HummingbirdTesting
import Jonction
import JonctionStore
import JonctionWeb
import Logging
import NIOCore

/// A visitor of the office application in a test: keeps its session cookie, reads each form's
/// CSRF token, and follows what a browser would.
struct WebClient {
    let client: any TestClientProtocol
    var cookie: String?
    var csrf: String?

    struct Page {
        var status: HTTPResponse.Status
        var location: String?
        var body: String
    }

    init(_ client: any TestClientProtocol) { self.client = client }

    mutating func get(_ uri: String, headers extra: HTTPFields = [:]) async throws -> Page {
        var headers = extra
        if let cookie { headers[.cookie] = cookie }
        let response = try await client.execute(uri: uri, method: .get, headers: headers, body: nil)
        return keep(response)
    }

    /// Posts a form; `csrf` is added from the last page read unless `withToken` is false.
    mutating func post(_ uri: String, _ fields: [(String, String)], withToken: Bool = true, headers extra: HTTPFields = [:]) async throws -> Page {
        var headers = extra
        headers[.contentType] = "application/x-www-form-urlencoded"
        if let cookie { headers[.cookie] = cookie }
        var all = fields
        if withToken, let csrf { all.append(("csrf", csrf)) }
        let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        let response = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
        return keep(response)
    }

    private mutating func keep(_ response: TestResponse) -> Page {
        if let set = response.headers[.setCookie], let pair = set.split(separator: ";").first { cookie = String(pair) }
        let body = String(buffer: response.body)
        if let range = body.range(of: #"name="csrf" value=""#) {
            csrf = String(body[range.upperBound...].prefix { $0 != "\"" })
        }
        return Page(status: response.status, location: response.headers[.location], body: body)
    }

    static func encode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// Signs in the administrator of a new site through the first-start page.
    mutating func setUp(admin: String = "awa.admin", password: String = "mot-de-passe-1") async throws {
        _ = try await get("/installation")
        let page = try await post("/installation", [("nom", admin), ("nom_complet", "Awa Admin"), ("mot_de_passe", password), ("confirmation", password)])
        precondition(page.status == .seeOther, "installation: \(page.status) \(page.body)")
    }
}

/// Log lines, kept to check that nothing personal is written.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
    var all: String { lock.lock(); defer { lock.unlock() }; return lines.joined(separator: "\n") }

    var logger: Logger {
        Logger(label: "test.web") { _ in Handler(lines: self) }
    }

    struct Handler: LogHandler {
        let lines: LogLines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
            lines.append("\(message) \(metadata ?? [:])")
        }
    }
}

extension OfficeWeb {
    /// The application over `replica`, for `app.test(.live)`.
    static func testApplication(_ replica: Replica, logs: LogLines = LogLines(), options: Options = Options(stickRoots: [], passwordCost: 4))
        throws -> some ApplicationProtocol {
        let (router, _) = try OfficeWeb.router(replica: replica, options: options, host: "localhost", logger: logs.logger)
        return Application(router: router, logger: logs.logger)
    }
}
