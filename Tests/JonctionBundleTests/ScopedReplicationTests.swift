import Foundation
import Jonction
import JonctionBundle
import JonctionStore
import JonctionTestSupport
import Testing

/// Scoped replication (protocol.md §2.6, §5.10): the hub holds everything, each office served by
/// regions holds its scope, and, once they hold each other's changes, the office's state is the
/// hub's restricted to that scope.
@Suite("Réplication par périmètre : chaque bureau ne tient que ce qu’il sert")
struct ScopedReplicationTests {
    static let offices: [(name: String, region: String)] = [("kayes", "Kayes"), ("mopti", "Mopti"), ("gao", "Gao")]
    static let regions = ["Kayes", "Mopti", "Gao", "Bamako"]

    /// A hub and three offices joined in one network, each office served by its region.
    static func network(_ dir: TemporaryDirectory, clock: ManualClock) throws -> (hub: Replica, offices: [Replica]) {
        let hub = try Replica.create(at: dir.path("hub.sqlite"), site: .hub, clock: clock)
        let replicas = try offices.map { try Replica.create(at: dir.path("\($0.name).sqlite"), site: SiteName($0.name), clock: clock) }
        try LocalNetwork.join([hub] + replicas)
        for (office, region) in offices {
            try setRegions(hub, office: SiteName(office), [region])
        }
        return (hub, replicas)
    }

    static func setRegions(_ hub: Replica, office: SiteName, _ regions: [String]) throws {
        try hub.write { tx in
            let db = try tx.db
            try db.execute(sql: "DELETE FROM office_region WHERE site = ?", arguments: [office.rawValue])
            for region in regions {
                try db.execute(sql: "INSERT INTO office_region (site, region) VALUES (?, ?)", arguments: [office.rawValue, region])
            }
        }
    }

    /// Each office to the hub, then the hub to each, `rounds` times.
    static func exchange(_ hub: Replica, _ offices: [Replica], rounds: Int = 2) throws {
        for _ in 0..<rounds {
            for office in offices {
                for b in try office.sealedBundles(for: .hub) { _ = try hub.importBundle(bytes: b.bytes) }
            }
            for office in offices {
                for b in try hub.sealedBundles(for: office.site) { _ = try office.importBundle(bytes: b.bytes) }
            }
        }
    }

    /// The hub's live records of an office's scope (§2.6), and the office's own state (its withheld
    /// values left out), which must be equal.
    static func expectConverged(_ hub: Replica, _ office: Replica, _ context: String) throws {
        let regions = try hub.write { try $0.regions(of: office.site) }
        let scope = Scope(office: office.site, regions: regions)
        let keys = scope.records(try hub.read { try $0.scopeFacts() })
        let hubSet = try hub.read { try $0.recordSet() }
        var expected = RecordSet(schema: .current)
        for (table, records) in hubSet.tables {
            for (id, state) in records where !state.isDeleted {
                if scope.holdsAll(of: table) || keys.contains(RecordKey(table: table, id: id)) {
                    expected.set(table: table, id: id, state)
                }
            }
        }
        let held = try office.read { try $0.recordSet(shared: true) }
        let difference = diff(held, expected)
        #expect(difference.isEmpty, "\(context): \(office.site) \(difference)")
    }

    static func diff(_ a: RecordSet, _ b: RecordSet) -> String {
        var out: [String] = []
        for table in Set(a.tables.keys).union(b.tables.keys).sorted() {
            let x = a.tables[table] ?? [:], y = b.tables[table] ?? [:]
            for id in Set(x.keys).union(y.keys).sorted() where x[id] != y[id] && !(x[id] == nil && y[id]?.isDeleted == true) && !(x[id]?.isDeleted == true && y[id] == nil) {
                out.append("\(table)/\(id): office \(x[id].map { "\($0.values)" } ?? "—") hub \(y[id].map { "\($0.values)" } ?? "—")")
            }
        }
        return out.prefix(6).joined(separator: "; ")
    }

    static func bytes(of replica: Replica) throws -> Data {
        var contents = Data()
        for suffix in ["", "-wal"] {
            let path = replica.path + suffix
            if FileManager.default.fileExists(atPath: path) { contents += try Data(contentsOf: URL(fileURLWithPath: path)) }
        }
        return contents
    }

