import Foundation
import Jonction
import JonctionBundle
import JonctionStore

/// The fuzzer's starting inputs, `Fixtures/fuzz/`: bundle files (`.jnb`) and change blocks alone
/// (`.block`), small and varied so that mutations reach every part of the format.
public enum FuzzCorpus {
    /// The inputs of `folder`, in name order.
    public static func load(_ folder: URL) throws -> [FuzzInput] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().compactMap { name in
            let kind: FuzzInput.Kind
            if name.hasSuffix(".jnb") { kind = .bundle } else if name.hasSuffix(".block") { kind = .block } else { return nil }
            return FuzzInput(name: name, kind: kind, bytes: try Mailbag.read(folder.appendingPathComponent(name)))
        }
    }

    /// Writes the generated part of the corpus into `folder` (the golden bundle is copied there
    /// separately): three offices that write, rewrite, delete and relay each other's changes, so
    /// that the bundles hold several origins, deletes, implicit and explicit previous stamps,
    /// dictionary-mode value streams, and several blocks.
    public static func generate(into folder: URL, work: URL) throws {
        let clock = SteppingClock(start: 1_790_000_000_000)
        func office(_ name: String) throws -> Replica {
            try Replica.create(at: work.appendingPathComponent("\(name).sqlite").path, site: SiteName(name), clock: clock)
        }
        let kayes = try office("kayes"), gao = try office("gao"), mopti = try office("mopti")
        defer { for r in [kayes, gao, mopti] { try? r.close() } }
        // Format 1 files: each office signs its segments (what it sends travels in signed segments)
        // with keys held here only; the replicas keep no roster, so they read format 1.
        let hubKeys = SiteKeys.generate(for: .hub)
        let keys = [kayes, gao, mopti].map { SiteKeys.generate(for: $0.site) }
        let content = Roster(network: "", issuedAt: 1, hub: hubKeys.identity, offices: keys.map { Roster.Entry(identity: $0.identity, enrolledAt: 1) })
        let roster = SignedRoster(roster: content, bytes: try content.signed(with: hubKeys))
        func bundle(_ from: Replica, for addressee: SiteName, full: Bool = false) throws -> ChangeBundle {
            let keyring = Keyring(keys: keys.first { $0.site == from.site }!, roster: roster)
            return try from.write { tx in
                try tx.signPending(with: keyring)
                return try tx.makeBundle(for: addressee, full: full)!
            }
        }

        // Kayes registers twelve candidates (status repeats: a dictionary-mode stream), rewrites
        // some (implicit previous stamps) and deletes two.
        let families = ["Traoré", "Keïta", "Coulibaly", "Diarra"]
        for k in 1...12 {
            try kayes.write {
                _ = try $0.put(table: "candidate", id: "kayes-c\(k)", fields: [
                    ("family_name", families[k % families.count]), ("given_names", k % 2 == 0 ? "Awa" : "Moussa"),
                    ("status", "registered"), ("birth_year", "\(1980 + k)"),
                ])
            }
        }
        for k in [2, 3, 5] {
            try kayes.write { _ = try $0.put(table: "candidate", id: "kayes-c\(k)", fields: [("status", "trained")]) }
        }
        for k in [11, 12] { try kayes.write { _ = try $0.delete(table: "candidate", id: "kayes-c\(k)") } }
        let fromKayes = try bundle(kayes, for: .hub)
        try write(fromKayes.encodedFormat1(), "kayes-pour-hub.jnb", into: folder)

        // Gao receives them, writes its own, and rewrites Kayes's records: explicit previous stamps
        // naming Kayes. Its bundle for Mopti relays both origins.
        try gao.importBundle(ChangeBundle(decoding: fromKayes.encodedFormat1()))
        try gao.write { _ = try $0.put(table: "candidate", id: "gao-c1", fields: [("family_name", "Maïga"), ("status", "registered")]) }
        try gao.write { _ = try $0.put(table: "candidate", id: "kayes-c1", fields: [("status", "placed"), ("phone", "+223 76 12 34 56")]) }
        try gao.write { _ = try $0.delete(table: "candidate", id: "kayes-c4") }
        let relay = try bundle(gao, for: SiteName("mopti"), full: true)
        try write(relay.encodedFormat1(), "gao-pour-mopti-relais.jnb", into: folder)

        // The same changes in one block per origin: a bundle of several blocks, and blocks alone.
        let byOrigin = Dictionary(grouping: relay.changes, by: \.origin).sorted { $0.key < $1.key }.map { ChangeBlock.encode($0.value) }
        let split = ChangeBundle(sender: relay.sender, addressee: relay.addressee, network: relay.network,
                                 createdAt: relay.createdAt, senderVector: relay.senderVector, ranges: relay.ranges,
                                 changeCount: relay.changeCount, blocks: byOrigin)
        try write(split.encodedFormat1(), "gao-pour-mopti-deux-blocs.jnb", into: folder)
        try write(ChangeBlock.encode(relay.changes), "relais.block", into: folder)
        try write(ChangeBlock.encode(fromKayes.changes), "kayes.block", into: folder)

        // Mopti, after Gao's bundle, answers with a small bundle of its own.
        try mopti.importBundle(ChangeBundle(decoding: relay.encodedFormat1()))
        try mopti.write { _ = try $0.put(table: "candidate", id: "kayes-c2", fields: [("status", "withdrawn")]) }
        let answer = try bundle(mopti, for: SiteName("gao"))
        try write(answer.encodedFormat1(), "mopti-pour-gao.jnb", into: folder)

        // Block layout 2: an erasure, erased values, authors (protocol.md §4.3.1, the same bytes).
        let awa = UserName(unchecked: "awa.diarra")
        let t0 = HLC(millis: 1_790_000_000_000)
        let erasure: [Change] = [
            Change(origin: kayes.site, seq: 1, hlc: t0, table: "candidate", id: "kayes-c01",
                   operation: .set(field: "family_name", value: .erased), author: awa),
            Change(origin: kayes.site, seq: 2, hlc: t0.successor, table: "candidate", id: "kayes-c01",
                   operation: .set(field: "birth_year", value: .erased), author: awa),
            Change(origin: kayes.site, seq: 3, hlc: HLC(millis: 1_790_000_060_000), table: "candidate", id: "kayes-c01",
                   operation: .set(field: "family_name", value: .erased), previous: Stamp(hlc: t0, site: kayes.site), author: awa),
            Change(origin: kayes.site, seq: 4, hlc: HLC(millis: 1_790_000_120_000), table: "candidate", id: "kayes-c02",
                   operation: .erase, previous: Stamp(hlc: HLC(millis: 1_789_999_000_000), site: SiteName(unchecked: "gao"))),
        ]
        try write(ChangeBlock.encode(erasure), "erasure-v2.block", into: folder)
    }

    private static func write(_ bytes: [UInt8], _ name: String, into folder: URL) throws {
        try Data(bytes).write(to: folder.appendingPathComponent(name))
    }
}

/// A wall clock that moves one second each time it is read: reproducible stamps.
private final class SteppingClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var millis: UInt64

    init(start: UInt64) { millis = start }

    func nowMillis() -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        millis += 1000
        return millis
    }
}
