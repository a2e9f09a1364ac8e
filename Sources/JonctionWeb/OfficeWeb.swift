import Foundation
import Hummingbird
import Jonction
import JonctionBundle
import JonctionHub
import JonctionStore
import Logging
import Mustache
import NIOCore
import NIOPosix

/// The office application (`jonction serve`): French pages served by the replica itself, on
/// loopback by default. Every page but sign-in needs a signed-in user of the site's list; every
/// form carries the session's CSRF token; requests whose `Host` is not the address served are
/// refused (DNS rebinding); nothing personal is logged (method, route, status and duration only).
public final class OfficeWeb: Sendable {
    public struct Options: Sendable {
        /// The hub's arrival folder, whose `rejected/` files the dashboard lists (hub only).
        public var inbox: URL?
        /// Folders where sticks are mounted, scanned for the stick page (default: /media, /run/media, /mnt).
        public var stickRoots: [URL]
        /// bcrypt's cost for new passwords (12; lower only in tests).
        public var passwordCost: UInt8

        public init(inbox: URL? = nil, stickRoots: [URL]? = nil, passwordCost: UInt8 = 12) {
            self.inbox = inbox
            self.stickRoots = stickRoots ?? ["/media", "/run/media", "/mnt"].map { URL(fileURLWithPath: $0) }
            self.passwordCost = passwordCost
        }
    }

    let replica: Replica
    let options: Options
    let library: MustacheLibrary
    let sessions = SessionStore()
    let jobs = JobBoard()
    let threads: NIOThreadPool
    let logger: Logger
    /// The host names a request may name (`Host:`), besides the address served.
    let hosts: Set<String>
    static let maximumBody = 256 * 1024
    static let cookie = "jonction_session"

    init(replica: Replica, options: Options, threads: NIOThreadPool, logger: Logger, host: String) throws {
        self.replica = replica
        self.options = options
        self.library = try Templates.library()
        self.threads = threads
        self.logger = logger
        var hosts: Set<String> = [host.lowercased(), "localhost", "127.0.0.1", "[::1]"]
        if host == "0.0.0.0" || host == "::" {
            // Served on every interface: any name reaches it (still signed in, still CSRF-checked).
            hosts = []
        }
        self.hosts = hosts
    }

