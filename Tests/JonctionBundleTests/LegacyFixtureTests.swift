import Foundation
import Jonction
import JonctionBundle
import JonctionStore
import JonctionTestSupport
import Testing

/// `Fixtures/legacy-v1-kayes.jnb`: a bundle as Jonction 0.10 (data model 1) wrote it, with values
/// that version accepted and protocol.md §2.2 now refuses; `Fixtures/invalid-v2-kayes.jnb`: the
/// same changes claiming data model 2, which every receiver must refuse.
/// `JONCTION_WRITE_FIXTURES=1 swift test --filter LegacyFixtureTests` writes them again.
@Suite("Paquets d’une ancienne version : valeurs hors norme lues comme vides")
struct LegacyFixtureTests {
    static let kayes = SiteName(unchecked: "kayes"), hub = SiteName(unchecked: "hub")
    static let t0 = HLC(millis: 1_790_000_000_000)

    static let changes: [Change] = [
        Change(origin: kayes, seq: 1, hlc: t0, table: "candidate", id: "kayes-c01",
               operation: .set(field: "family_name", value: .text("Traoré"))),
        // What 0.10 let through: a Windows line ending in notes, a name of 120 flags (120 "characters"
        // then, 240 now), an escape sequence pasted into a name.
        Change(origin: kayes, seq: 2, hlc: HLC(rawValue: t0.rawValue + 1), table: "candidate", id: "kayes-c01",
               operation: .set(field: "notes", value: .text("ligne 1\r\nligne 2"))),
        Change(origin: kayes, seq: 3, hlc: HLC(rawValue: t0.rawValue + 2), table: "employer", id: "kayes-e01",
               operation: .set(field: "name", value: .text(String(repeating: "🇲🇱", count: 120)))),
        Change(origin: kayes, seq: 4, hlc: HLC(rawValue: t0.rawValue + 3), table: "candidate", id: "kayes-c02",
               operation: .set(field: "given_names", value: .text("Awa\u{1B}[31m"))),
    ]

    static func bundle(dataModel: Int) -> ChangeBundle {
        ChangeBundle(sender: kayes, addressee: hub, network: nil, createdAt: t0.millis + 1000, schemaVersion: dataModel,
                     senderVector: VersionVector([kayes: 4]), changes: changes)
    }

    static func url(_ name: String) -> URL { fixturesDirectory.appendingPathComponent(name) }

    @Test("les deux paquets de Fixtures/ se relisent : les mêmes changements, modèle 1 et modèle 2")
    func fixturesRead() throws {
        if ProcessInfo.processInfo.environment["JONCTION_WRITE_FIXTURES"] == "1" {
            try Data(Self.bundle(dataModel: 1).encodedFormat1()).write(to: Self.url("legacy-v1-kayes.jnb"))
            try Data(Self.bundle(dataModel: 2).encodedFormat1()).write(to: Self.url("invalid-v2-kayes.jnb"))
        }
        let legacy = try ChangeBundle(decoding: Mailbag.read(Self.url("legacy-v1-kayes.jnb")))
        let strict = try ChangeBundle(decoding: Mailbag.read(Self.url("invalid-v2-kayes.jnb")))
        #expect(legacy.schemaVersion == 1 && strict.schemaVersion == 2)
        #expect(legacy.changes == Self.changes && strict.changes == Self.changes)
    }

