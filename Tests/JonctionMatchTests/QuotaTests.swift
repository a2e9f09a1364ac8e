import Foundation
import Jonction
@testable import JonctionMatch
import JonctionTestSupport
import Testing

/// Minimum shares and priorities (protocol.md §2.5): the solver against exhaustive search on small
/// instances, and properties on larger ones.
@Suite("Parts minimales et priorités : exactes, et dites quand elles ne sont pas atteintes")
struct QuotaTests {
    typealias Arc = (c: Int32, o: Int32, s: Int32)

    struct Instance {
        var groups: [MatchGroup]
        var capacities: [Int32]
        var arcs: [Arc]
        var rules: [[MatchQuotas.Share]]
        var quotas: MatchQuotas
    }

    static let origins = ["returnee", "displaced", "host_youth"]

    /// Random candidates' groups, places (0–3 per opportunity) and arcs (60 % of the pairs).
    static func randomNetwork(_ rng: inout SeededGenerator, candidates: Int, opportunities: Int) -> (groups: [MatchGroup], capacities: [Int32], arcs: [Arc]) {
        let groups = (0..<candidates).map { _ in
            MatchGroup(origin: origins.randomElement(using: &rng), sex: ["F", "M"].randomElement(using: &rng))
        }
        let capacities = (0..<opportunities).map { _ in Int32.random(in: 0...3, using: &rng) }
        var arcs: [Arc] = []
        for c in 0..<candidates {
            for o in 0..<opportunities where Double.random(in: 0..<1, using: &rng) < 0.6 {
                arcs.append((Int32(c), Int32(o), Int32([40, 55, 70, 85, 100].randomElement(using: &rng)!)))
            }
        }
        return (groups, capacities, arcs)
    }

    /// A random instance whose shares are on origin only (groups that do not overlap).
    static func random(_ rng: inout SeededGenerator, candidates: Int, opportunities: Int, priorities: Bool) -> Instance {
        let (groups, capacities, arcs) = randomNetwork(&rng, candidates: candidates, opportunities: opportunities)
        var quotas = MatchQuotas()
        let rules: [[MatchQuotas.Share]] = (0..<opportunities).map { _ in
            var list: [MatchQuotas.Share] = []
            var left = 100
            for origin in origins.shuffled(using: &rng) where Bool.random(using: &rng) {
                let percent = Int.random(in: 1...min(60, left), using: &rng)
                left -= percent
                list.append(MatchQuotas.Share(group: .origin(origin), minimum: percent))
                if left == 0 { break }
            }
            return list
        }
        if priorities { quotas.priority = [.origin("returnee"): Int.random(in: 1...3, using: &rng), .sex("F"): 2] }
        return Instance(groups: groups, capacities: capacities, arcs: arcs, rules: rules, quotas: quotas)
    }

    /// Places each share reserves, in order, within the opportunity's places (as the solver does).
    static func reservations(_ x: Instance) -> [[Int]] {
        x.rules.enumerated().map { o, list in
            var left = Int(x.capacities[o])
            return list.map { rule in
                let n = min(left, rule.minimumPlaces(of: Int(x.capacities[o])))
                left -= n
                return n
            }
        }
    }

    /// Every assignment (each candidate on one of its arcs or none, within the places): the largest
    /// number of reserved places filled, and the largest weighted total among the assignments that
    /// give each share at least `floor[o][r]` candidates of its group.
    static func exhaustive(_ x: Instance, floor: [[Int]]) -> (fill: Int, total: Int?) {
        let reserve = reservations(x)
        var arcsOf = [[Int]](repeating: [], count: x.groups.count)
        for (i, a) in x.arcs.enumerated() { arcsOf[Int(a.c)].append(i) }
        var load = [Int32](repeating: 0, count: x.capacities.count)
        var members = x.rules.map { [Int](repeating: 0, count: $0.count) }
        var bestFill = 0
        var bestTotal: Int? = nil
        func walk(_ c: Int, _ total: Int) {
            guard c < x.groups.count else {
                var fill = 0, meets = true
                for o in x.rules.indices {
                    for r in x.rules[o].indices {
                        fill += min(members[o][r], reserve[o][r])
                        if members[o][r] < floor[o][r] { meets = false }
                    }
                }
                bestFill = max(bestFill, fill)
                if meets { bestTotal = max(bestTotal ?? Int.min, total) }
                return
            }
            walk(c + 1, total)
            for i in arcsOf[c] {
                let o = Int(x.arcs[i].o)
                guard load[o] < x.capacities[o] else { continue }
                load[o] += 1
                let hits = x.rules[o].indices.filter { x.rules[o][$0].group.contains(x.groups[c]) }
                for r in hits { members[o][r] += 1 }
                walk(c + 1, total + Int(x.arcs[i].s) * x.quotas.weight(of: x.groups[c]))
                for r in hits { members[o][r] -= 1 }
                load[o] -= 1
            }
        }
        walk(0, 0)
        return (bestFill, bestTotal)
    }

