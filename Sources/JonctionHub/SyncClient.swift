import AsyncHTTPClient
import Foundation
import Jonction
import JonctionBundle
import JonctionStore
import NIOCore
import NIOHTTP1
import NIOPosix

/// An office's exchange with the hub over HTTP (protocol.md §6.4): upload what the hub lacks, then
/// download what the office lacks, and merge it.
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
    /// Where the blocking work (SQLite, encoding) runs, off the concurrency pool.
    public var threads: NIOThreadPool

    public init(hub: URL, token: AccessToken, http: HTTPClient? = nil, attempts: Int = 5, firstDelay: Double = 1,
                connectTimeout: TimeAmount = .seconds(10), timeout: TimeAmount = .seconds(300),
                threads: NIOThreadPool = .singleton) {
        self.hub = hub
        self.token = token
        self.http = http
        self.connectTimeout = connectTimeout
        self.attempts = max(1, attempts)
        self.firstDelay = firstDelay
        self.timeout = timeout
        self.threads = threads
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
        /// What merging the hub's bundle did (nil: the hub had nothing for us).
        public var received: ImportReport?
    }

    public func sync(_ replica: Replica, progress: (@Sendable (Phase) -> Void)? = nil) async throws -> Report {
        if http != nil { return try await exchange(replica, progress) }
        var session = self
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(
            timeout: .init(connect: connectTimeout, read: .seconds(120))))
        session.http = client
        do {
            let report = try await session.exchange(replica, progress)
            try await client.shutdown()
            return report
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func exchange(_ replica: Replica, _ progress: (@Sendable (Phase) -> Void)?) async throws -> Report {
        var report = Report()
        // 1. Upload. A gap means the hub lost what it had acknowledged (restored): send everything.
        var full = false
        while true {
            let everything = full
            let bundle = try await threads.runIfActive { try replica.read { try $0.makeBundle(for: .hub, full: everything) }?.encoded() }
            guard let bundle else { break }
            let count = try ChangeBundle.header(of: bundle).changeCount
            progress?(.uploading(changes: count))
            var request = HTTPClientRequest(url: url(HubAPI.bundles))
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(token.text)")
            request.headers.add(name: "Content-Type", value: HubAPI.bundleMediaType)
            request.body = .bytes(ByteBuffer(bytes: bundle))
            let (status, body) = try await send(request, progress)
            if status == .conflict, !full, (try? SyncClient.errorCode(body)) == HubAPI.ErrorCode.gap.rawValue {
                full = true
                continue
            }
            guard status == .ok else { throw SyncClient.refusal(status, body) }
            report.sent = count
            let answer = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
            report.acceptedByHub = answer?["applied"] as? Int ?? 0
            if let vector = answer?["vector"] as? [String: Any], let at = answer?["written_at"] as? Int {
                var entries: [SiteName: UInt64] = [:]
                for (site, seq) in vector where SiteName.isValid(site) { entries[SiteName(unchecked: site)] = (seq as? Int).map(UInt64.init) ?? 0 }
                let acknowledgement = Acknowledgement(vector: VersionVector(entries), writtenAt: UInt64(at))
                try await threads.runIfActive { try replica.write { try $0.remember(peer: .hub, acknowledgement) } }
            }
            break
        }

        // 2. Download what we lack, given what we hold.
        progress?(.downloading)
        let vector = try await threads.runIfActive { try replica.read { try $0.vector() } }
        let have = vector.sorted.map { "\($0.site):\($0.seq)" }.joined(separator: ",")
        var request = HTTPClientRequest(url: url(HubAPI.bundle) + "?site=\(replica.site)&have=\(have)&at=\(replica.clock.nowMillis())")
        request.headers.add(name: "Authorization", value: "Bearer \(token.text)")
        request.headers.add(name: "Accept", value: HubAPI.bundleMediaType)
        let (status, body) = try await send(request, progress)
        switch status {
        case .noContent:
            return report
        case .ok:
            report.received = try await threads.runIfActive {
                let bundle = try ChangeBundle(decoding: body, schema: replica.schema)
                return try replica.importBundle(bundle) { done, total in progress?(.merging(done: done, total: total)) }
            }
            return report
        default:
            throw SyncClient.refusal(status, body)
        }
    }

    private func url(_ path: String) -> String {
        var base = hub.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }

    /// Sends a request, retrying network failures and "busy" answers with back-off.
    private func send(_ request: HTTPClientRequest, _ progress: (@Sendable (Phase) -> Void)?) async throws
        -> (HTTPResponseStatus, [UInt8])
    {
        var delay = firstDelay
        var lastError: (any Error)?
        for attempt in 1...attempts {
            do {
                let response = try await http!.execute(request, timeout: timeout)
                let body = try await response.body.collect(upTo: ChangeBundle.maximumSize)
                if [.serviceUnavailable, .badGateway, .gatewayTimeout].contains(response.status), attempt < attempts {
                    lastError = SyncError.refused(status: Int(response.status.code), code: "busy", message: "", messageEnglish: "")
                } else {
                    return (response.status, Array(buffer: body))
                }
            } catch {
                lastError = error
            }
            if attempt < attempts {
                progress?(.retrying(attempt: attempt + 1, after: delay))
                try await Task.sleep(nanoseconds: UInt64(delay * 1e9))
                delay = min(delay * 2, 30)
            }
        }
        if let refusal = lastError as? SyncError { throw refusal }
        throw SyncError.unreachable(hub.absoluteString, detail: lastError.map { String(String(describing: $0).prefix(200)) } ?? "")
    }

    static func errorCode(_ body: [UInt8]) throws -> String? {
        let json = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        return (json?["error"] as? [String: Any])?["code"] as? String
    }

    static func refusal(_ status: HTTPResponseStatus, _ body: [UInt8]) -> SyncError {
        let json = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        let error = json?["error"] as? [String: Any]
        let code = error?["code"] as? String ?? "http_\(status.code)"
        let fr = error?["message"] as? String ?? ""
        let en = error?["message_en"] as? String ?? ""
        switch code {
        case HubAPI.ErrorCode.unauthorized.rawValue: return .unauthorized
        case HubAPI.ErrorCode.revoked.rawValue: return .revoked(message: fr, messageEnglish: en)
        default: return .refused(status: Int(status.code), code: code, message: fr, messageEnglish: en)
        }
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

    public func message(_ lang: Lang) -> String {
        switch self {
        case .unreachable(let url, _):
            return lang.pick(
                "Pôle injoignable à \(url) après plusieurs essais. Vérifiez la connexion (ou l’adresse donnée à --hub) ; les données de ce poste sont intactes. Réessayez plus tard, ou passez par une clé USB (jonction export).",
                "Hub unreachable at \(url) after several attempts. Check the connection (or the address given to --hub); this machine's data is intact. Try again later, or use a USB stick (jonction export).")
        case .unauthorized:
            return lang.pick(
                "Le pôle refuse ce jeton d’accès : vérifiez --token (ou JONCTION_TOKEN), ou demandez un nouveau jeton à l’administrateur du pôle.",
                "The hub refuses this access token: check --token (or JONCTION_TOKEN), or ask the hub administrator for a new token.")
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
            return lang.pick("Jeton d’accès manquant : donnez --token, ou définissez JONCTION_TOKEN.",
                             "Missing access token: give --token, or set JONCTION_TOKEN.")
        }
    }
}
