import AsyncHTTPClient
import Foundation
import Jonction
import JonctionBundle
import JonctionStore
import NIOCore
import NIOSSL

/// An office's exchange with the hub over HTTP (protocol.md §6.4): `Replica.exchange` (the
/// `Exchange` machine) driven over an `HTTPTransport`.
///
/// Each step is atomic and idempotent, so a sync cut off at any point is simply run again. Network
/// failures are retried with exponential back-off; refusals (a bad token, a revoked office) are not.
public struct SyncClient: Sendable {
    public var hub: URL
    public var token: AccessToken
    /// The HTTP client; nil: one made for each sync, with `connectTimeout`, and shut down after.
    public var http: HTTPClient?
    /// How long to try reaching the hub before an attempt counts as failed (a refused connection
    /// is retried within this time).
    public var connectTimeout: TimeAmount
    /// Attempts per request (the first included).
    public var attempts: Int
    /// Delay before the second attempt; doubled each time, at most 30 s.
    public var firstDelay: Double
    public var timeout: TimeAmount
    /// For `https://` hubs, when the client is made here: the trust in the hub's certificate (nil: the
    /// system's trust store only; see `HubTLS.client`).
    public var tls: TLSConfiguration?
    /// The hub identity this office took from its join file: it checks the first roster the hub
    /// gives (later ones are checked against the hub keys the replica holds).
    public var trustedHub: SiteIdentity?

    public init(hub: URL, token: AccessToken, http: HTTPClient? = nil, tls: TLSConfiguration? = nil,
                trustedHub: SiteIdentity? = nil, attempts: Int = 5,
                firstDelay: Double = 1, connectTimeout: TimeAmount = .seconds(10), timeout: TimeAmount = .seconds(300)) {
        self.hub = hub
        self.token = token
        self.trustedHub = trustedHub
        self.http = http
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.attempts = max(1, attempts)
        self.firstDelay = firstDelay
        self.timeout = timeout
    }

    public enum Phase: Sendable {
        case uploading(changes: Int)
        case downloading
        case merging(done: Int, total: Int)
        case retrying(attempt: Int, after: Double)
    }

    public struct Report: Sendable {
        /// Changes sent, and how many the hub did not have yet.
        public var sent = 0
        public var acceptedByHub = 0
        /// Of those, how many the hub took in and undid, not being allowed (protocol.md §2.5).
        public var undoneByHub = 0
        /// What merging the hub's bundle did (nil: the hub had nothing for us).
        public var received: ImportReport?
        /// Whether the hub's answer showed it lacking changes we held (restored from a backup), which
        /// were then sent.
        public var sentAfterDownload = false
    }

    public func sync(_ replica: Replica, progress: (@Sendable (Phase) -> Void)? = nil) async throws -> Report {
        if let http { return try await exchange(replica, http, progress) }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(
            tlsConfiguration: tls, timeout: .init(connect: connectTimeout, read: .seconds(120))))
        do {
            let report = try await exchange(replica, client, progress)
            try await client.shutdown()
            return report
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func exchange(_ replica: Replica, _ http: HTTPClient, _ progress: (@Sendable (Phase) -> Void)?) async throws -> Report {
        let transport = HTTPTransport(hub: hub, token: token, http: http, attempts: attempts, firstDelay: firstDelay,
                                      timeout: timeout) { attempt, delay in progress?(.retrying(attempt: attempt, after: delay)) }
        // The roster first (protocol.md §6.4): a revocation reaches the office at once, and the
        // download is checked against the newest list.
        if let bytes = try await transport.roster(),
            let trust = try replica.read({ try $0.roster() })?.roster.hub ?? trustedHub
        {
            let roster = try SignedRoster(verifying: bytes, trusting: trust)
            try replica.write { try $0.keep(roster) }
        }
        let exchange = try await replica.exchange(with: .hub, over: transport) { phase in
            switch phase {
            case .uploading(let changes): progress?(.uploading(changes: changes))
            case .downloading: progress?(.downloading)
            case .merging(let done, let total): progress?(.merging(done: done, total: total))
            }
        }
        var report = Report(sent: exchange.sent, acceptedByHub: exchange.acceptedByPeer, undoneByHub: exchange.undoneByPeer,
                            sentAfterDownload: exchange.sentAfterDownload)
        for (_, result) in exchange.received.joined() {
            switch result {
            case .imported(let r), .replay(let r):
                // The hub's pieces (when we lacked more than a bundle carries) count as one download.
                guard var total = report.received else {
                    report.received = r
                    continue
                }
                total.apply.applied += r.apply.applied
                total.apply.duplicates += r.apply.duplicates
                total.apply.conflicts += r.apply.conflicts
                total.apply.nulledValues += r.apply.nulledValues
                if let scope = r.scope {
                    var sum = total.scope ?? ScopeReport()
                    sum.generation = max(sum.generation, scope.generation)
                    sum.received += scope.received
                    sum.dropped += scope.dropped
                    sum.pendingDrops = scope.pendingDrops
                    sum.stale = sum.stale && scope.stale
                    total.scope = sum
                }
                for (origin, seqs) in r.apply.ranges {
                    let held = total.apply.ranges[origin]
                    total.apply.ranges[origin] = min(held?.lowerBound ?? seqs.lowerBound, seqs.lowerBound)
                        ... max(held?.upperBound ?? seqs.upperBound, seqs.upperBound)
                }
                total.header = r.header
                report.received = total
            case .refused(let error): throw error
            case .notForUs: break
            }
        }
        return report
    }
}

/// Why a sync did not complete. Nothing is lost: what was merged stays merged, and running the
/// sync again picks up where it stopped.
public enum SyncError: Error, UserFacingError, Equatable {
    case unreachable(String, detail: String)
    case unauthorized
    case revoked(message: String, messageEnglish: String)
    case refused(status: Int, code: String, message: String, messageEnglish: String)
    case invalidURL(String)
    case missingToken
    /// No address for the hub: neither `--hub` nor the site's configuration (which exists or not).
    case missingHub(configured: Bool)
    /// TLS refused the hub (an untrusted certificate, another name, no TLS at that address).
    case handshake(String, detail: String)