    /// Serves until SIGTERM or SIGINT. `onRunning` gets the bound port.
    public static func serve(replica: Replica, host: String, port: Int, options: Options = Options(), logger: Logger,
                             onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let threads = NIOThreadPool(numberOfThreads: max(2, System.coreCount))
        let web = try OfficeWeb(replica: replica, options: options, threads: threads, logger: logger, host: host)
        let app = Application(
            router: web.router(),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
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

    /// The application's router, for `serve` and for tests (`HummingbirdTesting`).
    public static func router(replica: Replica, options: Options = Options(), host: String = "127.0.0.1",
                              logger: Logger = Logger(label: "jonction-web")) throws -> (Router<BasicRequestContext>, NIOThreadPool) {
        let threads = NIOThreadPool(numberOfThreads: 2)
        threads.start()
        let web = try OfficeWeb(replica: replica, options: options, threads: threads, logger: logger, host: host)
        return (web.router(), threads)
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("sante") { _, _ in Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ok\n"))) }
        router.get("static/app.css") { _, _ in Self.asset(Assets.css, type: "text/css; charset=utf-8") }
        router.get("static/app.js") { _, _ in Self.asset(Assets.js, type: "text/javascript; charset=utf-8") }

        router.get("connexion") { r, _ in await self.page(r, signedIn: false) { try self.signInPage($0) } }
        router.post("connexion") { r, _ in await self.action(r, signedIn: false) { try self.signIn($0) } }
        router.post("deconnexion") { r, _ in await self.action(r, signedIn: false) { try self.signOut($0) } }
        router.get("installation") { r, _ in await self.page(r, signedIn: false) { try self.setupPage($0) } }
        router.post("installation") { r, _ in await self.action(r, signedIn: false) { try self.setup($0) } }

        router.get("/") { r, _ in await self.page(r) { try self.home($0) } }
        router.get("candidats") { r, _ in await self.page(r) { try self.candidates($0) } }
        router.get("candidats/nouveau") { r, _ in await self.page(r) { try self.recordForm($0, kind: .candidate, id: nil) } }
        router.post("candidats") { r, _ in await self.action(r) { try self.saveRecord($0, kind: .candidate, id: nil) } }
        router.get("candidats/:id") { r, c in await self.page(r) { try self.recordPage($0, kind: .candidate, id: c.parameters.get("id") ?? "") } }
        router.get("candidats/:id/fiche") { r, c in await self.page(r) { try self.sheet($0, id: c.parameters.get("id") ?? "") } }
        router.get("candidats/:id/modifier") { r, c in await self.page(r) { try self.recordForm($0, kind: .candidate, id: c.parameters.get("id") ?? "") } }
        router.post("candidats/:id") { r, c in await self.action(r) { try self.saveRecord($0, kind: .candidate, id: c.parameters.get("id") ?? "") } }
        for kind in [RecordKind.employer, .opportunity] {
            let base = kind.path
            router.get(RouterPath(base)) { r, _ in await self.page(r) { try self.recordList($0, kind: kind) } }
            router.get(RouterPath(base + "/nouveau")) { r, _ in await self.page(r) { try self.recordForm($0, kind: kind, id: nil) } }
            router.post(RouterPath(base)) { r, _ in await self.action(r) { try self.saveRecord($0, kind: kind, id: nil) } }
            router.get(RouterPath(base + "/:id")) { r, c in await self.page(r) { try self.recordPage($0, kind: kind, id: c.parameters.get("id") ?? "") } }
            router.get(RouterPath(base + "/:id/modifier")) { r, c in await self.page(r) { try self.recordForm($0, kind: kind, id: c.parameters.get("id") ?? "") } }
            router.post(RouterPath(base + "/:id")) { r, c in await self.action(r) { try self.saveRecord($0, kind: kind, id: c.parameters.get("id") ?? "") } }
        }
        router.get("propositions") { r, _ in await self.page(r) { try self.proposals($0) } }
        router.post("propositions/:id/accepter") { r, c in await self.action(r) { try self.answer($0, id: c.parameters.get("id") ?? "", accept: true) } }
        router.post("propositions/:id/refuser") { r, c in await self.action(r) { try self.answer($0, id: c.parameters.get("id") ?? "", accept: false) } }
        router.get("conflits") { r, _ in await self.page(r) { try self.conflicts($0) } }
        router.post("conflits/:n/revu") { r, c in await self.action(r) { try self.review($0, number: c.parameters.get("n") ?? "") } }
        router.get("echanges") { r, _ in await self.page(r) { try self.exchanges($0) } }
        router.post("echanges/cle") { r, _ in await self.action(r) { try self.stick($0) } }
        router.post("echanges/synchroniser") { r, _ in await self.action(r) { try self.sync($0) } }
        router.get("echanges/travaux/:id") { r, c in await self.page(r) { try self.jobPage($0, id: c.parameters.get("id") ?? "") } }
        router.get("utilisateurs") { r, _ in await self.page(r) { try self.usersPage($0, errors: []) } }
        router.post("utilisateurs") { r, _ in await self.action(r) { try self.saveUser($0) } }
        return router
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "max-age=3600"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

// MARK: - Requests and replies

/// One request as the pages see it: who, the query or form, and the session's tokens.
struct Visit: Sendable {
    var session: SessionStore.Session
    var path: String
    var query: Form
    var form: Form
    var user: UserName? { session.user }
    var role: UserRole? { session.role }
}

/// What a page answers.
enum Reply: Sendable {
    /// A whole page (`template` rendered with `context`), with a status.
    case page(String, status: HTTPResponse.Status = .ok)
    /// A part of a page (search results), no layout.
    case fragment(String)
    /// After a form: to another page (303), with an optional message shown there once.
    case redirect(String, flash: String? = nil)
    /// After signing in: the new session's cookie, then to a page.
    case signedIn(String, String)
}

/// A refusal shown as a French error page with a 4xx status.
struct WebRefusal: Error, Sendable {
    var status: HTTPResponse.Status
    var title: String
    var message: String

    static func notFound(_ what: String) -> WebRefusal {
        WebRefusal(status: .notFound, title: "Introuvable", message: what)
    }
}

extension OfficeWeb {
    func token(of request: Request) -> String? {
        guard let header = request.headers[.cookie] else { return nil }
        for part in header.split(separator: ";") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0] == Self.cookie { return String(pair[1].prefix(128)) }
        }
        return nil
    }

    /// The request's host, checked against the address served; nil if foreign.
    func hostAllowed(_ request: Request) -> Bool {
        guard !hosts.isEmpty else { return true }
        guard let host = request.head.authority?.lowercased() else { return false }
        let name: String
        if host.hasPrefix("[") { name = String(host.prefix { $0 != "]" }) + "]" } else { name = String(host.split(separator: ":").first ?? "") }
        return hosts.contains(name)
    }

    func page(_ request: Request, signedIn: Bool = true, _ body: @escaping @Sendable (Visit) throws -> Reply) async -> Response {
        await respond(request, form: Form(nil), signedIn: signedIn, body)
    }

    func action(_ request: Request, signedIn: Bool = true, _ body: @escaping @Sendable (Visit) throws -> Reply) async -> Response {
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: Self.maximumBody) } catch {
            return Self.html(.contentTooLarge, "<p>Formulaire trop grand (256 Kio au plus).</p>")
        }
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/x-www-form-urlencoded") else {
            return Self.html(.unsupportedMediaType, "<p>Formulaire attendu (application/x-www-form-urlencoded).</p>")
        }
        return await respond(request, form: Form(String(buffer: buffer)), signedIn: signedIn, post: true, body)
    }

