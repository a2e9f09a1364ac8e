import AsyncHTTPClient
import Foundation
import Jonction
import JonctionHub
import JonctionStore
import JonctionTestSupport
import Logging
import NIOCore
import NIOHTTP1
import Testing

/// The hub as a service (issue « running the hub like a service »): errors everywhere in the JSON
/// of protocol.md §6.6, a request id per request, logs as JSON lines.
@Suite("Pôle : erreurs JSON partout, identifiant de requête, journal JSON")
struct HubServiceTests {
    static func request(_ hub: TestHub, _ method: HTTPMethod, _ path: String, headers: [(String, String)] = [])
        async throws -> (status: Int, headers: HTTPHeaders, json: [String: Any]?) {
        var request = HTTPClientRequest(url: hub.url.absoluteString + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), response.headers, try? JSONSerialization.jsonObject(with: Data(buffer: bytes)) as? [String: Any])
    }

    @Test("adresse inconnue : 404 ; mauvaise méthode : 405 avec Allow ; les deux avec le corps d’erreur JSON ; chaque réponse porte X-Request-Id")
    func errorsAndRequestIDs() async throws {
        let hub = try await TestHub.start()
        var r = try await Self.request(hub, .GET, "/v2/nothing")
        #expect(r.status == 404)
        #expect((r.json?["error"] as? [String: Any])?["code"] as? String == "not_found")
        #expect(((r.json?["error"] as? [String: Any])?["message"] as? String)?.contains("Adresse inconnue") == true)
        #expect(r.headers.first(name: "Content-Type")?.hasPrefix("application/json") == true)
        #expect(r.headers.first(name: "X-Request-Id")?.isEmpty == false)
        r = try await Self.request(hub, .DELETE, "/v1/bundles")
        #expect(r.status == 405)
        #expect(r.headers.first(name: "Allow") == "POST")
        #expect((r.json?["error"] as? [String: Any])?["code"] as? String == "method_not_allowed")
        r = try await Self.request(hub, .POST, "/v1/health")
        #expect(r.status == 405 && r.headers.first(name: "Allow") == "GET, HEAD")
        // The client's id comes back; a hostile one is replaced.
        r = try await Self.request(hub, .GET, "/v1/health", headers: [("X-Request-Id", "kayes-sync-42")])
        #expect(r.status == 200 && r.headers.first(name: "X-Request-Id") == "kayes-sync-42")
        r = try await Self.request(hub, .GET, "/v1/health", headers: [("X-Request-Id", "a b;" + String(repeating: "x", count: 100))])
        let replaced = r.headers.first(name: "X-Request-Id") ?? ""
        #expect(replaced.count == 16 && replaced.allSatisfy(\.isHexDigit))
        r = try await Self.request(hub, .GET, "/v1/bundle?site=kayes&have=")
        #expect(r.status == 401 && r.headers.first(name: "X-Request-Id") != nil)
        await hub.stop()
    }

    @Test("GET /metrics : les syncs du jour, refus par code, octets, latence, bureaux vus, dernière fusion ; rien de personnel, aucun jeton")
    func metrics() async throws {
        let hub = try await TestHub.start()
        let token = try hub.enroll("kayes")
        let kayes = try hub.office("kayes")
        try kayes.write { _ = try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Sissoko"), ("phone", "76 00 11 22")]) }
        try hub.replica.write { _ = try $0.put(table: "opportunity", id: "hub-o1", fields: [("title", "Soudeur")]) }
        _ = try await hub.client(token).sync(kayes)
        _ = try await Self.request(hub, .POST, "/v1/bundles")
        let inbox = hub.dir.url.appendingPathComponent("arrivee")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        _ = try MergeJob(replica: hub.replica, inbox: inbox, outbox: hub.dir.url.appendingPathComponent("depart")).run()
        var request = HTTPClientRequest(url: hub.url.absoluteString + "/metrics")
        request.method = .GET
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        #expect(response.status == .ok)
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        #expect(text.contains(#"jonction_bundles_received_total{outcome="merged"} 1"#), "\(text)")
        #expect(text.contains(#"jonction_requests_refused_total{route="upload",code="unauthorized"} 1"#) ||
                text.contains(#"jonction_requests_refused_total{code="unauthorized",route="upload"} 1"#), "\(text)")
        #expect(text.contains("jonction_changes_merged_total 2"))
        #expect(text.contains(#"jonction_office_last_seen_timestamp_seconds{office="kayes"}"#))
        #expect(text.contains("jonction_sync_duration_seconds_bucket"))
        #expect(text.contains("jonction_bytes_in_total") && text.contains("jonction_bytes_out_total"))
        #expect(text.contains("jonction_merge_last_success 1"))
        for secret in ["Sissoko", "76 00", token.text, "jnct_"] { #expect(!text.contains(secret), "\(secret)") }
        await hub.stop()
    }

    @Test("journal JSON : un objet par ligne, trié, avec l’identifiant de requête")
    func jsonLogs() throws {
        final class Lines: @unchecked Sendable {
            var all: [String] = []
            let lock = NSLock()
        }
        let lines = Lines()
        var logger = Logger(label: "jonction.hub") { label in
            JSONLogHandler(label: label) { line in lines.lock.lock(); lines.all.append(line); lines.lock.unlock() }
        }
        logger.logLevel = .info
        logger.info("POST /v1/bundles 200", metadata: ["request_id": "abc", "office": "kayes", "ms": "12"])
        let line = try #require(lines.all.first)
        #expect(line.hasSuffix("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["message"] == "POST /v1/bundles 200" && object["request_id"] == "abc" && object["office"] == "kayes")
        #expect(object["level"] == "info" && object["label"] == "jonction.hub" && object["ts"] != nil)
    }
}