    public func message(_ lang: Lang) -> String {
        switch self {
        case .unreachable(let url, _):
            return lang.pick(
                "Pôle injoignable à \(url) après plusieurs essais. Vérifiez la connexion et l’adresse du pôle (--hub ou le fichier d’adhésion ; https:// si le pôle est servi en HTTPS) ; les données de ce poste sont intactes. Réessayez plus tard, ou passez par une clé USB (jonction export).",
                "Hub unreachable at \(url) after several attempts. Check the connection and the hub's address (--hub or the join file; https:// if the hub is served over HTTPS); this machine's data is intact. Try again later, or use a USB stick (jonction export).")
        case .unauthorized:
            return lang.pick(
                "Le pôle refuse ce jeton d’accès. Demandez un nouveau fichier d’adhésion à l’administrateur du pôle et lancez « jonction join » avec ; si le jeton vient de JONCTION_TOKEN ou de --token, vérifiez-le.",
                "The hub refuses this access token. Ask the hub administrator for a new join file and run “jonction join” with it; if the token comes from JONCTION_TOKEN or --token, check it.")
        case .revoked(let fr, let en):
            return lang.pick(fr.isEmpty ? "Ce bureau a été révoqué par le pôle. Contactez l’administrateur du pôle." : fr,
                             en.isEmpty ? "This office was revoked by the hub. Contact the hub administrator." : en)
        case .refused(let status, let code, let fr, let en):
            return lang.pick("Le pôle a refusé (\(status), \(code)) : \(fr.isEmpty ? "sans explication" : fr)",
                             "The hub refused (\(status), \(code)): \(en.isEmpty ? "no explanation" : en)")
        case .invalidURL(let url):
            return lang.pick("Adresse du pôle invalide « \(url) » : attendu par exemple http://10.0.0.5:8080.",
                             "Invalid hub address “\(url)”: expected e.g. http://10.0.0.5:8080.")
        case .missingToken:
            return lang.pick(
                "Jeton d’accès manquant : lancez une fois « jonction join --db RÉPLICA FICHIER » avec le fichier d’adhésion remis par l’administrateur du pôle (il contient le jeton) ; pour un script, la variable JONCTION_TOKEN.",
                "Missing access token: run “jonction join --db REPLICA FILE” once with the join file the hub administrator gave you (it holds the token); for a script, the JONCTION_TOKEN variable.")
        case .missingHub(let configured):
            return configured
                ? lang.pick(
                    "Adresse du pôle inconnue : le fichier d’adhésion de ce bureau n’en contient pas (bureau inscrit pour les clés USB seulement). Échangez par clé USB (jonction export / import), ou demandez à l’administrateur un fichier d’adhésion avec l’adresse du pôle (jonction hub enroll --hub-url).",
                    "Hub address unknown: this office's join file has none (an office enrolled for USB sticks only). Exchange by USB stick (jonction export / import), or ask the administrator for a join file with the hub's address (jonction hub enroll --hub-url).")
                : lang.pick(
                    "Adresse du pôle inconnue : lancez une fois « jonction join --db RÉPLICA FICHIER » avec le fichier d’adhésion remis par l’administrateur du pôle, ou donnez --hub.",
                    "Hub address unknown: run “jonction join --db REPLICA FILE” once with the join file the hub administrator gave you, or give --hub.")
        case .handshake(let url, let detail):
            return lang.pick(
                "Connexion sécurisée (TLS) impossible avec le pôle \(url) : son certificat n’est pas reconnu par ce poste, ne porte pas ce nom, ou le pôle ne parle pas HTTPS à cette adresse. Si le pôle a sa propre autorité de certification, donnez son certificat : jonction join --ca-certificate CA.pem FICHIER (ou sync --ca-certificate). Les données de ce poste sont intactes. (Détail : \(detail))",
                "Secure connection (TLS) to the hub \(url) impossible: its certificate is not trusted by this machine, does not carry this name, or the hub does not speak HTTPS at this address. If the hub has its own certificate authority, give its certificate: jonction join --ca-certificate CA.pem FILE (or sync --ca-certificate). This machine's data is intact. (Detail: \(detail))")
        }
    }
}

extension Replica {
    /// Notes a sync with the hub in the exchange journal (the office's home page).
    public func journalSync(sent: Int, received: Int) throws {
        try write { try $0.journal(ExchangeRecord(at: clock.nowMillis(), peer: .hub, route: .http, direction: .received, changes: sent + received,
                                                  detail: "\(sent) envoyé(s), \(received) reçu(s)")) }
    }
}
