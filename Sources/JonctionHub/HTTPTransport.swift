import AsyncHTTPClient
import Foundation
import Jonction
import JonctionBundle
import JonctionStore
import NIOCore
import NIOHTTP1

/// Bundles to and from the hub over HTTP (protocol.md §6.2–6.3): `POST /v1/bundles` sends,
/// `GET /v1/bundle` fetches what the office lacks.
///
/// Network failures and "busy" answers are retried with exponential back-off; refusals (a bad
/// token, a revoked office, a damaged bundle, a certificate TLS does not trust) are not.
public struct HTTPTransport: Transport {
    public var hub: URL
    public var token: AccessToken
    public var http: HTTPClient
    /// Attempts per request (the first included).
    public var attempts: Int
    /// Delay before the second attempt; doubled each time, at most 30 s.
    public var firstDelay: Double
    public var timeout: TimeAmount
    /// Told before each new attempt: its number, and the delay before it (seconds).
    public var retrying: (@Sendable (Int, Double) -> Void)?

    public init(hub: URL, token: AccessToken, http: HTTPClient, attempts: Int = 5, firstDelay: Double = 1,
                timeout: TimeAmount = .seconds(300), retrying: (@Sendable (Int, Double) -> Void)? = nil) {
        self.hub = hub
        self.token = token
        self.http = http
        self.attempts = max(1, attempts)
        self.firstDelay = firstDelay
        self.timeout = timeout
        self.retrying = retrying
    }

    public func send(_ bundle: [UInt8]) async throws -> Delivery {
        var request = HTTPClientRequest(url: url(HubAPI.bundles))
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token.text)")
        request.headers.add(name: "Content-Type", value: HubAPI.bundleMediaType)
        request.body = .bytes(ByteBuffer(bytes: bundle))
        let (status, _, body) = try await execute(request)
        guard status == .ok else {
            let refusal = HTTPTransport.refusal(status, body)
            if status == .conflict, case .refused(_, HubAPI.ErrorCode.gap.rawValue, _, _) = refusal { return .refusedAsGap(refusal) }
            throw refusal
        }
        let answer = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        var acknowledgement: Acknowledgement?
        if let vector = answer?["vector"] as? [String: Any], let at = answer?["written_at"] as? Int, at >= 0 {
            var entries: [SiteName: UInt64] = [:]
            for (site, seq) in vector where SiteName.isValid(site) {
                if let seq = seq as? Int, seq >= 0 { entries[SiteName(unchecked: site)] = UInt64(seq) }
            }
            acknowledgement = Acknowledgement(vector: VersionVector(entries), writtenAt: UInt64(at))
        }
        return .accepted(applied: answer?["applied"] as? Int ?? 0, undone: answer?["undone"] as? Int ?? 0,
                         acknowledgement: acknowledgement)
    }

    public func fetch(for site: SiteName, have: VersionVector, at: UInt64) async throws -> [Parcel] {
        try await download(for: site, have: have, scope: nil, at: at).parcels
    }

    public func download(for site: SiteName, have: VersionVector, scope: UInt64?, at: UInt64) async throws -> Download {
        var request = HTTPClientRequest(
            url: url(HubAPI.bundle) + "?site=\(site)&have=\(HubAPI.format(have))&at=\(at)" + (scope.map { "&scope=\($0)" } ?? ""))
        request.headers.add(name: "Authorization", value: "Bearer \(token.text)")
        request.headers.add(name: "Accept", value: HubAPI.bundleMediaType)
        let (status, headers, body) = try await execute(request)
        // What the hub holds (protocol.md §6.3); an answer without it (an older hub) says nothing.
        var holds: Acknowledgement? = nil
        if let text = headers.first(name: HubAPI.vectorHeader.rawName), let vector = try? HubServer.parseVector(text),
            let at = headers.first(name: HubAPI.writtenAtHeader.rawName).flatMap({ Int64($0) }), at >= 0
        {
            holds = Acknowledgement(vector: vector, writtenAt: UInt64(at))
        }
        switch status {
        case .noContent: return Download(parcels: [], peerHolds: holds)
        case .ok: return Download(parcels: [Parcel(name: hub.absoluteString, bytes: body)], peerHolds: holds)
        default: throw HTTPTransport.refusal(status, body)
        }
    }

    /// The roster the hub signed last (`GET /v1/roster`); nil from a hub that serves none (before format 2).
    public func roster() async throws -> [UInt8]? {
        var request = HTTPClientRequest(url: url(HubAPI.roster))
        request.headers.add(name: "Authorization", value: "Bearer \(token.text)")
        request.headers.add(name: "Accept", value: HubAPI.rosterMediaType)
        let (status, _, body) = try await execute(request)
        switch status {
        case .ok: return body
        case .notFound: return nil
        default: throw HTTPTransport.refusal(status, body)
        }
    }

    private func url(_ path: String) -> String {
        var base = hub.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }

    /// Sends a request, retrying network failures and "busy" answers with back-off.
    private func execute(_ request: HTTPClientRequest) async throws -> (HTTPResponseStatus, HTTPHeaders, [UInt8]) {
        var delay = firstDelay
        var lastError: (any Error)?
        for attempt in 1...attempts {
            do {
                let response = try await http.execute(request, timeout: timeout)
                let body = try await response.body.collect(upTo: ChangeBundle.maximumSize)
                if [.serviceUnavailable, .badGateway, .gatewayTimeout].contains(response.status), attempt < attempts {
                    lastError = SyncError.refused(status: Int(response.status.code), code: "busy", message: "", messageEnglish: "")
                } else {
                    return (response.status, response.headers, Array(buffer: body))
                }
            } catch where HubTLS.isHandshakeFailure(error) {
                // A certificate refused stays refused: no second attempt.
                throw SyncError.handshake(hub.absoluteString, detail: HubTLS.reason(error))
            } catch {
                lastError = error
            }
            if attempt < attempts {
                retrying?(attempt + 1, delay)
                try await Task.sleep(nanoseconds: UInt64(delay * 1e9))
                delay = min(delay * 2, 30)
            }
        }
        if let refusal = lastError as? SyncError { throw refusal }
        throw SyncError.unreachable(hub.absoluteString, detail: lastError.map { String(String(describing: $0).prefix(200)) } ?? "")
    }

    /// The hub's JSON error body (protocol.md §6.5) as a `SyncError`.
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