    @Test("Gao ne tient aucune personne de Kayes ; une personne qui part de Kayes pour Mopti arrive entière à Mopti et quitte Kayes")
    func movesAndLeastData() throws {
        let dir = TemporaryDirectory("scope")
        let clock = ManualClock(millis: 1_790_000_000_000)
        let (hub, offices) = try Self.network(dir, clock: clock)
        let (kayes, mopti, gao) = (offices[0], offices[1], offices[2])
        try kayes.write {
            _ = try $0.set(table: "candidate", id: "kayes-c1", fields: [
                ("family_name", .text("Qwkeita")), ("phone", .text("+223 70 11 22 33")), ("region", .text("Kayes"))])
        }
        try hub.write {
            _ = try $0.set(table: "candidate", id: "hub-c1", fields: [("family_name", .text("Qwtraore")), ("region", .text("Kayes"))])
            _ = try $0.set(table: "employer", id: "e1", fields: [("name", .text("Boulangerie du Fleuve"))])
            _ = try $0.set(table: "opportunity", id: "o1", fields: [("employer_id", .text("e1")), ("region", .text("Gao"))])
        }
        clock.advance(by: 1000)
        try Self.exchange(hub, offices)
        for office in offices { try Self.expectConverged(hub, office, "first exchange") }
        #expect(try kayes.read { try $0.recordSet() }.record(table: "candidate", id: "hub-c1") != nil)
        #expect(try gao.read { try $0.recordSet() }.record(table: "opportunity", id: "o1") != nil)
        for office in [mopti, gao] {
            let contents = try Self.bytes(of: office)
            #expect(contents.range(of: Data("Qwkeita".utf8)) == nil, "\(office.site) holds a Kayes name")
            #expect(contents.range(of: Data("70 11 22 33".utf8)) == nil, "\(office.site) holds a Kayes phone")
        }
        #expect(try Self.bytes(of: hub).range(of: Data("Qwkeita".utf8)) != nil)

        // hub-c1 moves to Mopti: it arrives whole there and leaves Kayes (its values with it).
        clock.advance(by: 1000)
        try hub.write { _ = try $0.set(table: "candidate", id: "hub-c1", fields: [("region", .text("Mopti"))]) }
        try Self.exchange(hub, offices)
        for office in offices { try Self.expectConverged(hub, office, "after the move") }
        #expect(try mopti.read { try $0.recordSet() }.record(table: "candidate", id: "hub-c1")?.values.contains(.text("Qwtraore")) == true)
        #expect(try kayes.read { try $0.recordSet() }.record(table: "candidate", id: "hub-c1") == nil)
        #expect(try Self.bytes(of: kayes).range(of: Data("Qwtraore".utf8)) == nil, "Kayes still holds the name of who left")

        // A scope that changes at the hub (Gao now serves Kayes too) brings the records whole.
        try Self.setRegions(hub, office: gao.site, ["Gao", "Kayes"])
        try Self.exchange(hub, offices)
        try Self.expectConverged(hub, gao, "after the scope change")
        #expect(try gao.read { try $0.recordSet() }.record(table: "candidate", id: "kayes-c1") != nil)
        try Self.setRegions(hub, office: gao.site, ["Gao"])
        try Self.exchange(hub, offices)
        try Self.expectConverged(hub, gao, "after the scope narrowed")
        #expect(try Self.bytes(of: gao).range(of: Data("Qwkeita".utf8)) == nil)
    }

    @Test("une livraison plus ancienne qu’une autre déjà reçue ne change rien ; un bureau partiel ne reçoit que du pôle")
    func staleAndForeign() throws {
        let dir = TemporaryDirectory("scope-stale")
        let clock = ManualClock(millis: 1_790_000_000_000)
        let (hub, offices) = try Self.network(dir, clock: clock)
        let (kayes, mopti) = (offices[0], offices[1])
        try hub.write { _ = try $0.set(table: "candidate", id: "hub-c1", fields: [("family_name", .text("Qwa")), ("region", .text("Kayes"))]) }
        let old = try #require(try hub.sealedBundle(for: kayes.site))
        clock.advance(by: 1000)
        try hub.write { _ = try $0.set(table: "candidate", id: "hub-c1", fields: [("region", .text("Mopti"))]) }
        let new = try #require(try hub.sealedBundle(for: kayes.site))
        #expect(new.bundle.scope!.generation > old.bundle.scope!.generation)
        _ = try kayes.importBundle(bytes: new.bytes)
        let report = try kayes.importBundle(bytes: old.bytes)
        #expect(report.scope?.stale == true)
        #expect(try kayes.read { try $0.recordSet() }.record(table: "candidate", id: "hub-c1") == nil)

        // An office's bundle for a partial office is refused there, with the reason.
        try mopti.write { _ = try $0.set(table: "candidate", id: "mopti-c1", fields: [("region", .text("Kayes"))]) }
        let direct = try #require(try mopti.sealedBundle(for: kayes.site))
        #expect(throws: StoreError.partialReceivesFromHubOnly(sender: mopti.site)) { try kayes.importBundle(bytes: direct.bytes) }
    }

