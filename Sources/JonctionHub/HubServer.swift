import Foundation
import Hummingbird
import HummingbirdTLS
import Jonction
import JonctionBundle
import JonctionStore
import Logging
import NIOCore
import NIOPosix

/// The hub's HTTP server (protocol.md §6) over its replica.
///
/// Blocking work (verifying and planning a bundle, building one, SQLite) runs on a pool of threads
/// of its own, never on the event loops. Writes to the replica go through its single writer
/// connection, one transaction at a time; a download for a full replica is read beside them on a
/// reader connection (`HubService.download`), a scoped office's is made in a transaction.
public struct HubServer: Sendable {
    public let replica: Replica
    /// The hub's side of each request; the handlers only translate HTTP.
    let service: HubService
    public let logger: Logger
    public let maximumUpload: Int
    let threads: NIOThreadPool
    /// Uploads read and merged at once: each may hold a bundle's worth of memory (protocol.md §5.2),
    /// so beyond this many the next ones wait their turn, and beyond `maximumWaitingUploads`
    /// waiting they are told to retry (503) instead of piling up.
    let uploads = UploadGate(limit: HubServer.maximumConcurrentUploads)
    static let maximumConcurrentUploads = 4
    static let maximumWaitingUploads = 256
    /// The figures of `GET /metrics`.
    let metrics = HubMetrics()
    /// Who may read `GET /metrics`: anyone who reaches a hub served on loopback only, or whoever
    /// presents this token (`JONCTION_METRICS_TOKEN`); nil and not on loopback: nobody.
    var metricsToken: String?
    var servedOnLoopback = true

    public init(replica: Replica, logger: Logger, maximumUpload: Int = HubAPI.defaultMaximumUpload,
                threads: NIOThreadPool) {
        self.replica = replica
        self.service = HubService(replica: replica)
        self.logger = logger
        // No upload is read past what a bundle file may be (protocol.md §5.2).
        self.maximumUpload = min(maximumUpload, ChangeBundle.maximumSize)
        self.threads = threads
    }

