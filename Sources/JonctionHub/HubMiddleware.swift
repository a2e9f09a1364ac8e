import Foundation
import Hummingbird
import Jonction
import Logging

/// What every request to the hub goes through, before and after its route (protocol.md §6.6):
/// a request id (the client's `X-Request-Id` when it is a short token, else a new one), returned in
/// the response and named in the log line; an unknown path is a `404`, a known path with another
/// method a `405` with `Allow`, both with the JSON error body.
struct HubRequestMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The routes and their methods, for `405` and its `Allow`.
    let routes: [String: [HTTPRequest.Method]]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let id = HubRequestMiddleware.requestID(request.headers[HubAPI.requestIDHeader])
        var head = request.head
        head.headerFields[HubAPI.requestIDHeader] = id
        let request = Request(head: head, body: request.body)
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            response = notFound(request)
        } catch let error as HTTPError where error.status == .methodNotAllowed {
            response = notFound(request)
        }
        response.headers[HubAPI.requestIDHeader] = id
        return response
    }

    func notFound(_ request: Request) -> Response {
        let path = request.uri.path
        if let methods = routes[path] {
            var response = HubServer.error(.methodNotAllowed, .methodNotAllowed,
                fr: "La méthode \(request.method) n’est pas permise sur \(path) : utilisez \(methods.map(\.rawValue).joined(separator: " ou ")).",
                en: "Method \(request.method) is not allowed on \(path): use \(methods.map(\.rawValue).joined(separator: " or ")).")
            response.headers[.allow] = methods.map(\.rawValue).joined(separator: ", ")
            return response
        }
        return HubServer.error(.notFound, .notFound,
            fr: "Adresse inconnue du pôle : \(String(path.prefix(200))). Les adresses de l’API commencent par /v1/ (protocole §6).",
            en: "Unknown hub address: \(String(path.prefix(200))). API paths start with /v1/ (protocol §6).")
    }

    /// The client's id if it is 1–64 characters among letters, digits, `-`, `_`, `.`; else a new one.
    static func requestID(_ given: String?) -> String {
        if let given, (1...64).contains(given.utf8.count),
           given.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }) {
            return given
        }
        var generator = SystemRandomNumberGenerator()
        return String(format: "%016llx", generator.next() as UInt64)
    }
}

/// Log lines as JSON objects, one per line (`hub serve --log-format json`): `ts`, `level`,
/// `label`, `message`, then the metadata (request id, office, status, duration). The hub never
/// logs personal data: its messages name sites, routes, statuses and counts only.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    let write: @Sendable (String) -> Void

    public init(label: String, write: @escaping @Sendable (String) -> Void = { line in FileHandle.standardError.write(Data(line.utf8)) }) {
        self.label = label
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String,
                    file: String, function: String, line: UInt) {
        var json = CanonicalJSON()
        json.beginObject()
        var all = metadata
        for (k, v) in explicit ?? [:] { all[k] = v }
        var fields: [(String, String)] = all.map { ($0.key, "\($0.value)") }
        fields.append(("label", label))
        fields.append(("level", level.rawValue))
        fields.append(("message", message.description))
        fields.append(("ts", ISO8601DateFormatter().string(from: Date())))
        for (key, value) in fields.sorted(by: { $0.0 < $1.0 }) {
            json.key(key); json.string(value)
        }
        json.endObject()
        write(json.output + "\n")
    }
}
