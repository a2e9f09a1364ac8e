import Jonction
import JonctionTestSupport
import Testing

@Suite("Horloge hybride (HLC) et vecteurs de versions")
struct ClockTests {
    @Test("48 bits de millisecondes puis 16 bits de compteur")
    func layout() {
        let h = HLC(millis: 1_790_000_000_123, counter: 7)
        #expect(h.millis == 1_790_000_000_123)
        #expect(h.counter == 7)
        #expect(HLC(millis: 5, counter: .max).successor == HLC(millis: 6, counter: 0))
        #expect(HLC.iso8601(millis: 1_790_000_000_123) == "2026-09-21T14:13:20.123Z")
        #expect(HLC.iso8601(millis: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
    }

    @Test("une écriture locale prend max(horloge murale, dernière + 1)")
    func tick() {
        var clock = HybridClock()
        let a = clock.tick(wallMillis: 1000)
        let b = clock.tick(wallMillis: 1000)
        let c = clock.tick(wallMillis: 900)  // the wall clock went back: the HLC does not
        let d = clock.tick(wallMillis: 2000)
        #expect(a == HLC(millis: 1000))
        #expect(b == HLC(millis: 1000, counter: 1))
        #expect(c == HLC(millis: 1000, counter: 2))
        #expect(d == HLC(millis: 2000))
    }

    @Test("à la réception l’horloge avance, mais jamais plus de 24 h au-delà de l’heure murale")
    func receive() {
        var clock = HybridClock()
        let wall: UInt64 = 1_790_000_000_000
        #expect(clock.receive(HLC(millis: wall + 3_600_000), wallMillis: wall) == nil)
        #expect(clock.last == HLC(millis: wall + 3_600_000))
        #expect(clock.tick(wallMillis: wall) > HLC(millis: wall + 3_600_000))

        let farAhead = HLC(millis: wall + 3 * 86_400_000)
        #expect(clock.receive(farAhead, wallMillis: wall) == 3 * 86_400_000)
        #expect(clock.last == HLC(millis: wall + 86_400_000))
        // Days behind is fine: the clock keeps its own value.
        #expect(clock.receive(HLC(millis: wall - 3 * 86_400_000), wallMillis: wall) == nil)
        #expect(clock.last == HLC(millis: wall + 86_400_000))
    }

    @Test("comparaison des vecteurs : avant, après, égal, concurrent")
    func compare() {
        let kayes = SiteName(unchecked: "kayes"), mopti = SiteName(unchecked: "mopti")
        let a = VersionVector([kayes: 3, mopti: 1])
        #expect(a.compare(VersionVector([kayes: 3, mopti: 1])) == .equal)
        #expect(a.compare(VersionVector([kayes: 4, mopti: 1])) == .before)
        #expect(a.compare(VersionVector([kayes: 3])) == .after)
        #expect(a.compare(VersionVector([kayes: 2, mopti: 2])) == .concurrent)
        #expect(VersionVector().compare(VersionVector([kayes: 0])) == .equal)
        #expect(a.merging(VersionVector([kayes: 2, mopti: 5])) == VersionVector([kayes: 3, mopti: 5]))
    }

    @Test("propriétés : la fusion est la plus petite borne supérieure", arguments: SeededGenerator.seeds(200, base: 1000))
    func mergeLaws(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let sites = ["a", "b", "c", "d"].map { SiteName(unchecked: $0) }
        func random() -> VersionVector {
            VersionVector(Dictionary(uniqueKeysWithValues: sites.map { ($0, UInt64.random(in: 0...4, using: &rng)) }))
        }
        let x = random(), y = random(), z = random()
        let m = x.merging(y)
        #expect(m == y.merging(x), "seed \(seed)")
        #expect(m.merging(z) == x.merging(y.merging(z)), "seed \(seed)")
        #expect(x.merging(x) == x, "seed \(seed)")
        #expect([.after, .equal].contains(m.compare(x)) && [.after, .equal].contains(m.compare(y)), "seed \(seed)")
        let flipped: [VersionVector.Ordering: VersionVector.Ordering] = [.before: .after, .after: .before, .equal: .equal, .concurrent: .concurrent]
        #expect(y.compare(x) == flipped[x.compare(y)], "seed \(seed)")
    }
}