    /// Serves on `host:port` until SIGTERM or SIGINT, then finishes the requests in flight and stops.
    /// `onRunning` gets the bound port (useful with port 0). With `tls` (see `HubTLS.server`), HTTPS
    /// only: a plain HTTP request on that port gets no answer.
    public static func serve(replica: Replica, host: String, port: Int, logger: Logger,
                             maximumUpload: Int = HubAPI.defaultMaximumUpload, tls: TLSConfiguration? = nil,
                             metricsToken: String? = nil,
                             onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let threads = NIOThreadPool(numberOfThreads: max(4, System.coreCount * 2))
        var server = HubServer(replica: replica, logger: logger, maximumUpload: maximumUpload, threads: threads)
        server.metricsToken = metricsToken.flatMap { $0.isEmpty ? nil : $0 }
        server.servedOnLoopback = ["127.0.0.1", "::1", "localhost"].contains(host) || host.hasPrefix("127.")
        let app = Application(
            router: server.router(),
            server: try tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1(),
            configuration: .init(address: .hostname(host, port: port), serverName: "jonction-hub"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
        threads.start()
        do {
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch {
            try? await threads.shutdownGracefully()
            throw error
        }
        try await threads.shutdownGracefully()
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: HubRequestMiddleware(routes: HubServer.routes))
        router.get("v1/health") { _, _ in try await self.health() }
        router.post("v1/bundles") { request, context in await self.upload(request, context) }
        router.get("v1/bundle") { request, context in await self.download(request, context) }
        router.get("v1/roster") { request, context in await self.roster(request, context) }
        router.get("metrics") { request, context in await self.metricsPage(request) }
        return router
    }

    // MARK: Handlers

    func health() async throws -> Response {
        let network = try await threads.runIfActive { try self.replica.read { try $0.network() } }
        var json = CanonicalJSON()
        json.beginObject()
        json.key("network")
        if let network { json.string(network) } else { json.null() }
        json.key("schema_version"); json.integer(replica.schema.version)
        json.key("site"); json.string(replica.site.rawValue)
        json.key("status"); json.string("ok")
        json.endObject()
        return HubServer.json(.ok, json.output)
    }

    /// `POST /v1/bundles`: an office uploads a bundle it wrote for the hub.
    func upload(_ request: Request, _ context: BasicRequestContext) async -> Response {
        let started = Date()
        do {
            let office = try await authenticate(request)
            guard await uploads.enter() else { throw HubFailure.busy }
            defer { uploads.leave() }
            let body: ByteBuffer
            do { body = try await request.body.collect(upTo: maximumUpload) } catch {
                throw HubFailure.tooLarge(maximumUpload)
            }
            let bytes = Array(buffer: body)
            let answer = try await threads.runIfActive { try self.service.upload(bytes, from: office.site) }
            let report = answer.report
            // Ids and site names only: nothing personal.
            for undone in report.apply.undone {
                logger.warning("\(undone.message(.fr))", metadata: ["office": "\(office.site)"])
            }
            var json = CanonicalJSON()
            json.beginObject()
            json.key("applied"); json.integer(report.apply.applied)
            json.key("conflicts"); json.integer(report.apply.conflicts.count)
            json.key("duplicates"); json.integer(report.apply.duplicates)
            json.key("ranges")
            json.beginObject()
            for (origin, seqs) in report.apply.ranges.sorted(by: { $0.key < $1.key }) {
                json.key(origin.rawValue)
                json.beginArray(); json.integer(seqs.lowerBound); json.integer(seqs.upperBound); json.endArray()
            }
            json.endObject()
            json.key("undone"); json.integer(report.apply.undone.count)
            json.key("vector"); json.vector(answer.vector)
            json.key("written_at"); json.integer(answer.writtenAt)
            json.endObject()
            metrics.uploaded(office: office.site, bytes: bytes.count, applied: report.apply.applied,
                             conflicts: report.apply.conflicts.count, duplicates: report.apply.duplicates)
            log(request, office: office.site, status: .ok, started: started,
                detail: "applied=\(report.apply.applied) duplicates=\(report.apply.duplicates) bytes=\(bytes.count)")
            return HubServer.json(.ok, json.output)
        } catch {
            return failure(error, request, started)
        }
    }

    /// `GET /v1/bundle?have=…&at=…[&scope=…]`: what an office lacks, given the vector it holds.
    func download(_ request: Request, _ context: BasicRequestContext) async -> Response {
        let started = Date()
        do {
            let office = try await authenticate(request)
            let query = request.uri.queryParameters
            let have = try HubServer.parseVector(query.get("have").map { String($0) } ?? "")
            // The office names itself: a token used from another office's replica is refused.
            guard let claimed = query.get("site").map({ String($0) }), SiteName.isValid(claimed) else {
                throw HubFailure.badRequest("site")
            }
            guard claimed == office.site.rawValue else {
                throw HubFailure.wrongSender(token: office.site, bundle: SiteName(unchecked: claimed))
            }
            let at: UInt64? = try query.get("at").map { text in
                // Times fit a signed 64-bit integer (protocol.md §3.2).
                guard let value = Int64(String(text)), value >= 0 else { throw HubFailure.badRequest("at") }
                return UInt64(value)
            }
            // The generation of the last scoped delivery the office merged (§5.10), if it says.
            let scope: UInt64? = try query.get("scope").map { text in
                guard let value = Int64(String(text)), value >= 0 else { throw HubFailure.badRequest("scope") }
                return UInt64(value)
            }
            let answer = try await threads.runIfActive { try self.service.download(for: office.site, have: have, scope: scope, at: at) }
            // What the hub holds, on both answers (protocol.md §6.3).
            var headers: HTTPFields = [:]
            headers[HubAPI.vectorHeader] = HubAPI.format(answer.holds.vector)
            headers[HubAPI.writtenAtHeader] = String(answer.holds.writtenAt)
            guard let bytes = answer.bundle else {
                log(request, office: office.site, status: .noContent, started: started, detail: "nothing to send")
                return Response(status: .noContent, headers: headers)
            }
            metrics.downloaded(office: office.site, bytes: bytes.count)
            log(request, office: office.site, status: .ok, started: started, detail: "bytes=\(bytes.count)")
            headers[.contentType] = HubAPI.bundleMediaType
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        } catch {
            return failure(error, request, started)
        }
    }

    /// `GET /v1/roster`: the roster the hub signed last (protocol.md §6.4), for an enrolled office.
    func roster(_ request: Request, _ context: BasicRequestContext) async -> Response {
        let started = Date()
        do {
            let office = try await authenticate(request)
            let bytes = try await threads.runIfActive { try self.replica.hubKeyring().roster.bytes }
            log(request, office: office.site, status: .ok, started: started, detail: "bytes=\(bytes.count)")
            return Response(status: .ok, headers: [.contentType: HubAPI.rosterMediaType],
                            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        } catch {
            return failure(error, request, started)
        }
    }

    // MARK: Authentication, errors, logs

    /// The active office the request's bearer token belongs to.
    func authenticate(_ request: Request) async throws -> OfficeRecord {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            let token = AccessToken(String(header.dropFirst(7)))
        else { throw HubFailure.unauthorized }
        return try await threads.runIfActive { try self.service.office(token: token) }
    }

    /// A JSON error body in French and English, with the status the failure calls for.
    func failure(_ error: any Error, _ request: Request, _ started: Date) -> Response {
        let (status, code): (HTTPResponse.Status, HubAPI.ErrorCode)
        var headers: HTTPFields = [:]
        switch error {
        case let f as HubFailure:
            (status, code) = f.status
            if case .unauthorized = f { headers[.wwwAuthenticate] = "Bearer realm=\"jonction\"" }
            if case .busy = f { headers[.retryAfter] = "5" }
        case let b as BundleError:
            switch b {
            case .tooLarge, .overLimits: (status, code) = (.contentTooLarge, .tooLarge)
            case .forged, .forgedSegment, .signedByAnother: (status, code) = (.forbidden, .badSignature)
            case .revokedSender, .revokedChanges: (status, code) = (.forbidden, .revoked)
            case .unknownSender, .unknownOrigin: (status, code) = (.forbidden, .unknownSite)
            case .formatOneRefused: (status, code) = (.badRequest, .formatRefused)
            default: (status, code) = (.badRequest, .badBundle)
            }
        case let s as StoreError:
            switch s {
            case .gap: (status, code) = (.conflict, .gap)
            case .reusedSeq: (status, code) = (.conflict, .reusedSeq)
            case .clockAhead: (status, code) = (.conflict, .clockAhead)
            case .foreignNetwork, .invalidNetwork: (status, code) = (.forbidden, .foreignNetwork)
            case .invalidChange: (status, code) = (.unprocessableContent, .invalidChange)
            case .busy:
                (status, code) = (.serviceUnavailable, .busy)
                headers[.retryAfter] = "5"
            default: (status, code) = (.internalServerError, .internalError)
            }
        default:
            (status, code) = (.internalServerError, .internalError)
        }
        let fr = (error as? UserFacingError)?.message(.fr) ?? "Erreur interne du pôle ; l’administrateur en trouvera la trace dans le journal du serveur."
        let en = (error as? UserFacingError)?.message(.en) ?? "Internal hub error; the administrator will find it in the server log."
        if status == .internalServerError {
            logger.error("internal error", metadata: ["path": "\(request.uri.path)", "error": "\(String(describing: error).prefix(300))",
                                                      "request_id": "\(request.headers[HubAPI.requestIDHeader] ?? "-")"])
        }
        metrics.refused(route: HubServer.route(request.uri.path), code: code.rawValue)
        log(request, office: nil, status: status, started: started, detail: "error=\(code.rawValue)")
        var response = HubServer.error(status, code, fr: fr, en: en)
        for field in headers { response.headers.append(field) }
        return response
    }

    /// The JSON error body of protocol.md §6.6.
    static func error(_ status: HTTPResponse.Status, _ code: HubAPI.ErrorCode, fr: String, en: String) -> Response {
        var json = CanonicalJSON()
        json.beginObject()
        json.key("error")
        json.beginObject()
        json.key("code"); json.string(code.rawValue)
        json.key("message"); json.string(fr)
        json.key("message_en"); json.string(en)
        json.endObject()
        json.endObject()
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: json.output)))
    }