    @Test("les faits lus pour un périmètre (par région, par identifiant, par proposition) donnent les mêmes fiches que tous les faits")
    func factsForAScope() throws {
        let dir = TemporaryDirectory("scope-facts")
        let hub = try Replica.create(at: dir.path("hub.sqlite"), site: .hub, clock: ManualClock(millis: 1_790_000_000_000))
        try hub.write { w in
            // Of each region; registered by kayes elsewhere; by "kayes2" (beyond kayes' ids); deleted.
            for (id, region) in [("hub-c1", "Kayes"), ("hub-c2", "Mopti"), ("hub-c3", "Gao"), ("kayes-c1", "Gao"), ("kayes2-c1", "Gao"),
                                 ("kayes-", "Bamako"), ("kayes.c1", "Gao"), ("hub-c4", "Kayes"), ("hub-c5", "Mopti")] {
                _ = try w.set(table: "candidate", id: id, fields: [("family_name", .text("Nm")), ("region", .text(region))])
            }
            _ = try w.set(table: "candidate", id: "hub-c6", fields: [("family_name", .text("Sans région"))])
            _ = try w.delete(table: "candidate", id: "hub-c4")
            // A person of Mopti proposed to an opportunity of Kayes, and placed; one proposed then withdrawn.
            _ = try w.set(table: "opportunity", id: "o1", fields: [("title", .text("Maçon")), ("region", .text("Kayes"))])
            _ = try w.set(table: "opportunity", id: "kayes-o2", fields: [("title", .text("Soudeur")), ("region", .text("Gao"))])
            _ = try w.set(table: "proposal", id: "p1", fields: [("candidate_id", .text("hub-c2")), ("opportunity_id", .text("o1"))])
            _ = try w.set(table: "proposal", id: "p2", fields: [("candidate_id", .text("hub-c3")), ("opportunity_id", .text("kayes-o2"))])
            _ = try w.set(table: "proposal", id: "p3", fields: [("candidate_id", .text("hub-c5")), ("opportunity_id", .text("o1"))])
            _ = try w.delete(table: "proposal", id: "p3")
            _ = try w.set(table: "placement", id: "pl1", fields: [("candidate_id", .text("hub-c2"))])
        }
        let all = try hub.read { try $0.scopeFacts() }
        for (office, regions) in [("kayes", ["Kayes"]), ("kayes2", ["Mopti"]), ("gao", ["Gao", "Bamako"]), ("mopti", ["Mopti"]), ("nara", ["Nara"])] {
            let scope = Scope(office: try SiteName(office), regions: Set(regions))
            let narrow = try hub.read { try $0.scopeFacts(for: scope) }
            #expect(scope.records(narrow) == scope.records(all), "\(office)")
            #expect(narrow.candidates.count < all.candidates.count, "\(office) reads every candidate")
        }
        let kayes = Scope(office: try SiteName("kayes"), regions: ["Kayes"]).records(all)
        #expect(Set(kayes.map(\.id)) == ["hub-c1", "kayes-c1", "kayes-", "hub-c2", "hub-c3", "p1", "p2", "pl1"])
    }

