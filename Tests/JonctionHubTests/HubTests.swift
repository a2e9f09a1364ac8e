import AsyncHTTPClient
import Foundation
import Jonction
import JonctionBundle
import JonctionFuzz
@testable import JonctionHub
import JonctionStore
import JonctionTestSupport
import Testing

@Suite("Pôle HTTP : jetons, envois, téléchargements, reprise, bureaux concurrents")
struct HubTests {
    @Test("santé, puis un bureau inscrit envoie et reçoit")
    func healthAndSync() async throws {
        let hub = try await TestHub.start()
        let (status, health) = try await hub.raw(.GET, HubAPI.health)
        #expect(status == 200)
        #expect(health?["status"] as? String == "ok")
        #expect(health?["network"] as? String == (try hub.replica.read { try $0.network() }))

        let token = try hub.enroll("kayes")
        let kayes = try hub.office("kayes")
        try hub.replica.write { try $0.put(table: "employer", id: "emp-01", fields: [("name", "Bâtir Sahel SARL")]) }
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Sissoko")]) }
        let report = try await hub.client(token).sync(kayes)
        #expect(report.sent == 1)
        #expect(report.acceptedByHub == 1)
        #expect(report.received?.apply.applied == 1)
        #expect(try kayes.read { try $0.dumpJSON() } == hub.replica.read { try $0.dumpJSON() })
        #expect(try kayes.read { try $0.network() } == hub.replica.read { try $0.network() })
        // The hub's answer acknowledged the upload: the next one is empty.
        #expect(try kayes.sealedBundle(for: .hub) == nil)
        let again = try await hub.client(token).sync(kayes)
        #expect(again.sent == 0 && again.received == nil)
        #expect(try hub.replica.read { try $0.offices() }.first?.lastContact != nil)
        await hub.stop()
    }

    @Test("une horloge en avance de dix jours : 409 clock_ahead en français, rien de changé ; un pôle restauré se rattrape au sync suivant")
    func clockAheadAndRestoredHub() async throws {
        let hub = try await TestHub.start()
        let token = try hub.enroll("kayes")
        let ahead = ManualClock(millis: UInt64(Date().timeIntervalSince1970 * 1000) + 10 * 86_400_000)
        let late = try Replica.create(at: hub.dir.path("late.sqlite"), site: SiteName("kayes"), clock: ahead)
        // Kayes's own keys (a second copy of its replica, on a laptop whose clock is wrong).
        try SiteKeys.read(from: SiteKeys.defaultPath(forReplica: hub.dir.path("kayes.sqlite"))).write(to: late.keyFilePath)
        try late.write { try $0.keep(hub.replica.hubKeyring().roster) }
        try late.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Sissoko")]) }
        let bundle = try late.sealedBundle(for: .hub)!.bytes
        let (status, json) = try await hub.raw(.POST, HubAPI.bundles, token: token.text, body: bundle)
        #expect(status == 409)
        let error = json?["error"] as? [String: Any]
        #expect(error?["code"] as? String == "clock_ahead")
        #expect((error?["message"] as? String)?.contains("l’horloge de kayes avance") == true)
        #expect(try hub.replica.read { try $0.vector() } == VersionVector())

        // A real office syncs, the hub loses everything (restored from an empty backup), the office
        // has nothing new: its next sync gives the hub back what it lost.
        let kayes = try hub.office("kayes")
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Sissoko")]) }
        _ = try await hub.client(token).sync(kayes)
        let network = try hub.replica.read { try $0.network() }
        await hub.stop()
        let emptyDir = TemporaryDirectory("restored")
        let restored = try Replica.create(at: emptyDir.path("hub.sqlite"), site: .hub, network: network)
        // The key files are kept apart from the replicas' backups: the hub's and Kayes's are the same.
        try SiteKeys.read(from: hub.replica.keyFilePath).write(to: restored.keyFilePath)
        try SiteKeys.read(from: kayes.keyFilePath).write(to: SiteKeys.defaultPath(forReplica: emptyDir.path("kayes.sqlite")))
        let again = try await TestHub.start(dir: emptyDir, replica: restored)
        let token2 = try again.enroll("kayes")
        let report = try await again.client(token2).sync(kayes)
        #expect(report.sentAfterDownload)
        #expect(try restored.read { try $0.dumpJSON() } == kayes.read { try $0.dumpJSON() })
        await again.stop()
    }

