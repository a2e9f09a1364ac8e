import Foundation
import Jonction
import JonctionBundle
import JonctionStore
import JonctionTestSupport
import Testing

/// The final exchange of a schedule: each office to the hub (`sites[0]`), then the hub to each, twice.
private func exchangeThroughHub(_ sites: [Replica]) throws {
    for _ in 0..<2 {
        for s in sites.dropFirst() {
            if let b = try s.sealedBundle(for: .hub) { _ = try sites[0].importBundle(bytes: b.bytes) }
        }
        for s in sites.dropFirst() {
            if let b = try sites[0].sealedBundle(for: s.site) { _ = try s.importBundle(bytes: b.bytes) }
        }
    }
}

/// The erasure rule (protocol.md §3.5) under random schedules: sites write, delete and erase, and
/// exchange sealed bundles in any order, with losses, duplicates, delays and relays. In the end every
/// site holds the same state as the reference model, and no byte of any replica file (WAL included)
/// holds a value an erased record ever had, while the live records' values are all there.
@Suite("Effacement : aucune valeur d’un enregistrement effacé ne reste nulle part")
struct ErasureTests {
    static let names = ["hub", "kayes", "mopti", "gao", "tombouctou"]

    /// A family name no other write uses, so that its bytes can be looked for in the files.
    static func marker(_ n: Int) -> String { "Zq\(n)Xw" }

    @Test("après les échanges, les réplicas sont identiques et aucun fichier ne contient une valeur effacée",
          arguments: SeededGenerator.seeds(16, base: 7_000_000))
    func randomSchedule(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let dir = TemporaryDirectory("erase")
        var now: UInt64 = 1_790_000_000_000
        let count = Int.random(in: 3...5, using: &rng)
        var clocks: [ManualClock] = []
        var sites: [Replica] = []
        for i in 0..<count {
            let clock = ManualClock(millis: now)
            clocks.append(clock)
            sites.append(try Replica.create(at: dir.path("\(Self.names[i]).sqlite"), site: SiteName(Self.names[i]), clock: clock))
        }
        try LocalNetwork.join(sites)

        var written: [Change] = []
        var markers: [RecordKey: [String]] = [:]
        var n = 0
        var delayed: [(to: Int, bytes: [UInt8])] = []
        let ids = (0..<5).map { "c\($0)" }
        for _ in 0..<Int.random(in: 20...50, using: &rng) {
            now += UInt64.random(in: 1...20_000, using: &rng)
            for c in clocks { c.set(now) }
            let i = Int.random(in: 0..<count, using: &rng)
            let id = ids.randomElement(using: &rng)!
            let key = RecordKey(table: "candidate", id: id)
            let roll = Int.random(in: 0..<100, using: &rng)
            do {
                if roll < 45 {
                    n += 1
                    let name = Self.marker(n)
                    written += try sites[i].write {
                        try $0.set(table: "candidate", id: id, fields: [("family_name", .text(name)), ("given_names", .text("Gv\(n)Yk"))])
                    }
                    markers[key, default: []].append(name)
                } else if roll < 50 {
                    written.append(try sites[i].write { try $0.delete(table: "candidate", id: id) })
                } else if roll < 58 {
                    written += try sites[i].write { try $0.erase(table: "candidate", id: id) }
                } else {
                    var j = Int.random(in: 0..<(count - 1), using: &rng)
                    if j >= i { j += 1 }
                    guard let bundle = try sites[i].sealedBundle(for: sites[j].site) else { continue }
                    switch Int.random(in: 0..<10, using: &rng) {
                    case 0: break  // lost
                    case 1, 2: delayed.append((j, bundle.bytes))
                    default:
                        _ = try sites[j].importBundle(bytes: bundle.bytes)
                        if Bool.random(using: &rng) { _ = try sites[j].importBundle(bytes: bundle.bytes) }  // twice
                    }
                }
            } catch StoreError.recordNotFound, StoreError.recordDeleted, StoreError.recordErased {}
            if !delayed.isEmpty, Int.random(in: 0..<6, using: &rng) == 0 {
                let late = delayed.remove(at: Int.random(in: 0..<delayed.count, using: &rng))
                _ = try sites[late.to].importBundle(bytes: late.bytes)
            }
        }
        // Late sticks, some written before an erasure they now arrive after: they bring nothing back.
        for late in delayed { _ = try sites[late.to].importBundle(bytes: late.bytes) }
        try exchangeThroughHub(sites)

        var reference = RecordSet(schema: .current)
        for change in written { try reference.apply(change) }
        let erased = Erasure.erased(by: written)
        for s in sites {
            #expect(try s.read { try $0.recordSet() } == reference, "seed \(seed): \(s.site)")
            #expect(try s.read { try $0.vector() }.total == UInt64(written.count), "seed \(seed): \(s.site)")
            for key in erased {
                #expect(try s.read { try $0.isErased(table: key.table, id: key.id) }, "seed \(seed): \(s.site)")
                let log = try s.read { try $0.log(table: key.table, id: key.id) }
                #expect(log.allSatisfy { c in c.field == nil || c.operation == .set(field: c.field!, value: .erased) },
                        "seed \(seed): \(s.site) \(key.id)")
            }
            #expect(try s.read { try $0.conflicts() }.allSatisfy { !erased.contains(RecordKey(table: $0.conflict.table, id: $0.conflict.id)) })
            try s.close()
        }
        // Every byte of every file: the erased records' values are nowhere; the live ones' are.
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.url.path).filter { $0.contains(".sqlite") }
        var contents = Data()
        for file in files { contents += try Data(contentsOf: dir.url.appendingPathComponent(file)) }
        for (key, names) in markers {
            for name in names {
                let found = contents.range(of: Data(name.utf8)) != nil
                if erased.contains(key) {
                    #expect(!found, "seed \(seed): \(name) of erased \(key.id) is still in a file")
                }
            }
        }
        for (key, names) in markers where !erased.contains(key) {
            guard let state = reference.record(table: key.table, id: key.id), !state.isDeleted,
                case .text(let name) = state.values[Schema.V1.candidate.familyName.position]
            else { continue }
            #expect(names.contains(name))
            #expect(contents.range(of: Data(name.utf8)) != nil, "seed \(seed): live \(name) missing")
        }
    }
}