    @Test("modèle 1 : importé, trois valeurs vides, journal et relais identiques partout ; modèle 2 : refusé, rien changé")
    func legacyImport() throws {
        let dir = TemporaryDirectory("legacy")
        let clock = ManualClock(millis: Self.t0.millis + 60_000)
        let hub = try Replica.create(at: dir.path("hub.sqlite"), site: Self.hub, clock: clock)
        let mopti = try Replica.create(at: dir.path("mopti.sqlite"), site: SiteName(unchecked: "mopti"), clock: clock)

        let strictError = #expect(throws: StoreError.self) { try hub.importBundle(at: Self.url("invalid-v2-kayes.jnb")) }
        #expect(strictError?.message(.fr).contains("n° 2 de kayes") == true)
        #expect(try hub.read { try $0.vector() }.total == 0)

        let report = try hub.importBundle(at: Self.url("legacy-v1-kayes.jnb"))
        #expect(report.apply.applied == 4 && report.apply.nulledValues == 3)
        let logged = try hub.read { try $0.log(origin: Self.kayes) }
        #expect(logged.map(\.operation) == [Self.changes[0].operation, .set(field: "notes", value: .null),
                                            .set(field: "name", value: .null), .set(field: "given_names", value: .null)])
        #expect(logged.map(\.hlc) == Self.changes.map(\.hlc))
        #expect(try hub.read { try $0.get(table: "candidate", id: "kayes-c01") }.state[Schema.V1.candidate.familyName] == .text("Traoré"))

        // The network then moves to format 2 (keys, roster): the hub attests what it held unsigned.
        // Relayed in a bundle of data model 2, which mopti checks strictly: nothing out of norm travels on.
        try LocalNetwork.join([hub, mopti])
        let relay = try hub.sealedBundle(for: SiteName(unchecked: "mopti"))!
        #expect(relay.schemaVersion == 2)
        try mopti.importBundle(bytes: relay.bytes)
        #expect(try mopti.read { try $0.log() } == hub.read { try $0.log() })
        #expect(try mopti.read { try $0.recordSet() } == hub.read { try $0.recordSet() })
        // The old stick again at mopti: a replay, nothing differs.
        #expect(try mopti.importBundle(at: Self.url("legacy-v1-kayes.jnb")).isReplay)
    }

    @Test("un relais transmet les valeurs octet pour octet : mêmes octets partout, y compris les marques combinantes")
    func relayByteForByte() throws {
        let dir = TemporaryDirectory("relay")
        let clock = ManualClock(millis: Self.t0.millis)
        let kayes = try Replica.create(at: dir.path("kayes.sqlite"), site: Self.kayes, clock: clock)
        let hub = try Replica.create(at: dir.path("hub.sqlite"), site: Self.hub, clock: clock)
        let mopti = try Replica.create(at: dir.path("mopti.sqlite"), site: SiteName(unchecked: "mopti"), clock: clock)
        try LocalNetwork.join([kayes, hub, mopti])
        // NFC keeps "q̃" decomposed (there is no precomposed letter) and composes "é"; two candidates
        // whose names differ only there.
        try kayes.write {
            try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Koné"), ("commune", "Q\u{303}uartier")])
            try $0.put(table: "candidate", id: "kayes-c02", fields: [("family_name", "Kone\u{301}"), ("notes", "ligne 1\r\nligne 2")])
        }
        try hub.importBundle(bytes: kayes.sealedBundle(for: Self.hub)!.bytes)
        try mopti.importBundle(bytes: hub.sealedBundle(for: SiteName(unchecked: "mopti"))!.bytes)
        let bytes = try [kayes, hub, mopti].map { replica in Array(try replica.read { try $0.dumpJSON() }.utf8) }
        #expect(bytes[0] == bytes[1] && bytes[1] == bytes[2])
        #expect(bytes[0].count > 0)
        let commune = try mopti.read { try $0.get(table: "candidate", id: "kayes-c01") }.state[Schema.V1.candidate.commune]
        if case .text(let text) = commune { #expect(Array(text.utf8) == Array("Q\u{303}uartier".utf8)) } else { Issue.record("commune") }
        // And a decomposed "é" sent as such is refused: it is not in normal form.
        let raw = Change(origin: SiteName(unchecked: "gao"), seq: 1, hlc: HLC(millis: Self.t0.millis), table: "candidate", id: "gao-c01",
                         operation: .set(field: "family_name", value: .text("Kone\u{301}")))
        let bundle = ChangeBundle(sender: SiteName(unchecked: "gao"), addressee: Self.hub, network: nil, createdAt: Self.t0.millis,
                                  senderVector: VersionVector([SiteName(unchecked: "gao"): 1]), changes: [raw])
        // (In format 1, from an office the roster does not list: read during the transition.)
        #expect(throws: StoreError.self) { try hub.importBundle(ChangeBundle(decoding: bundle.encodedFormat1())) }
    }
}
