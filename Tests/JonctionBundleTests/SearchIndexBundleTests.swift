import Foundation
import GRDB
import Jonction
import JonctionBundle
import JonctionStore
import JonctionTestSupport
import Testing

/// The search index (issue 14) through sealed bundles: what a delivery brings is found, what a
/// scoped delivery drops or an erasure removes is not, and no key of it stays in the files.
@Suite("Recherche : l’index suit les paquets, les périmètres et les effacements")
struct SearchIndexBundleTests {
    func ids(_ replica: Replica, _ text: String) throws -> [String] {
        try replica.searchCandidates(CandidateSearch(text: text, limit: 200)).hits.map(\.id)
    }

    /// The index holds the keys of the live candidates, and nothing else.
    func expectIndexExact(_ replica: Replica, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try replica.read { r in
            var expected: [String: [String]] = [:]
            for row in try Row.fetchAll(r.db, sql: "SELECT id, family_name, given_names, phone FROM candidate WHERE _tombstone IS NULL") {
                let keys = SearchKey.keys(familyName: row[1], givenNames: row[2], phone: row[3])
                if !keys.isEmpty { expected[row[0]] = keys }
            }
            var indexed: [String: [String]] = [:]
            for row in try Row.fetchAll(r.db, sql: """
                SELECT e.id, k.key FROM candidate_search k JOIN candidate_search_entry e ON e.num = k.num ORDER BY e.id, k.key
                """) {
                indexed[row[0], default: []].append(row[1])
            }
            #expect(indexed == expected, "\(replica.site)", sourceLocation: sourceLocation)
            #expect(try Int.fetchOne(r.db, sql: "SELECT count(*) FROM candidate_search") == expected.values.map(\.count).reduce(0, +),
                    sourceLocation: sourceLocation)
        }
    }

    @Test("livraisons, déménagement d’une région à l’autre, effacement : chaque site trouve ce qu’il tient, rien de plus")
    func followsDeliveries() throws {
        let dir = TemporaryDirectory("search-bundles")
        let clock = ManualClock(millis: 1_790_000_000_000)
        let (hub, offices) = try ScopedReplicationTests.network(dir, clock: clock)
        let (kayes, mopti, gao) = (offices[0], offices[1], offices[2])
        // Registered at the hub: an office holds her while she lives in its region only (§2.6).
        try hub.write {
            _ = try $0.set(table: "candidate", id: "hub-c1", fields: [
                ("family_name", .text("Qwkeïta")), ("given_names", .text("Awa")), ("phone", .text("+223 70 11 22 33")),
                ("region", .text("Kayes"))])
        }
        try kayes.write {
            _ = try $0.set(table: "candidate", id: "kayes-c2", fields: [("family_name", .text("Diarra")), ("region", .text("Kayes"))])
        }
        clock.advance(by: 1000)
        try ScopedReplicationTests.exchange(hub, offices)
        #expect(try ids(hub, "qwkeyita awa") == ["hub-c1"])
        #expect(try ids(kayes, "qwkeita") == ["hub-c1"])
        #expect(try ids(hub, "70 11 22") == ["hub-c1"])
        #expect(try ids(mopti, "qwkeita").isEmpty && ids(gao, "diarra").isEmpty)
        for site in [hub] + offices { try expectIndexExact(site) }

        // hub-c1 moves to Mopti: Mopti finds her, Kayes no longer holds her, nor any key of hers.
        clock.advance(by: 1000)
        try hub.write { _ = try $0.set(table: "candidate", id: "hub-c1", fields: [("region", .text("Mopti"))]) }
        try ScopedReplicationTests.exchange(hub, offices)
        #expect(try ids(mopti, "qwkeita") == ["hub-c1"])
        #expect(try ids(kayes, "qwkeita").isEmpty && ids(kayes, "70112233").isEmpty)
        #expect(try ids(kayes, "jara") == ["kayes-c2"])
        for site in [hub] + offices { try expectIndexExact(site) }
        let traces = ["Qwkeïta", "qwkeita", "70112233", "22370112233"]
        for trace in traces {
            #expect(try ScopedReplicationTests.bytes(of: kayes).range(of: Data(trace.utf8)) == nil, "Kayes still holds \(trace)")
        }

        // Mopti erases her: after the exchanges, no site finds her, no file holds a key of hers.
        try mopti.write { _ = try $0.erase(table: "candidate", id: "hub-c1") }
        try ScopedReplicationTests.exchange(hub, offices)
        for site in [hub] + offices {
            #expect(try ids(site, "qwkeita").isEmpty && ids(site, "70 11 22 33").isEmpty)
            try expectIndexExact(site)
            for trace in traces {
                #expect(try ScopedReplicationTests.bytes(of: site).range(of: Data(trace.utf8)) == nil, "\(site.site) still holds \(trace)")
            }
        }
        #expect(try ids(hub, "diarra") == ["kayes-c2"])
    }
}