/// Consent (protocol.md §3.6) under random schedules: each candidate's office writes its identifying
/// values and its consent, raised and lowered at random; the hub writes the status; sites exchange
/// in any order. In the end every site holds the same shared state, the office shows the values it
/// withholds, and no file but the office's holds a value of a candidate whose consent is `none`.
@Suite("Consentement : les valeurs identifiantes d’une personne sans consentement ne quittent pas son bureau")
struct ConsentTests {
    @Test("échanges au hasard, consentement donné et retiré : états partagés identiques, aucun nom hors du bureau",
          arguments: SeededGenerator.seeds(12, base: 8_000_000))
    func randomSchedule(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let dir = TemporaryDirectory("consent")
        var now: UInt64 = 1_790_000_000_000
        let names = ["hub", "kayes", "mopti", "gao"]
        let clock = ManualClock(millis: now)
        let sites = try names.map { try Replica.create(at: dir.path("\($0).sqlite"), site: SiteName($0), clock: clock) }
        try LocalNetwork.join(sites)
        // Each candidate belongs to one office, which alone writes who they are and their consent.
        let candidates = (0..<6).map { (id: "c\($0)", office: 1 + $0 % 3) }
        var markers: [String: [String]] = [:]
        var consent: [String: String] = [:]
        var n = 0
        var delayed: [(to: Int, bytes: [UInt8])] = []
        for _ in 0..<Int.random(in: 30...60, using: &rng) {
            now += UInt64.random(in: 1...20_000, using: &rng)
            clock.set(now)
            let c = candidates.randomElement(using: &rng)!
            switch Int.random(in: 0..<100, using: &rng) {
            case 0..<30:
                n += 1
                let name = ErasureTests.marker(n)
                try sites[c.office].write { try $0.set(table: "candidate", id: c.id, fields: [("family_name", .text(name))]) }
                markers[c.id, default: []].append(name)
            case 30..<45:
                let value = ["none", "programme", "employers"].randomElement(using: &rng)!
                try sites[c.office].write { try $0.set(table: "candidate", id: c.id, fields: [("consent", .text(value))]) }
                consent[c.id] = value
            case 45..<52:
                let status = ["registered", "trained"].randomElement(using: &rng)!
                do {
                    try sites[0].write { try $0.set(table: "candidate", id: c.id, fields: [("status", .text(status))]) }
                } catch StoreError.recordNotFound {}
            default:
                let i = Int.random(in: 0..<sites.count, using: &rng)
                var j = Int.random(in: 0..<(sites.count - 1), using: &rng)
                if j >= i { j += 1 }
                guard let bundle = try sites[i].sealedBundle(for: sites[j].site) else { continue }
                if Int.random(in: 0..<5, using: &rng) == 0 {
                    delayed.append((j, bundle.bytes))
                } else {
                    _ = try sites[j].importBundle(bytes: bundle.bytes)
                }
            }
        }
        for late in delayed { _ = try sites[late.to].importBundle(bytes: late.bytes) }
        try exchangeThroughHub(sites)

        let shared = try sites[0].read { try $0.dumpJSON(shared: true) }
        for s in sites {
            #expect(try s.read { try $0.dumpJSON(shared: true) } == shared, "seed \(seed): \(s.site)")
            #expect(try s.read { try $0.checkIntegrity() }.isSound, "seed \(seed): \(s.site)")
        }
        for c in candidates {
            guard let last = markers[c.id]?.last else { continue }
            let office = try sites[c.office].read { try $0.get(table: "candidate", id: c.id) }
            #expect(office.state.values[0] == .text(last), "seed \(seed): the office shows \(c.id)'s name")
            let hub = try sites[0].read { try $0.get(table: "candidate", id: c.id) }
            #expect(hub.state.values[0] == (consent[c.id] == "none" ? .null : .text(last)), "seed \(seed): \(c.id) at the hub")
        }
        for s in sites { try s.close() }
        for c in candidates where consent[c.id] == "none" {
            for (i, name) in names.enumerated() where i != c.office {
                var contents = Data()
                for file in try FileManager.default.contentsOfDirectory(atPath: dir.url.path) where file.hasPrefix(name + ".sqlite") {
                    contents += try Data(contentsOf: dir.url.appendingPathComponent(file))
                }
                for marker in markers[c.id] ?? [] {
                    #expect(contents.range(of: Data(marker.utf8)) == nil, "seed \(seed): \(marker) of \(c.id) is at \(name)")
                }
            }
        }
    }
}