    @Test("sur des échanges au hasard (pertes, doublons, retards, relais, déplacements, suppressions, périmètres changés), chaque bureau finit égal au pôle restreint à son périmètre",
          arguments: SeededGenerator.seeds(12, base: 13_000_000))
    func randomSchedules(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let dir = TemporaryDirectory("scope-random")
        let clock = ManualClock(millis: 1_790_000_000_000)
        let (hub, offices) = try Self.network(dir, clock: clock)
        // The relay serves no region: it holds everything, like the hub.
        let relay = try Replica.create(at: dir.path("bamako.sqlite"), site: SiteName("bamako"), clock: clock)
        try LocalNetwork.join([hub] + offices + [relay])
        let sites = [hub, relay] + offices
        var delayed: [(to: Replica, bytes: [UInt8])] = []
        var n = 0
        for _ in 0..<Int.random(in: 30...70, using: &rng) {
            clock.advance(by: Int64.random(in: 1...5_000, using: &rng))
            let site = sites.randomElement(using: &rng)!
            let roll = Int.random(in: 0..<100, using: &rng)
            n += 1
            do {
                if roll < 25 {
                    // A new person, registered here, in any region.
                    let id = "\(site.site)-c\(n)"
                    try site.write {
                        _ = try $0.set(table: "candidate", id: id, fields: [
                            ("family_name", .text("Nm\(n)")), ("region", .text(Self.regions.randomElement(using: &rng)!))])
                    }
                } else if roll < 45 {
                    // An edit (a move, sometimes) of a person this site holds.
                    let held = try site.read { try $0.recordSet() }.tables["candidate"]?.filter { !$0.value.isDeleted }.keys.sorted() ?? []
                    guard let id = held.randomElement(using: &rng) else { continue }
                    let field: (String, Value) = Bool.random(using: &rng)
                        ? ("region", .text(Self.regions.randomElement(using: &rng)!)) : ("given_names", .text("Gv\(n)"))
                    try site.write { _ = try $0.set(table: "candidate", id: id, fields: [field]) }
                } else if roll < 50 {
                    let held = try site.read { try $0.recordSet() }.tables["candidate"]?.filter { !$0.value.isDeleted }.keys.sorted() ?? []
                    guard let id = held.randomElement(using: &rng) else { continue }
                    try site.write { _ = try $0.delete(table: "candidate", id: id) }
                } else if roll < 56 {
                    try site.write {
                        _ = try $0.set(table: "opportunity", id: "\(site.site)-o\(n)", fields: [
                            ("title", .text("Poste \(n)")), ("region", .text(Self.regions.randomElement(using: &rng)!))])
                    }
                } else if roll < 62 {
                    // The hub proposes a person to an opportunity (across regions: the office of the
                    // opportunity then serves the person).
                    let set = try hub.read { try $0.recordSet() }
                    let people = set.tables["candidate"]?.filter { !$0.value.isDeleted }.keys.sorted() ?? []
                    let jobs = set.tables["opportunity"]?.filter { !$0.value.isDeleted }.keys.sorted() ?? []
                    guard let c = people.randomElement(using: &rng), let o = jobs.randomElement(using: &rng) else { continue }
                    try hub.write {
                        _ = try $0.set(table: "proposal", id: "r\(n)-\(c)", fields: [
                            ("candidate_id", .text(c)), ("opportunity_id", .text(o)), ("status", .text("proposed"))])
                    }
                } else if roll < 65 {
                    let office = offices.randomElement(using: &rng)!
                    try Self.setRegions(hub, office: office.site, Array(Self.regions.shuffled(using: &rng).prefix(Int.random(in: 1...2, using: &rng))))
                } else {
                    // An exchange, maybe lost, delayed or doubled: between an office and the hub, in
                    // either direction, or through the relay (an office that serves every region and
                    // carries the partial offices' changes to the hub, beside their own exchanges).
                    let office = offices.randomElement(using: &rng)!
                    let (from, to): (Replica, Replica)
                    switch Int.random(in: 0..<6, using: &rng) {
                    case 0: (from, to) = (office, relay)
                    case 1: (from, to) = Bool.random(using: &rng) ? (relay, hub) : (hub, relay)
                    default: (from, to) = Bool.random(using: &rng) ? (office, hub) : (hub, office)
                    }
                    for bundle in try from.sealedBundles(for: to.site) {
                        switch Int.random(in: 0..<10, using: &rng) {
                        case 0: break
                        case 1, 2: delayed.append((to, bundle.bytes))
                        default:
                            _ = try to.importBundle(bytes: bundle.bytes)
                            if Bool.random(using: &rng) { _ = try to.importBundle(bytes: bundle.bytes) }
                        }
                    }
                }
            } catch StoreError.recordNotFound, StoreError.recordDeleted {}
            if !delayed.isEmpty, Int.random(in: 0..<5, using: &rng) == 0 {
                let late = delayed.remove(at: Int.random(in: 0..<delayed.count, using: &rng))
                do { _ = try late.to.importBundle(bytes: late.bytes) } catch StoreError.gap, StoreError.scopeAhead {}
            }
        }
        for late in delayed {
            do { _ = try late.to.importBundle(bytes: late.bytes) } catch StoreError.gap, StoreError.scopeAhead {}
        }
        try Self.exchange(hub, offices + [relay], rounds: 3)
        let all = try hub.read { try $0.recordSet() }
        #expect(Self.diff(try relay.read { try $0.recordSet(shared: true) }, all).isEmpty, "seed \(seed): relay")
        for office in offices {
            try Self.expectConverged(hub, office, "seed \(seed)")
            // The hub holds every change each office wrote.
            #expect(try hub.read { try $0.vector() }[office.site] == office.read { try $0.vector() }[office.site], "seed \(seed)")
        }
    }
}

