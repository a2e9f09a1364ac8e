import AsyncHTTPClient
import Foundation
import Jonction
import JonctionBundle
import JonctionHub
import JonctionStore
import JonctionTestSupport
import Logging
import NIOCore
import NIOHTTP1

/// A hub served on a free loopback port for the duration of a test.
///
/// `@unchecked Sendable` is safe: every property is a `let` set in `init`; the temporary directory is
/// only read (its path) after that.
final class TestHub: @unchecked Sendable {
    let dir: TemporaryDirectory
    let replica: Replica
    let port: Int
    /// Served over HTTPS (see `HubTLS.server`).
    let tls: Bool
    private let task: Task<Void, any Error>

    var url: URL { URL(string: "\(tls ? "https" : "http")://127.0.0.1:\(port)")! }

    static func start(dir: TemporaryDirectory = TemporaryDirectory("hub"), maximumUpload: Int = HubAPI.defaultMaximumUpload,
                      replica existing: Replica? = nil, tls: HubTLS.Server? = nil) async throws -> TestHub {
        let replica = try existing ?? Replica.create(at: dir.path("hub.sqlite"), site: .hub)
        // The hub's keys, as `jonction init` makes them.
        _ = try SiteKeys.readOrCreate(at: replica.keyFilePath, for: .hub)
        var logger = Logger(label: "test.hub")
        logger.logLevel = .critical
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let task = Task {
            try await HubServer.serve(replica: replica, host: "127.0.0.1", port: 0, logger: logger,
                                      maximumUpload: maximumUpload, tls: tls?.configuration) { port in continuation.yield(port) }
        }
        var iterator = stream.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return TestHub(dir: dir, replica: replica, port: port, tls: tls != nil, task: task)
    }

    private init(dir: TemporaryDirectory, replica: Replica, port: Int, tls: Bool, task: Task<Void, any Error>) {
        self.dir = dir
        self.replica = replica
        self.port = port
        self.tls = tls
        self.task = task
    }

    /// Stops serving (as SIGTERM would: requests in flight finish).
    func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    /// Enrols an office with its keys (made beside its replica's path if it has none, as `jonction
    /// init` does) and a new token, as `hub enroll --identity` does: the roster is published.
    func enroll(_ site: String) throws -> AccessToken {
        let name = try SiteName(site)
        let keys = try SiteKeys.readOrCreate(at: SiteKeys.defaultPath(forReplica: dir.path("\(site).sqlite")), for: name)
        let token = AccessToken.generate()
        let hubKeys = try replica.hubKeyring().keys
        try replica.write {
            try $0.enrollOffice(name, tokenSHA256: token.sha256, identity: keys.identity)
            try $0.publishRoster(hubKeys: hubKeys)
        }
        return token
    }

    /// An office replica in the hub's folder, which joined the network (it holds the hub's roster).
    func office(_ site: String) throws -> Replica {
        let office = try Replica.create(at: dir.path("\(site).sqlite"), site: SiteName(site))
        let roster = try replica.hubKeyring().roster
        try office.write { try $0.keep(roster) }
        return office
    }

    func client(_ token: AccessToken, attempts: Int = 3, trusting authority: CertificateAuthority? = nil) -> SyncClient {
        SyncClient(hub: url, token: token, tls: HubTLS.client(trusting: authority),
                   trustedHub: try? replica.hubKeyring().roster.roster.hub, attempts: attempts, firstDelay: 0.05,
                   connectTimeout: .seconds(2), timeout: .seconds(30))
    }

    /// A raw request, for what the sync client never sends.
    func raw(_ method: HTTPMethod, _ path: String, token: String? = nil, body: [UInt8]? = nil) async throws -> (Int, [String: Any]?) {
        var request = HTTPClientRequest(url: url.absoluteString + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let json = try? JSONSerialization.jsonObject(with: Data(buffer: bytes)) as? [String: Any]
        return (Int(response.status.code), json)
    }
}