    private func respond(_ request: Request, form: Form, signedIn: Bool, post: Bool = false,
                         _ body: @escaping @Sendable (Visit) throws -> Reply) async -> Response {
        let started = Date()
        guard hostAllowed(request) else {
            return Self.html(.misdirectedRequest, "<p>Adresse inattendue : ouvrez l’application par http://127.0.0.1.</p>")
        }
        let session = sessions.session(token(of: request))
        let path = request.uri.path
        let visit = Visit(session: session, path: path, query: Form(request.uri.query), form: form)
        var response: Response
        if signedIn, session.user == nil {
            response = try! await threads.runIfActive { try self.needsSignIn(path: path, query: request.uri.query) }
        } else if post, !Self.sameSecret(form["csrf"], session.csrf) || !originAllowed(request) {
            response = render(.page(errorPage(visit, WebRefusal(status: .forbidden, title: "Formulaire expiré",
                message: "Ce formulaire n’est plus valable (page trop ancienne, ou envoyée d’ailleurs). Rechargez la page et recommencez : rien n’a été enregistré.")),
                status: .forbidden), session)
        } else {
            do {
                let reply = try await threads.runIfActive { try body(visit) }
                response = render(reply, session)
            } catch let refusal as WebRefusal {
                response = render(.page(errorPage(visit, refusal), status: refusal.status), session)
            } catch let error as any UserFacingError {
                response = render(.page(errorPage(visit, WebRefusal(status: .unprocessableContent, title: "Refusé", message: error.message(.fr))),
                                        status: .unprocessableContent), session)
            } catch {
                logger.error("page \(path): \(type(of: error))")
                response = render(.page(errorPage(visit, WebRefusal(status: .internalServerError, title: "Erreur",
                    message: "Une erreur inattendue est survenue ; rien n’a été enregistré à moitié. Réessayez ; si elle revient, notez l’heure et prévenez l’administrateur.")),
                    status: .internalServerError), session)
            }
        }
        if response.headers[.setCookie] == nil {
            response.headers[.setCookie] = "\(Self.cookie)=\(session.token); Path=/; HttpOnly; SameSite=Strict"
        }
        // Only the method, the route's first segment, the status and the time: no id, no query.
        logger.info("\(request.method) /\(path.split(separator: "/").first ?? "") \(response.status.code) \(Int(Date().timeIntervalSince(started) * 1000)) ms")
        return response
    }

    /// A POST's `Origin` (when the browser sends one) must be this application.
    func originAllowed(_ request: Request) -> Bool {
        guard let origin = request.headers[.origin], origin != "null" else { return true }
        guard let host = URL(string: origin)?.host else { return false }
        return hosts.isEmpty || hosts.contains(host.lowercased()) || hosts.contains("[\(host.lowercased())]")
    }

