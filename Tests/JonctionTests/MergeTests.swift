import Jonction
import JonctionTestSupport
import Testing

@Suite("Fusion : dernier écrivain gagnant par champ, suppression définitive")
struct MergeTests {
    let kayes = SiteName(unchecked: "kayes"), mopti = SiteName(unchecked: "mopti")

    func set(_ site: SiteName, _ seq: UInt64, _ millis: UInt64, _ field: String, _ value: Value, previous: Stamp? = nil) -> Change {
        Change(origin: site, seq: seq, hlc: HLC(millis: millis), table: "candidate", id: "c1",
               operation: .set(field: field, value: value), previous: previous)
    }

    @Test("le plus grand (hlc, site) gagne ; à égalité d’horloge, le nom de site départage")
    func lastWriterWins() throws {
        var a = RecordSet(schema: .current), b = RecordSet(schema: .current)
        let k = set(kayes, 1, 100, "status", .text("trained"))
        let m = set(mopti, 1, 100, "status", .text("placed"))
        try a.apply(k); try a.apply(m)
        try b.apply(m); try b.apply(k)
        #expect(a == b)
        #expect(a.record(table: "candidate", id: "c1")?[Schema.V1.candidate.status] == .placed)  // "mopti" > "kayes"
    }

    @Test("la suppression l’emporte sur toute modification, antérieure ou postérieure")
    func deleteWins() throws {
        var set1 = RecordSet(schema: .current)
        let later = set(kayes, 2, 900, "status", .text("placed"))
        let delete = Change(origin: mopti, seq: 1, hlc: HLC(millis: 500), table: "candidate", id: "c1", operation: .delete)
        try set1.apply(set(kayes, 1, 100, "family_name", .text("Diarra")))
        try set1.apply(delete)
        let effect = try set1.apply(later)
        #expect(!effect.changed)
        #expect(effect.conflicts.count == 1)
        #expect(set1.record(table: "candidate", id: "c1")?.isDeleted == true)
        #expect(set1.canonicalJSON().contains("\"candidate\":{}"))
    }

    @Test("écritures concurrentes : un conflit est noté ; écritures successives : aucun")
    func conflicts() throws {
        var records = RecordSet(schema: .current)
        let first = set(kayes, 1, 100, "phone", .text("+223 70 00 00 01"))
        try records.apply(first)
        // Mopti overwrote Kayes's value knowingly: no conflict.
        let seen = set(mopti, 1, 200, "phone", .text("+223 70 00 00 02"), previous: first.stamp)
        #expect(try records.apply(seen).conflicts.isEmpty)
        // Kayes writes without having seen Mopti's value: a conflict, Kayes wins (later clock).
        let unseen = set(kayes, 2, 300, "phone", .text("+223 70 00 00 03"), previous: first.stamp)
        let effect = try records.apply(unseen)
        #expect(effect.conflicts.count == 1)
        #expect(effect.conflicts.first?.winner.value == .text("+223 70 00 00 03"))
        #expect(effect.conflicts.first?.loser.stamp == seen.stamp)
        // An older concurrent write that arrives late loses, and is noted too.
        let late = set(mopti, 2, 250, "phone", .text("+223 70 00 00 04"), previous: first.stamp)
        let lost = try records.apply(late)
        #expect(!lost.changed)
        #expect(lost.conflicts.first?.loser.value == .text("+223 70 00 00 04"))
    }

    @Test("propriété : toute permutation des changements, avec doublons, donne le même état",
          arguments: SeededGenerator.seeds(300, base: 7_000))
    func anyOrderSameState(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        var sites = (0..<Int.random(in: 2...5, using: &rng)).map { MemoryReplica(site: SiteName(unchecked: "s\($0)")) }
        var wall: UInt64 = 1_790_000_000_000
        // Sites write, and now and then take in what another has (so histories interleave).
        for _ in 0..<Int.random(in: 10...80, using: &rng) {
            wall += UInt64.random(in: 0...3, using: &rng)
            let i = Int.random(in: 0..<sites.count, using: &rng)
            if Int.random(in: 0..<5, using: &rng) == 0 {
                let j = Int.random(in: 0..<sites.count, using: &rng)
                if i != j { sites[i].takeIn(sites[j], wallMillis: wall) }
            } else {
                let op = RandomWorkload.operation(ids: 4, using: &rng)
                let skew = UInt64(i) * 1000  // clocks disagree between sites
                sites[i].perform(op, wallMillis: wall + skew)
            }
        }
        var all: [Change] = []
        for site in sites { all += site.ownChanges }
        var reference = RecordSet(schema: .current)
        for change in all { try reference.apply(change) }
        for _ in 0..<5 {
            var shuffled = all.shuffled(using: &rng)
            shuffled += shuffled.prefix(Int.random(in: 0...shuffled.count, using: &rng))  // duplicates
            shuffled.shuffle(using: &rng)
            var state = RecordSet(schema: .current)
            for change in shuffled { try state.apply(change) }
            #expect(state == reference, "seed \(seed)")
            #expect(state.canonicalJSON() == reference.canonicalJSON(), "seed \(seed)")
        }
    }
}