    /// One line per request: what, who (the office's site name), outcome, time. Never record contents.
    func log(_ request: Request, office: SiteName?, status: HTTPResponse.Status, started: Date, detail: String) {
        metrics.took(HubServer.route(request.uri.path), since: started)
        logger.info("\(request.method) \(request.uri.path) \(status.code)", metadata: [
            "request_id": "\(request.headers[HubAPI.requestIDHeader] ?? "-")",
            "office": "\(office?.rawValue ?? "-")",
            "ms": "\(Int(Date().timeIntervalSince(started) * 1000))",
            "detail": "\(detail)",
        ])
    }

    /// Every route the hub serves and its methods: the routes of `openapi.yaml` (a test checks that
    /// the two agree) and of the `405` answers' `Allow`.
    public static let routes: [String: [HTTPRequest.Method]] = [
        "/v1/health": [.get, .head], "/v1/bundles": [.post], "/v1/bundle": [.get, .head], "/v1/roster": [.get, .head],
        "/metrics": [.get, .head],
    ]

    /// The route's name in metrics.
    static func route(_ path: String) -> String {
        switch path {
        case "/v1/bundles": "upload"
        case "/v1/bundle": "download"
        case "/v1/roster": "roster"
        case "/v1/health": "health"
        default: "other"
        }
    }