    @Test("jeton absent, inconnu, d’un autre bureau, révoqué : refus clairs, rien de changé")
    func tokens() async throws {
        let hub = try await TestHub.start()
        let kayesToken = try hub.enroll("kayes"), moptiToken = try hub.enroll("mopti")
        let kayes = try hub.office("kayes")
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Sissoko")]) }
        let bundle = try kayes.sealedBundle(for: .hub)!.bytes

        var (status, json) = try await hub.raw(.POST, HubAPI.bundles, body: bundle)
        #expect(status == 401)
        #expect((json?["error"] as? [String: Any])?["code"] as? String == "unauthorized")
        (status, _) = try await hub.raw(.POST, HubAPI.bundles, token: "jnct_" + String(repeating: "A", count: 43), body: bundle)
        #expect(status == 401)

        await #expect(throws: SyncError.unauthorized) {
            try await hub.client(AccessToken("jnct_" + String(repeating: "B", count: 43))!).sync(kayes)
        }
        let wrong = await #expect(throws: SyncError.self) { try await hub.client(moptiToken).sync(kayes) }
        #expect(wrong?.message(.fr).contains("chaque bureau utilise son propre jeton") == true)
        #expect(try hub.replica.read { try $0.vector() } == VersionVector())

        try hub.replica.write { try $0.revokeOffice(SiteName("kayes")) }
        let revoked = await #expect(throws: SyncError.self) { try await hub.client(kayesToken).sync(kayes) }
        #expect(revoked?.message(.fr).contains("révoqué") == true)
        #expect(try hub.replica.read { try $0.vector() } == VersionVector())
        await hub.stop()
    }

    @Test("un paquet hostile par HTTP (le bloc qui demandait 50 Go, 2⁴⁰ changements) : refusé, le pôle continue de servir")
    func hostileUploads() async throws {
        let hub = try await TestHub.start()
        let token = try hub.enroll("kayes")
        var (status, json) = try await hub.raw(.POST, HubAPI.bundles, token: token.text, body: HostileBundle.countBomb.bytes())
        #expect(status == 413)
        var error = json?["error"] as? [String: Any]
        #expect(error?["code"] as? String == "too_large")
        #expect((error?["message"] as? String)?.contains("trop volumineux") == true)
        (status, json) = try await hub.raw(.POST, HubAPI.bundles, token: token.text, body: HostileBundle.declares2p40Changes.bytes())
        #expect(status == 400)
        error = json?["error"] as? [String: Any]
        #expect(error?["code"] as? String == "bad_bundle")
        (status, _) = try await hub.raw(.GET, HubAPI.health)
        #expect(status == 200)
        #expect(try hub.replica.read { try $0.vector() } == VersionVector())
        await hub.stop()
    }

    @Test("quatre envois lus à la fois ; les suivants attendent leur tour dans l’ordre d’arrivée ; au-delà de la file, 503 « busy »")
    func uploadGate() async {
        let gate = UploadGate(limit: HubServer.maximumConcurrentUploads, queueLimit: 3)
        for _ in 0..<4 { #expect(await gate.enter()) }
        // Three wait, in order; a fourth is told busy at once.
        let order = OrderBox()
        var waiting: [Task<Bool, Never>] = []
        for n in 0..<3 {
            waiting.append(Task {
                let entered = await gate.enter()
                order.append(n)
                return entered
            })
            while gate.load.waiting < n + 1 { await Task.yield() }
        }
        #expect(await gate.enter() == false)
        #expect(gate.load.running == 4 && gate.load.waiting == 3)
        for n in 0..<3 {
            gate.leave()
            #expect(await waiting[n].value)
            #expect(order.values == Array(0...n))
        }
        #expect(gate.load.running == 4 && gate.load.waiting == 0)
        for _ in 0..<4 { gate.leave() }
        #expect(gate.load.running == 0)
        #expect(await gate.enter())
        #expect(HubFailure.busy.status == (.serviceUnavailable, .busy))
        #expect(HubFailure.busy.message(.fr).contains("réessayez"))
    }

    @Test("corps illisible, paquet abîmé, trop gros : 4xx avec une erreur JSON en français")
    func garbage() async throws {
        let hub = try await TestHub.start(maximumUpload: 4096)
        let token = try hub.enroll("kayes")
        let kayes = try hub.office("kayes")
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("notes", "x")]) }
        var bundle = try kayes.sealedBundle(for: .hub)!.bytes

        var (status, json) = try await hub.raw(.POST, HubAPI.bundles, token: token.text, body: Array("garbage".utf8))
        #expect(status == 400)
        let error = json?["error"] as? [String: Any]
        #expect(error?["code"] as? String == "bad_bundle")
        #expect((error?["message"] as? String)?.contains("n’est pas un paquet Jonction") == true)
        #expect(error?["message_en"] is String)

        bundle[bundle.count - 3] ^= 1
        (status, json) = try await hub.raw(.POST, HubAPI.bundles, token: token.text, body: bundle)
        #expect(status == 403)
        #expect((json?["error"] as? [String: Any])?["code"] as? String == "bad_signature")
        #expect(((json?["error"] as? [String: Any])?["message"] as? String)?.contains("modifié en chemin") == true)

        (status, json) = try await hub.raw(.POST, HubAPI.bundles, token: token.text, body: Array(repeating: 7, count: 10_000))
        #expect(status == 413)
        (status, json) = try await hub.raw(.GET, HubAPI.bundle + "?site=kayes&have=Kayes:x", token: token.text)
        #expect(status == 400)
        // Numbers above 2⁶³ − 1 (protocol.md §3.2) are refused, not trapped on: the hub keeps serving.
        for query in ["?site=kayes&have=&at=9223372036854775808", "?site=kayes&have=kayes:9223372036854775808",
                      "?site=kayes&have=&at=-1", "?site=kayes&have=kayes:18446744073709551616"] {
            (status, json) = try await hub.raw(.GET, HubAPI.bundle + query, token: token.text)
            #expect(status == 400, "\(query)")
            #expect((json?["error"] as? [String: Any])?["code"] as? String == "bad_request", "\(query)")
        }
        (status, _) = try await hub.raw(.GET, HubAPI.health)
        #expect(status == 200)
        #expect(try hub.replica.read { try $0.vector() } == VersionVector())
        await hub.stop()
    }

    @Test("une synchronisation interrompue se reprend : pôle arrêté puis relancé, envoi déjà fait")
    func resume() async throws {
        let dir = TemporaryDirectory("resume")
        let hub = try await TestHub.start(dir: dir)
        let token = try hub.enroll("kayes")
        let kayes = try hub.office("kayes")
        for i in 1...30 { try kayes.write({ try $0.put(table: "candidate", id: "kayes-c\(i)", fields: [("status", "registered")]) }) }
        // The upload went through, then the line dropped before the download.
        let (status, _) = try await hub.raw(.POST, HubAPI.bundles, token: token.text, body: kayes.sealedBundle(for: .hub)!.bytes)
        #expect(status == 200)
        let port = hub.port
        await hub.stop()
        await #expect(throws: SyncError.self) {
            try await SyncClient(hub: URL(string: "http://127.0.0.1:\(port)")!, token: token, attempts: 2, firstDelay: 0.05,
                             connectTimeout: .milliseconds(500)).sync(kayes)
        }
        let restarted = try await TestHub.start(dir: dir, replica: hub.replica)
        try restarted.replica.write { try $0.put(table: "opportunity", id: "opp-01", fields: [("kind", "job")]) }
        let report = try await restarted.client(token).sync(kayes)
        #expect(report.acceptedByHub == 0)  // already there: a replay is a no-op
        #expect(try kayes.read { try $0.dumpJSON() } == restarted.replica.read { try $0.dumpJSON() })
        await restarted.stop()
    }

    @Test("dix bureaux synchronisent en même temps en continuant d’écrire : tous convergent")
    func concurrentOffices() async throws {
        let hub = try await TestHub.start()
        let names = (1...10).map { "bureau-\($0)" }
        let offices: [(Replica, AccessToken)] = try names.map { (try hub.office($0), try hub.enroll($0)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (office, token) in offices {
                group.addTask {
                    for round in 0..<4 {
                        try office.write { w in
                            for k in 0..<25 {
                                try w.set(table: "candidate", id: "\(office.site)-\(round)-\(k)", fields: [("status", .text("registered"))])
                                try w.set(table: "candidate", id: "shared-\(k)", fields: [("notes", .text("\(office.site) \(round)"))])
                            }
                        }
                        _ = try await hub.client(token, attempts: 5).sync(office)
                    }
                }
            }
            try await group.waitForAll()
        }
        for (office, token) in offices { _ = try await hub.client(token).sync(office) }
        let expected = try hub.replica.read { try $0.dumpJSON() }
        for (office, _) in offices { #expect(try office.read({ try $0.dumpJSON() }) == expected, "\(office.site)") }
        #expect(try hub.replica.read { try $0.vector() }.total == UInt64(10 * 4 * 50))
        await hub.stop()
    }
    @Test("en HTTP : un bureau n’envoie pas sous l’origine d’un autre ni du pôle, ne prend pas leurs numéros ; la révocation arrive avec la liste")
    func forgedUploadsAndRevocation() async throws {
        let hub = try await TestHub.start()
        let kayesToken = try hub.enroll("kayes"), moptiToken = try hub.enroll("mopti")
        let kayes = try hub.office("kayes"), mopti = try hub.office("mopti")
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Sissoko")]) }
        _ = try await hub.client(kayesToken).sync(kayes)
        _ = try await hub.client(moptiToken).sync(mopti)
        // Mopti signs with its own key changes under Kayes's next seq and under the hub's origin.
        let moptiKeys = try SiteKeys.read(from: mopti.keyFilePath)
        let roster = try #require(try mopti.read { try $0.roster() })
        for (origin, seq, signer) in [(kayes.site, UInt64(2), kayes.site), (SiteName.hub, UInt64(1), SiteName.hub),
                                      (kayes.site, UInt64(2), mopti.site)] {
            let change = Change(origin: origin, seq: seq, hlc: HLC(millis: UInt64(Date().timeIntervalSince1970 * 1000)),
                                table: "candidate", id: "kayes-c01", operation: .set(field: "status", value: .text("placed")))
            let block = ChangeBlock.encode([change])
            let bundle = ChangeBundle(
                sender: mopti.site, addressee: .hub, network: try mopti.read { try $0.network() },
                createdAt: UInt64(Date().timeIntervalSince1970 * 1000), senderVector: try mopti.read { try $0.vector() },
                ranges: [origin: seq...seq], changeCount: 1, blocks: [block],
                signatures: [SegmentSignature(signer: signer, bytes: ChangeBundle.signSegment(block, with: moptiKeys))])
            let bytes = try bundle.sealed(by: moptiKeys, for: roster.roster.hub, roster: roster)
            let (status, json) = try await hub.raw(.POST, HubAPI.bundles, token: moptiToken.text, body: bytes)
            #expect(status == 403)
            #expect((json?["error"] as? [String: Any])?["code"] as? String == "bad_signature")
        }
        #expect(try hub.replica.read { try $0.vector() }[kayes.site] == 1)
        #expect(try hub.replica.read { try $0.vector() }[.hub] == 0)
        // Kayes's own next change goes through: nobody took its seq.
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("status", "trained")]) }
        #expect(try await hub.client(kayesToken).sync(kayes).acceptedByHub == 1)

        // The roster over HTTP, and the revocation it carries: Mopti learns it at its next sync.
        let (status, _) = try await hub.raw(.GET, HubAPI.roster, token: moptiToken.text)
        #expect(status == 200)
        let hubKeys = try hub.replica.hubKeyring().keys
        try hub.replica.write {
            try $0.revokeOffice(kayes.site)
            try $0.publishRoster(hubKeys: hubKeys)
        }
        _ = try await hub.client(moptiToken).sync(mopti)
        #expect(try mopti.read { try $0.roster() }?.roster.entry(of: kayes.site)?.revokedAfterSeq == 2)
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("phone", "+223 00 00 00 00")]) }
        let stolen = try #require(try kayes.sealedBundle(for: mopti.site))
        #expect(throws: BundleError.revokedSender(kayes.site)) { try mopti.importBundle(bytes: stolen.bytes) }
        await #expect(throws: SyncError.self) { try await hub.client(kayesToken).sync(kayes) }
        await hub.stop()
    }
}

/// The order in which waiting tasks went through (`uploadGate`).
final class OrderBox: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [Int] = []
    func append(_ n: Int) { lock.withLock { list.append(n) } }
    var values: [Int] { lock.withLock { list } }
}