/// The scope part of a format 3 bundle from outside (protocol.md §5.10): every cut and every damaged
/// byte is refused with an error, never a crash, and nothing is reserved from a declared count.
@Suite("Livraison de périmètre : lecture d’octets hostiles")
struct ScopedDeliveryDecodingTests {
    static let sample = ScopedDelivery(
        generation: 4, base: 3, complete: false, hubHolds: 12,
        coverage: VersionVector([SiteName(unchecked: "gao"): 7, .hub: 30]),
        records: [RecordSnapshot(key: RecordKey(table: "candidate", id: "hub-c1"), fields: [
            .init(name: "family_name", value: .text("Traoré"), stamp: Stamp(hlc: HLC(millis: 1_790_000_000_000), site: .hub)),
            .init(name: "birth_year", value: .integer(1999), stamp: Stamp(hlc: HLC(millis: 1_790_000_000_001), site: SiteName(unchecked: "gao"))),
            .init(name: "phone", value: .null, stamp: Stamp(hlc: HLC(millis: 1_790_000_000_002), site: .hub)),
        ])],
        drops: [RecordKey(table: "candidate", id: "kayes-c9")])

    static func encoded(_ delivery: ScopedDelivery) -> [UInt8] {
        var out = ByteWriter()
        delivery.encode(to: &out)
        return out.bytes
    }

    @Test("une livraison se relit à l’identique")
    func roundTrip() throws {
        var reader = ByteReader(Self.encoded(Self.sample))
        #expect(try ScopedDelivery(decoding: &reader, schema: .current) == Self.sample)
        #expect(reader.remaining == 0)
    }

    @Test("coupée à chaque octet, ou un octet changé partout : refusée ou relue, jamais de plantage ni de valeur hors norme")
    func hostile() throws {
        let bytes = Self.encoded(Self.sample)
        for cut in 0..<bytes.count {
            var reader = ByteReader(Array(bytes[..<cut]))
            #expect(throws: ByteDecodingError.self) { try ScopedDelivery(decoding: &reader, schema: .current) }
        }
        var rng = SeededGenerator(seed: 5_100)
        for i in 0..<bytes.count {
            for _ in 0..<8 {
                var damaged = bytes
                damaged[i] = UInt8.random(in: 0...255, using: &rng)
                var reader = ByteReader(damaged)
                guard let read = try? ScopedDelivery(decoding: &reader, schema: .current) else { continue }
                // What reads is within the data model.
                for record in read.records {
                    let table = try Schema.current.table(named: record.key.table)
                    for field in record.fields { #expect(try table.field(named: field.name).accepts(field.value)) }
                }
                #expect(read.base <= read.generation)
            }
        }
        // A count far above what the bytes can hold is refused before anything is reserved.
        var huge = ByteWriter()
        huge.varint(1); huge.varint(0); huge.byte(0); huge.varint(0)
        huge.varint(UInt64(Int64.max))
        var reader = ByteReader(huge.bytes)
        #expect(throws: ByteDecodingError.self) { try ScopedDelivery(decoding: &reader, schema: .current) }
        // A value outside its field's normal form, a field twice, an unknown table: refused.
        for bad in [
            RecordSnapshot(key: RecordKey(table: "candidate", id: "c1"), fields: [
                .init(name: "birth_year", value: .integer(1234), stamp: Stamp(hlc: .zero, site: .hub))]),
            RecordSnapshot(key: RecordKey(table: "candidate", id: "c1"), fields: [
                .init(name: "sex", value: .text("Z"), stamp: Stamp(hlc: .zero, site: .hub))]),
            RecordSnapshot(key: RecordKey(table: "candidate", id: "c1"), fields: [
                .init(name: "sex", value: .text("F"), stamp: Stamp(hlc: .zero, site: .hub)),
                .init(name: "sex", value: .text("M"), stamp: Stamp(hlc: .zero, site: .hub))]),
            RecordSnapshot(key: RecordKey(table: "personne", id: "c1"), fields: []),
        ] {
            var delivery = Self.sample
            delivery.records = [bad]
            var reader = ByteReader(Self.encoded(delivery))
            #expect(throws: ByteDecodingError.self) { try ScopedDelivery(decoding: &reader, schema: .current) }
        }
    }
}