    static func solve(_ x: Instance) -> Matcher.QuotaSolution {
        Matcher.solveWithQuotas(candidates: x.groups, capacities: x.capacities, arcs: x.arcs, rules: x.rules, quotas: x.quotas)
    }

    @Test("l’optimum sous les parts minimales est celui de la recherche exhaustive", arguments: SeededGenerator.seeds(150, base: 1800))
    func exactAgainstExhaustiveSearch(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let x = Self.random(&rng, candidates: Int.random(in: 1...7, using: &rng), opportunities: Int.random(in: 1...3, using: &rng),
                            priorities: seed % 2 == 0)
        let solved = Self.solve(x)
        #expect(solved.initial == Self.reservations(x), "graine \(seed)")
        // Feasible: each candidate once, each opportunity within its places.
        var load = [Int32](repeating: 0, count: x.capacities.count), seen = Set<Int32>()
        var members = x.rules.map { [Int](repeating: 0, count: $0.count) }
        var total = 0
        for i in solved.chosen {
            let a = x.arcs[i]
            #expect(seen.insert(a.c).inserted, "graine \(seed)")
            load[Int(a.o)] += 1
            total += Int(a.s) * x.quotas.weight(of: x.groups[Int(a.c)])
            for (r, rule) in x.rules[Int(a.o)].enumerated() where rule.group.contains(x.groups[Int(a.c)]) { members[Int(a.o)][r] += 1 }
        }
        for o in x.capacities.indices { #expect(load[o] <= x.capacities[o], "graine \(seed)") }
        // Every share kept is met, and as many reserved places are filled as any assignment can.
        for o in x.rules.indices {
            for r in x.rules[o].indices { #expect(members[o][r] >= solved.reserved[o][r], "graine \(seed)") }
        }
        let reference = Self.exhaustive(x, floor: solved.reserved)
        #expect(solved.reserved.joined().reduce(0, +) == reference.fill, "graine \(seed)")
        // The optimum under the shares kept.
        #expect(total == reference.total, "graine \(seed)")
    }

    @Test("retirer une part minimale ne baisse jamais le score total", arguments: SeededGenerator.seeds(40, base: 1900))
    func removingAQuotaNeverLowersTheTotal(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        var x = Self.random(&rng, candidates: 40, opportunities: 8, priorities: false)
        func total(_ x: Instance) -> Int { Self.solve(x).chosen.reduce(0) { $0 + Int(x.arcs[$1].s) } }
        var before = total(x)
        while let o = x.rules.indices.first(where: { !x.rules[$0].isEmpty }) {
            x.rules[o].removeLast()
            let after = total(x)
            #expect(after >= before, "graine \(seed)")
            before = after
        }
        #expect(before == Matcher.solveAssignment(candidates: x.groups.count, capacities: x.capacities, arcs: x.arcs)
            .reduce(0) { $0 + Int(x.arcs[$1].s) }, "graine \(seed)")
    }

    static func person(_ id: String, _ origin: String, _ sex: String, skills: [String] = ["vente"]) -> MatchCandidate {
        MatchCandidate(id: id, region: "Gao", relocate: false, education: 2, consentToEmployers: true, available: true,
                       availableFrom: nil, isco: "5223", skills: skills, languages: [],
                       group: MatchGroup(origin: origin, sex: sex))
    }

    static let shop = MatchOpportunity(id: "opp-v", kind: "job", title: "Vendeur", region: "Gao", isco: "5223",
                                       skillsRequired: ["vente"], languages: [], minEducation: nil, open: true, placesLeft: 4,
                                       startsOn: nil)

    @Test("30 % pour les jeunes hôtes et 40 % pour les femmes : atteintes, au prix de quelques points")
    func bothSharesMet() throws {
        // Returnee men fit best (they know the trade); the shares bring in host youth and women.
        let candidates = (1...6).map { Self.person("r\($0)", "returnee", "M") }
            + (1...2).map { Self.person("h\($0)", "host_youth", "M", skills: []) }
            + (1...3).map { Self.person("f\($0)", "displaced", "F", skills: []) }
        var shop = Self.shop
        shop.placesLeft = 6
        let quotas = try MatchQuotas(json: Data(#"{"round":{"host_youth":30,"F":40}}"#.utf8))
        let free = Matcher.run(MatchRequest(candidates: candidates, opportunities: [shop]))
        let held = Matcher.run(MatchRequest(candidates: candidates, opportunities: [shop], quotas: quotas))
        #expect(Set(free.proposals.map(\.candidate.id)) == ["r1", "r2", "r3", "r4", "r5", "r6"])
        let ids = Set(held.proposals.map(\.candidate.id))
        // ⌈30 % × 6⌉ = 2 host youth, ⌈40 % × 6⌉ = 3 women, and the best for the last place.
        #expect(ids.isSuperset(of: ["h1", "h2", "f1", "f2", "f3"]) && ids.count == 6)
        #expect(free.totalScore == 600 && held.totalScore == 100 + 5 * 75)
        #expect(held.quotas.count == 2 && held.quotas.allSatisfy(\.isMet))
        // The scores themselves do not move: only who gets the places.
        #expect(held.proposals.allSatisfy { $0.score == ($0.candidate.skills.isEmpty ? 75 : 100) })
        #expect(held.quotas.map { $0.message(.fr) }.contains { $0.contains("au moins 40 % des places pour les femmes, soit 3 sur 6 : atteinte") })
    }

    @Test("une part qui ne peut être atteinte est dite, avec la raison, et ses places vont aux autres")
    func shareNotMet() throws {
        let candidates = (1...4).map { Self.person("r\($0)", "returnee", "M") } + [Self.person("f1", "displaced", "F")]
        let quotas = try MatchQuotas(json: Data(#"{"opportunities":{"opp-v":{"F":50}}}"#.utf8))
        let held = Matcher.run(MatchRequest(candidates: candidates, opportunities: [Self.shop], quotas: quotas))
        #expect(held.proposals.count == 4)
        #expect(held.proposals.contains { $0.candidate.id == "f1" })
        let outcome = try #require(held.quotas.first)
        #expect(!outcome.isMet && outcome.shortfall == .notEnoughAdmissible && outcome.admissible == 1 && outcome.wanted == 2)
        #expect(outcome.message(.fr).contains("non atteinte, 1 proposé(s) — seulement 1 candidat(s) admissible(s) de ce groupe"))
        #expect(outcome.message(.en).contains("not met"))
    }

    @Test("une priorité de groupe change qui passe, jamais les scores")
    func priority() throws {
        let candidates = [Self.person("a", "host_youth", "M", skills: ["vente"]), Self.person("b", "returnee", "M", skills: [])]
        var shop = Self.shop
        shop.placesLeft = 1
        let plain = Matcher.run(MatchRequest(candidates: candidates, opportunities: [shop]))
        let quotas = try MatchQuotas(json: Data(#"{"priority":{"returnee":2}}"#.utf8))
        let favoured = Matcher.run(MatchRequest(candidates: candidates, opportunities: [shop], quotas: quotas))
        #expect(plain.proposals.map(\.candidate.id) == ["a"])
        #expect(favoured.proposals.map(\.candidate.id) == ["b"])
        #expect(favoured.proposals[0].score == Scorer(weights: ScoringWeights(), candidates: candidates, opportunities: [shop]).score(1, 0))
    }

    @Test("un fichier de parts mal écrit est refusé avec un message clair", arguments: [
        (#"[1]"#, QuotaError.notAnObject),
        (#"{"rounds":{}}"#, .unknownKey("rounds")),
        (#"{"round":{"jeunes":30}}"#, .unknownGroup("jeunes", path: "round")),
        (#"{"round":{"F":"40"}}"#, .notAnInteger("round.F")),
        (#"{"round":{"F":140}}"#, .percentOutOfRange("round.F", 140)),
        (#"{"round":{"F":60,"host_youth":50}}"#, .totalOver100("round", 110)),
        (#"{"priority":{"returnee":0}}"#, .priorityOutOfRange("returnee", 0)),
        (#"{"opportunities":{"opp 9":{"F":10}}}"#, .invalidOpportunityID("opp 9")),
    ])
    func badConfiguration(text: String, error: QuotaError) {
        let thrown = #expect(throws: error) { try MatchQuotas(json: Data(text.utf8)) }
        #expect(thrown?.message(.fr).isEmpty == false)
    }
}
