import AsyncHTTPClient
import Foundation
import Jonction
import JonctionHub
import JonctionStore
import JonctionTestSupport
import Testing

@Suite("HTTPS : le pôle avec un certificat et sa clé, le bureau qui vérifie le certificat")
struct TLSTests {
    let dir = TemporaryDirectory("tls")

    @Test("le pôle en HTTPS : synchronisation avec l’autorité privée ; sans elle, refus net sans nouvel essai ; HTTP en clair vers le port TLS : échec propre")
    func https() async throws {
        let certificates = try TestCertificates(in: dir)
        let hub = try await TestHub.start(tls: try HubTLS.server(certificate: certificates.certificate, key: certificates.key))
        #expect(hub.url.scheme == "https")
        let token = try hub.enroll("kayes")
        let kayes = try hub.office("kayes")
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Sissoko")]) }
        let authority = try CertificateAuthority(contentsOf: certificates.authority)
        let report = try await hub.client(token, trusting: authority).sync(kayes)
        #expect(report.sent == 1 && report.acceptedByHub == 1)
        #expect(try kayes.read { try $0.dumpJSON() } == hub.replica.read { try $0.dumpJSON() })

        // The system's trust store alone does not know the private authority: refused at once.
        let started = Date()
        let refused = await #expect(throws: SyncError.self) { try await hub.client(token, attempts: 5).sync(kayes) }
        guard case .handshake(let url, _) = refused else {
            Issue.record("expected a TLS refusal, got \(String(describing: refused))")
            return
        }
        #expect(url == hub.url.absoluteString)
        #expect(refused?.message(.fr).contains("--ca-certificate") == true)
        #expect(Date().timeIntervalSince(started) < 8)  // one attempt (2 s to connect), not five

        // Plain HTTP to the TLS port: an error, not a hang nor an answer.
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(hub.port)\(HubAPI.health)")
        request.method = .GET
        await #expect(throws: (any Error).self) {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            _ = try await response.body.collect(upTo: 1 << 20)
        }
        let plain = SyncClient(hub: URL(string: "http://127.0.0.1:\(hub.port)")!, token: token, attempts: 1,
                               connectTimeout: .seconds(2), timeout: .seconds(10))
        await #expect(throws: SyncError.self) { try await plain.sync(kayes) }
        await hub.stop()
    }

    @Test("certificat et clé du pôle : fichier absent, pas un certificat, pas une clé, clé d’un autre certificat : refus clairs")
    func serverFiles() throws {
        let c = try TestCertificates(in: dir)
        let server = try HubTLS.server(certificate: c.certificate, key: c.key)
        #expect(server.expires > Date() && server.expires < Date().addingTimeInterval(3 * 86_400))
        #expect(throws: TLSFileError.unreadable(path: dir.path("absent.pem"))) {
            try HubTLS.server(certificate: dir.path("absent.pem"), key: c.key)
        }
        #expect(throws: TLSFileError.notACertificate(path: c.key)) { try HubTLS.server(certificate: c.key, key: c.key) }
        #expect(throws: TLSFileError.notAPrivateKey(path: c.certificate)) {
            try HubTLS.server(certificate: c.certificate, key: c.certificate)
        }
        let mismatch = #expect(throws: TLSFileError.keyMismatch(certificate: c.certificate, key: c.strayKey)) {
            try HubTLS.server(certificate: c.certificate, key: c.strayKey)
        }
        #expect(mismatch?.message(.fr).contains("n’est pas celle du certificat") == true)
    }
}