    /// `GET /metrics`: the Prometheus text exposition, for whom the configuration allows.
    func metricsPage(_ request: Request) async -> Response {
        if let expected = metricsToken {
            let given = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil } ?? ""
            let same = given.utf8.count == expected.utf8.count && zip(given.utf8, expected.utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
            guard same else {
                var response = HubServer.error(.unauthorized, .unauthorized,
                    fr: "Jeton de supervision absent ou faux : la page /metrics demande le jeton configuré dans JONCTION_METRICS_TOKEN.",
                    en: "Missing or wrong monitoring token: /metrics needs the token set in JONCTION_METRICS_TOKEN.")
                response.headers[.wwwAuthenticate] = "Bearer realm=\"jonction-metrics\""
                return response
            }
        } else if !servedOnLoopback {
            return HubServer.error(.forbidden, .unauthorized,
                fr: "La page /metrics n’est servie qu’en local (pôle écoutant sur 127.0.0.1) ou avec un jeton (JONCTION_METRICS_TOKEN).",
                en: "/metrics is served only locally (hub listening on 127.0.0.1) or with a token (JONCTION_METRICS_TOKEN).")
        }
        let last = try? await threads.runIfActive { try self.replica.read { try $0.lastMergeRun() } }
        let body = metrics.exposition(lastMerge: last ?? nil)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// `kayes:12,mopti:3` → a vector.
    static func parseVector(_ text: String) throws -> VersionVector {
        var entries: [SiteName: UInt64] = [:]
        for part in text.split(separator: ",") where !part.isEmpty {
            let pieces = part.split(separator: ":")
            guard pieces.count == 2, SiteName.isValid(String(pieces[0])), let seq = Int64(pieces[1]), seq >= 0 else {
                throw HubFailure.badRequest("have")
            }
            entries[SiteName(unchecked: String(pieces[0]))] = UInt64(seq)
        }
        return VersionVector(entries)
    }
}

/// Why the hub refuses a request, beyond the bundle and the replica's own errors.
enum HubFailure: Error, UserFacingError {
    case unauthorized
    case revoked(SiteName)
    case wrongSender(token: SiteName, bundle: SiteName)
    case wrongAddressee(SiteName)
    case tooLarge(Int)
    case badRequest(String)
    /// As many uploads as the hub takes at once are already being received.
    case busy