    static func sameSecret(_ given: String?, _ expected: String) -> Bool {
        guard let given, given.utf8.count == expected.utf8.count else { return false }
        return zip(given.utf8, expected.utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    func needsSignIn(path: String, query: String?) throws -> Response {
        let hasUsers = try replica.read { try $0.users() }.contains { $0.isActive }
        let target = hasUsers ? "/connexion?suite=\(Form.encode(path + (query.map { "?" + $0 } ?? "")))" : "/installation"
        return Response(status: .seeOther, headers: [.location: target])
    }

    func render(_ reply: Reply, _ session: SessionStore.Session) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .cacheControl: "no-store",
            .contentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            .xContentTypeOptions: "nosniff",
        ]
        headers[.init("Referrer-Policy")!] = "no-referrer"
        switch reply {
        case .page(let html, let status):
            return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
        case .fragment(let html):
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
        case .redirect(let location, let flash):
            if let flash { sessions.flash(session.token, flash) }
            headers[.location] = location
            return Response(status: .seeOther, headers: headers)
        case .signedIn(let token, let location):
            headers[.location] = location
            headers[.setCookie] = "\(Self.cookie)=\(token); Path=/; HttpOnly; SameSite=Strict"
            return Response(status: .seeOther, headers: headers)
        }
    }

    static func html(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: "<!doctype html><html lang=\"fr\"><meta charset=\"utf-8\"><title>Jonction</title>\(body)</html>")))
    }

    // MARK: Layout

    /// The context every page shares: site, user, navigation, CSRF token, messages.
    func layout(_ visit: Visit, title: String, current: String? = nil) -> [String: Any] {
        let isHub = replica.site == .hub
        var nav: [[String: Any]] = [
            ["href": "/", "label": isHub ? "Tableau de bord" : "Accueil"],
            ["href": "/candidats", "label": "Candidats"],
            ["href": "/employeurs", "label": "Employeurs"],
            ["href": "/opportunites", "label": "Opportunités"],
            ["href": "/propositions", "label": "Propositions"],
            ["href": "/conflits", "label": "Conflits"],
            ["href": "/echanges", "label": "Échanges"],
        ]
        if visit.role == .administrator { nav.append(["href": "/utilisateurs", "label": "Utilisateurs"]) }
        let here = current ?? "/" + (visit.path.split(separator: "/").first.map(String.init) ?? "")
        for i in nav.indices where nav[i]["href"] as? String == here { nav[i]["current"] = true }
        return [
            "title": title,
            "site": replica.site.rawValue,
            "siteLabel": isHub ? "pôle" : replica.site.rawValue.capitalized,
            "signedIn": visit.user != nil,
            "userName": visit.user?.rawValue ?? "",
            "roleLabel": visit.role?.frenchName ?? "",
            "csrf": visit.session.csrf,
            "nav": nav,
            "flash": sessions.takeFlash(visit.session.token),
        ]
    }

    func render(_ template: String, _ context: [String: Any]) -> String {
        // `{{#has_rows}}`: whether a list has anything (a table's head is shown only then).
        var context = context
        for (key, value) in context {
            if let list = value as? [Any] { context["has_" + key] = !list.isEmpty }
        }
        return library.render(context, withTemplate: template) ?? "<p>Modèle de page manquant : \(template).</p>"
    }

    func errorPage(_ visit: Visit, _ refusal: WebRefusal) -> String {
        var context = layout(visit, title: refusal.title)
        context["message"] = refusal.message
        context["back"] = visit.path.hasPrefix("/") ? "javascript:history.back()" : "/"
        context["back"] = "/"
        return render("error", context)
    }

    /// « 03/12/2026 07:12 » (Mali is on UTC all year).
    static func when(_ millis: UInt64) -> String {
        let iso = HLC.iso8601(millis: millis)
        let parts = iso.split(separator: "T")
        let ymd = parts[0].split(separator: "-")
        return "\(ymd[2])/\(ymd[1])/\(ymd[0]) \(parts[1].prefix(5))"
    }
}