    var status: (HTTPResponse.Status, HubAPI.ErrorCode) {
        switch self {
        case .unauthorized: return (.unauthorized, .unauthorized)
        case .revoked: return (.forbidden, .revoked)
        case .wrongSender: return (.forbidden, .wrongSender)
        case .wrongAddressee: return (.unprocessableContent, .wrongAddressee)
        case .tooLarge: return (.contentTooLarge, .tooLarge)
        case .badRequest: return (.badRequest, .badRequest)
        case .busy: return (.serviceUnavailable, .busy)
        }
    }

    func message(_ lang: Lang) -> String {
        switch self {
        case .unauthorized:
            return lang.pick("Jeton d’accès absent ou inconnu : vérifiez le jeton donné par l’administrateur du pôle (jonction hub enroll).",
                             "Missing or unknown access token: check the token given by the hub administrator (jonction hub enroll).")
        case .revoked(let site):
            return lang.pick("Le bureau \(site) a été révoqué : ses échanges avec le pôle sont refusés. Contactez l’administrateur du pôle.",
                             "Office \(site) has been revoked: its exchanges with the hub are refused. Contact the hub administrator.")
        case .wrongSender(let token, let bundle):
            return lang.pick("Ce jeton est celui du bureau \(token), mais la demande vient du réplica de \(bundle) : chaque bureau utilise son propre jeton.",
                             "This token is office \(token)'s, but the request comes from \(bundle)'s replica: each office uses its own token.")
        case .wrongAddressee(let site):
            return lang.pick("Ce paquet est destiné à \(site), pas au pôle.", "This bundle is addressed to \(site), not to the hub.")
        case .tooLarge(let limit):
            return lang.pick("Paquet trop gros (plus de \(limit >> 20) Mo) : envoyez-le par clé USB au pôle.",
                             "Bundle too large (over \(limit >> 20) MB): send it to the hub on a USB stick.")
        case .badRequest(let what):
            return lang.pick("Requête incorrecte (paramètre « \(what) »).", "Bad request (parameter “\(what)”).")
        case .busy:
            return lang.pick("Le pôle reçoit déjà plusieurs paquets : réessayez dans quelques secondes (la synchronisation le fait d’elle-même).",
                             "The hub is already receiving several bundles: try again in a few seconds (the sync does so by itself).")
        }
    }
}

/// The uploads read and merged at once, never more than `limit`; the next ones wait their turn,
/// in the order they came, up to `queueLimit` of them; beyond, the hub answers busy (503).
///
/// Waiting in turn rather than being told busy: an office's sync then waits for the uploads ahead
/// of it, not for a back-off that doubles at each refusal (issue 16). A waiting upload holds no
/// memory of its bundle: its body is read once it has its place.
///
/// `@unchecked Sendable` is safe: `running` and `waiting` are only read and written under `lock`.
final class UploadGate: @unchecked Sendable {
    private let lock = NSLock()
    private var running = 0
    private var waiting: [CheckedContinuation<Bool, Never>] = []
    private var first = 0
    let limit: Int
    let queueLimit: Int

    init(limit: Int, queueLimit: Int = HubServer.maximumWaitingUploads) {
        self.limit = limit
        self.queueLimit = queueLimit
    }

    /// Takes a place: at once if one is free, else when the uploads ahead have left; false (at
    /// once) when `queueLimit` uploads wait already.
    func enter() async -> Bool {
        await withCheckedContinuation { (turn: CheckedContinuation<Bool, Never>) in
            let now: Bool? = lock.withLock {
                if running < limit {
                    running += 1
                    return true
                }
                guard waiting.count - first < queueLimit else { return false }
                waiting.append(turn)
                return nil
            }
            if let now { turn.resume(returning: now) }
        }
    }

    /// Leaves a place: to the first upload waiting, if any.
    func leave() {
        let next: CheckedContinuation<Bool, Never>? = lock.withLock {
            guard first < waiting.count else {
                running -= 1
                return nil
            }
            let next = waiting[first]
            first += 1
            if first == waiting.count {
                waiting.removeAll(keepingCapacity: true)
                first = 0
            }
            return next
        }
        next?.resume(returning: true)
    }

    /// Uploads in progress and waiting (read by the tests).
    var load: (running: Int, waiting: Int) { lock.withLock { (running, waiting.count - first) } }
}
