import Foundation
import Jonction
@testable import JonctionMatch
import JonctionTestSupport
import Testing

/// Maximum shares and shares of the whole round (protocol.md §2.5), solved as a min-cost flow: the
/// flow solver itself against the assignment solver, and the shares against exhaustive search.
@Suite("Parts maximales et parts du tour entier : un flot de coût minimum exact")
struct FlowQuotaTests {
    typealias Arc = (c: Int32, o: Int32, s: Int32)

    // MARK: The min-cost flow

    @Test("un petit réseau : le flot de coût minimum connu, bornes inférieures comprises")
    func smallNetwork() throws {
        // 0 → 1 → 3 costs 1 + 1, 0 → 2 → 3 costs 3 + 0, 0 → 3 costs 5; 4 units to carry, arc 1 → 3
        // at most 2, arc 0 → 3 at least 1.
        var net = MinCostFlow(nodes: 4)
        let a = net.addArc(from: 0, to: 1, upper: 3, cost: 1)
        let b = net.addArc(from: 1, to: 3, upper: 2, cost: 1)
        let c = net.addArc(from: 0, to: 2, upper: 4, cost: 3)
        let d = net.addArc(from: 2, to: 3, upper: 4, cost: 0)
        let e = net.addArc(from: 0, to: 3, lower: 1, upper: 4, cost: 5)
        net.setSupply(0, 4)
        net.setSupply(3, -4)
        let solution = try #require(net.solve())
        #expect(solution.flow[a] == 2 && solution.flow[b] == 2)
        #expect(solution.flow[c] == 1 && solution.flow[d] == 1 && solution.flow[e] == 1)
        #expect(solution.cost == 2 * 2 + 3 + 5)
    }

    @Test("sans flot possible, nil : offre sans chemin, ou borne inférieure impossible")
    func infeasible() {
        var net = MinCostFlow(nodes: 3)
        net.addArc(from: 0, to: 1, upper: 5, cost: 2)
        net.setSupply(0, 1)
        net.setSupply(2, -1)
        #expect(net.solve() == nil)
        var bounded = MinCostFlow(nodes: 2)
        bounded.addArc(from: 0, to: 1, lower: 3, upper: 3, cost: 0)
        bounded.setSupply(0, 2)
        bounded.setSupply(1, -2)
        #expect(bounded.solve() == nil)
        var unbalanced = MinCostFlow(nodes: 2)
        unbalanced.addArc(from: 0, to: 1, upper: 3, cost: 0)
        unbalanced.setSupply(0, 2)
        #expect(unbalanced.solve() == nil)
    }

    @Test("une affectation en flot : le même optimum que le solveur d’affectation", arguments: SeededGenerator.seeds(60, base: 2600))
    func flowEqualsAssignment(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        Self.compareWithAssignment(seed: seed, candidates: Int.random(in: 1...40, using: &rng),
                                   opportunities: Int.random(in: 1...12, using: &rng), rng: &rng)
    }

    @Test("sur des milliers de candidats aussi (où les mises à jour des prix jouent)", arguments: SeededGenerator.seeds(4, base: 2680))
    func largerFlowEqualsAssignment(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        Self.compareWithAssignment(seed: seed, candidates: 3000, opportunities: 120, rng: &rng)
    }

    static func compareWithAssignment(seed: UInt64, candidates nC: Int, opportunities nO: Int, rng: inout SeededGenerator) {
        let capacities = (0..<nO).map { _ in Int32.random(in: 0...4, using: &rng) }
        var arcs: [Arc] = []
        for c in 0..<nC {
            for o in 0..<nO where Double.random(in: 0..<1, using: &rng) < min(0.4, 12.0 / Double(nO)) {
                arcs.append((Int32(c), Int32(o), Int32([1, 50, 50, 99, 100].randomElement(using: &rng)!)))
            }
        }
        var net = MinCostFlow(nodes: 2 + nC + nO)
        net.setSupply(0, nC)
        net.setSupply(1, -nC)
        net.addArc(from: 0, to: 1, upper: nC, cost: 0)
        for c in 0..<nC { net.addArc(from: 0, to: 2 + c, upper: 1, cost: 0) }
        for o in 0..<nO { net.addArc(from: 2 + nC + o, to: 1, upper: Int(capacities[o]), cost: 0) }
        for a in arcs { net.addArc(from: 2 + Int(a.c), to: 2 + nC + Int(a.o), upper: 1, cost: -Int(a.s)) }
        let flow = net.solve()
        let chosen = Matcher.solveAssignment(candidates: nC, capacities: capacities, arcs: arcs)
        #expect(flow?.cost == -chosen.reduce(0) { $0 + Int(arcs[$1].s) }, "graine \(seed)")
    }

    // MARK: Shares against exhaustive search

    typealias Instance = QuotaTests.Instance

    /// Random shares of one scope, as the configuration accepts them: one dimension with minimums
    /// and maximums, or both dimensions with minimums only.
    static func randomShares(_ rng: inout SeededGenerator) -> [MatchQuotas.Share] {
        var shares: [MatchQuotas.Share] = []
        var left = 100
        switch Int.random(in: 0..<4, using: &rng) {
        case 0:
            return []
        case 1, 2:
            let groups: [MatchQuotas.Group] = Bool.random(using: &rng)
                ? [.origin("returnee"), .origin("displaced"), .origin("host_youth")] : [.sex("F"), .sex("M")]
            for group in groups.shuffled(using: &rng) where Bool.random(using: &rng) {
                let minimum = Bool.random(using: &rng) ? Int.random(in: 0...min(70, left), using: &rng) : 0
                left -= minimum
                let maximum = Bool.random(using: &rng) || minimum == 0 ? Int.random(in: max(minimum, 1)...100, using: &rng) : nil
                shares.append(MatchQuotas.Share(group: group, minimum: minimum, maximum: maximum))
            }
        default:
            for group in [MatchQuotas.Group.origin("host_youth"), .origin("returnee"), .sex("F")] where Bool.random(using: &rng) {
                let minimum = Int.random(in: 1...min(60, max(1, left)), using: &rng)
                guard minimum <= left else { break }
                left -= minimum
                shares.append(MatchQuotas.Share(group: group, minimum: minimum))
            }
        }
        return shares.sorted { $0.group < $1.group }
    }

    static func random(_ rng: inout SeededGenerator, candidates: Int, opportunities: Int) -> Instance {
        let (groups, capacities, arcs) = QuotaTests.randomNetwork(&rng, candidates: candidates, opportunities: opportunities)
        var quotas = MatchQuotas()
        let rules = (0..<opportunities).map { _ in randomShares(&rng) }
        quotas.wholeRound = Int.random(in: 0..<3, using: &rng) == 0 ? [] : randomShares(&rng)
        if Bool.random(using: &rng) { quotas.priority = [.origin("returnee"): Int.random(in: 1...3, using: &rng), .sex("F"): 2] }
        return Instance(groups: groups, capacities: capacities, arcs: arcs, rules: rules, quotas: quotas)
    }

    /// A scope's shares and members: the most of its minimums' places (`reservable`) that distinct
    /// members can fill, each counting for one share (max flow = min cut over sets of shares); and
    /// whether they can fill `floor` (Hall's condition); and whether every maximum holds.
    struct Scope {
        var shares: [MatchQuotas.Share]
        var places: Int
        var reservable: [Int]

        /// `placed`: the groups of the candidates placed in the scope.
        func fill(_ placed: [MatchGroup]) -> Int {
            var best = Int.max
            for mask in 0..<(1 << shares.count) {
                var cut = 0
                var covered = 0
                for g in placed where shares.indices.contains(where: { mask & (1 << $0) != 0 && shares[$0].group.contains(g) }) { covered += 1 }
                for r in shares.indices where mask & (1 << r) == 0 { cut += reservable[r] }
                best = min(best, cut + covered)
            }
            return best
        }

        func meets(_ placed: [MatchGroup], floor: [Int]) -> Bool {
            for (r, share) in shares.enumerated() {
                if let most = share.maximumPlaces(of: places), placed.filter({ share.group.contains($0) }).count > most { return false }
            }
            for mask in 1..<(1 << shares.count) {
                let demand = shares.indices.filter { mask & (1 << $0) != 0 }.reduce(0) { $0 + floor[$1] }
                let supply = placed.filter { g in shares.indices.contains { mask & (1 << $0) != 0 && shares[$0].group.contains(g) } }.count
                if demand > supply { return false }
            }
            return true
        }

        func keepsMaximums(_ placed: [MatchGroup]) -> Bool {
            shares.allSatisfy { share in
                share.maximumPlaces(of: places).map { most in placed.filter { share.group.contains($0) }.count <= most } ?? true
            }
        }
    }

    /// Every assignment: the most minimum places fillable under the maximums, and the best weighted
    /// total among the assignments meeting the maximums and the floors kept.
    static func exhaustive(_ x: Instance, kept: Matcher.QuotaSolution) -> (fill: Int, total: Int?) {
        let places = x.capacities.reduce(0) { $0 + Int($1) }
        let scopes = x.rules.enumerated().map { o, shares in
            Scope(shares: shares, places: Int(x.capacities[o]), reservable: Matcher.reservable(shares, places: Int(x.capacities[o])))
        }
        let round = Scope(shares: x.quotas.wholeRound, places: places, reservable: Matcher.reservable(x.quotas.wholeRound, places: places))
        var arcsOf = [[Int]](repeating: [], count: x.groups.count)
        for (i, a) in x.arcs.enumerated() { arcsOf[Int(a.c)].append(i) }
        var placedAt = [[MatchGroup]](repeating: [], count: x.capacities.count)
        var placedAll: [MatchGroup] = []
        var bestFill = 0
        var bestTotal: Int?
        func walk(_ c: Int, _ total: Int) {
            guard c < x.groups.count else {
                guard round.keepsMaximums(placedAll), scopes.indices.allSatisfy({ scopes[$0].keepsMaximums(placedAt[$0]) }) else { return }
                bestFill = max(bestFill, round.fill(placedAll) + scopes.indices.reduce(0) { $0 + scopes[$1].fill(placedAt[$1]) })
                if round.meets(placedAll, floor: kept.wholeRoundReserved),
                   scopes.indices.allSatisfy({ scopes[$0].meets(placedAt[$0], floor: kept.reserved[$0]) }) {
                    bestTotal = max(bestTotal ?? Int.min, total)
                }
                return
            }
            walk(c + 1, total)
            for i in arcsOf[c] {
                let o = Int(x.arcs[i].o)
                guard placedAt[o].count < x.capacities[o] else { continue }
                placedAt[o].append(x.groups[c]); placedAll.append(x.groups[c])
                walk(c + 1, total + Int(x.arcs[i].s) * x.quotas.weight(of: x.groups[c]))
                placedAt[o].removeLast(); placedAll.removeLast()
            }
        }
        walk(0, 0)
        return (bestFill, bestTotal)
    }

    static func total(_ x: Instance, _ chosen: [Int]) -> Int {
        chosen.reduce(0) { $0 + Int(x.arcs[$1].s) * x.quotas.weight(of: x.groups[Int(x.arcs[$1].c)]) }
    }

    @Test("parts maximales et du tour entier : l’optimum est celui de la recherche exhaustive", arguments: SeededGenerator.seeds(200, base: 2700))
    func exactAgainstExhaustiveSearch(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let x = Self.random(&rng, candidates: Int.random(in: 1...7, using: &rng), opportunities: Int.random(in: 1...3, using: &rng))
        let places = x.capacities.reduce(0) { $0 + Int($1) }
        let initial = x.rules.enumerated().map { Matcher.reservable($1, places: Int(x.capacities[$0])) }
        let solved = Matcher.solveByFlow(groups: x.groups, capacities: x.capacities, arcs: x.arcs, rules: x.rules, quotas: x.quotas,
                                         initial: initial, wholeInitial: Matcher.reservable(x.quotas.wholeRound, places: places))
        // Feasible: each candidate once, each opportunity within its places, each maximum kept,
        // each floor kept met.
        var placedAt = [[MatchGroup]](repeating: [], count: x.capacities.count), seen = Set<Int32>()
        for i in solved.chosen {
            #expect(seen.insert(x.arcs[i].c).inserted, "graine \(seed)")
            placedAt[Int(x.arcs[i].o)].append(x.groups[Int(x.arcs[i].c)])
        }
        for o in x.capacities.indices {
            #expect(placedAt[o].count <= x.capacities[o], "graine \(seed)")
            let scope = Scope(shares: x.rules[o], places: Int(x.capacities[o]), reservable: initial[o])
            #expect(scope.meets(placedAt[o], floor: solved.reserved[o]), "graine \(seed)")
        }
        let round = Scope(shares: x.quotas.wholeRound, places: places, reservable: solved.wholeRoundInitial)
        #expect(round.meets(placedAt.flatMap { $0 }, floor: solved.wholeRoundReserved), "graine \(seed)")
        // As many minimum places filled as any assignment can, and the optimum under them.
        let reference = Self.exhaustive(x, kept: solved)
        #expect(solved.reserved.joined().reduce(0, +) + solved.wholeRoundReserved.reduce(0, +) == reference.fill, "graine \(seed)")
        #expect(Self.total(x, solved.chosen) == reference.total, "graine \(seed)")
    }

    @Test("minimums par opportunité seulement : le flot et le découpage en places réservées donnent le même optimum", arguments: SeededGenerator.seeds(80, base: 2900))
    func flowAgreesWithSplitting(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        var x = Self.random(&rng, candidates: Int.random(in: 5...60, using: &rng), opportunities: Int.random(in: 1...10, using: &rng))
        x.quotas.wholeRound = []
        x.rules = x.rules.map { $0.compactMap { $0.minimum > 0 ? MatchQuotas.Share(group: $0.group, minimum: $0.minimum) : nil } }
        let initial = x.rules.enumerated().map { Matcher.reservable($1, places: Int(x.capacities[$0])) }
        let flow = Matcher.solveByFlow(groups: x.groups, capacities: x.capacities, arcs: x.arcs, rules: x.rules, quotas: x.quotas,
                                       initial: initial, wholeInitial: [])
        let split = Matcher.solveBySplitting(groups: x.groups, capacities: x.capacities, arcs: x.arcs, rules: x.rules, quotas: x.quotas,
                                             initial: initial)
        // Both fill as many reserved places; when both keep the same places, the same optimum.
        #expect(flow.reserved.joined().reduce(0, +) == split.reserved.joined().reduce(0, +), "graine \(seed)")
        if flow.reserved == split.reserved {
            #expect(Self.total(x, flow.chosen) == Self.total(x, split.chosen), "graine \(seed)")
        }
    }

    @Test("retirer une part (minimum ou maximum) ne baisse jamais le score total quand toutes sont atteintes")
    func removingAShareNeverLowersTheTotal() {
        var compared = 0
        for seed in SeededGenerator.seeds(40, base: 3000) {
            var rng = SeededGenerator(seed: seed)
            var x = Self.random(&rng, candidates: 50, opportunities: 6)
            x.capacities = x.capacities.map { $0 + 2 }
            func solve(_ x: Instance) -> (total: Int, allMet: Bool) {
                let s = Matcher.solveWithQuotas(candidates: x.groups, capacities: x.capacities, arcs: x.arcs, rules: x.rules, quotas: x.quotas)
                return (Self.total(x, s.chosen), s.reserved == s.initial && s.wholeRoundReserved == s.wholeRoundInitial)
            }
            var before = solve(x)
            while true {
                if let o = x.rules.indices.first(where: { !x.rules[$0].isEmpty }) {
                    x.rules[o].removeLast()
                } else if !x.quotas.wholeRound.isEmpty {
                    x.quotas.wholeRound.removeLast()
                } else {
                    break
                }
                let after = solve(x)
                // With every share met, removing one only widens the choice. (A share lowered for
                // lack of candidates may be met again once another is gone, and then cost more.)
                if before.allMet {
                    #expect(after.total >= before.total, "graine \(seed)")
                    compared += 1
                }
                before = after
            }
            let free = Matcher.solveAssignment(candidates: x.groups.count, capacities: x.capacities, arcs: x.arcs)
            if x.quotas.priority.isEmpty { #expect(before.total == Self.total(x, free), "graine \(seed)") }
        }
        #expect(compared >= 40, "\(compared) comparaisons seulement : les instances ne mettent pas la propriété à l’épreuve")
    }

    // MARK: A round

    static func person(_ id: String, _ origin: String, _ sex: String, skills: [String] = ["vente"]) -> MatchCandidate {
        QuotaTests.person(id, origin, sex, skills: skills)
    }

    static func shop(_ id: String, places: Int) -> MatchOpportunity {
        var shop = QuotaTests.shop
        shop.id = id
        shop.placesLeft = places
        return shop
    }

    @Test("au plus 50 % d’hommes : la moitié des places à des femmes moins notées, dit dans le rapport")
    func maximumShare() throws {
        let candidates = (1...6).map { Self.person("m\($0)", "returnee", "M") } + (1...3).map { Self.person("f\($0)", "displaced", "F", skills: []) }
        let quotas = try MatchQuotas(json: Data(#"{"opportunities":{"opp-v":{"M":{"maximum":50}}}}"#.utf8))
        let held = Matcher.run(MatchRequest(candidates: candidates, opportunities: [Self.shop("opp-v", places: 4)], quotas: quotas))
        #expect(Set(held.proposals.map(\.candidate.group.sex)) == ["M", "F"])
        #expect(held.proposals.filter { $0.candidate.group.sex == "M" }.count == 2 && held.proposals.count == 4)
        let outcome = try #require(held.quotas.first)
        #expect(outcome.isMet && outcome.atMost == 2 && outcome.proposed == 2)
        #expect(outcome.message(.fr) == "opp-v « Vendeur » : au plus 50 % des places pour les hommes, soit 2 sur 4 : respectée (2 proposé(s)).")
        #expect(outcome.message(.en).contains("at most 50 % of places for men, that is 2 of 4"))
    }

    @Test("au moins 40 % de femmes sur tout le tour : une opportunité peut en avoir moins si une autre en a plus")
    func wholeRoundShare() throws {
        // Two shops of 5 places; the men fit best. Per shop, 50 % rounds up to 3 women in each; over
        // the whole round, 40 % of the 10 places asks for 4 women in all, wherever they go.
        let candidates = (1...10).map { Self.person("m\($0)", "returnee", "M") } + (1...6).map { Self.person("f\($0)", "displaced", "F", skills: []) }
        let shops = [Self.shop("opp-a", places: 5), Self.shop("opp-b", places: 5)]
        let perShop = try MatchQuotas(json: Data(#"{"round":{"F":50}}"#.utf8))
        let whole = try MatchQuotas(json: Data(#"{"whole_round":{"F":40}}"#.utf8))
        let a = Matcher.run(MatchRequest(candidates: candidates, opportunities: shops, quotas: perShop))
        let b = Matcher.run(MatchRequest(candidates: candidates, opportunities: shops, quotas: whole))
        // 50 % of each shop's 5 places rounds up to 3 + 3 women; 40 % of 10 is exactly 4.
        #expect(a.proposals.filter { $0.candidate.group.sex == "F" }.count == 6)
        #expect(b.proposals.filter { $0.candidate.group.sex == "F" }.count == 4 && b.proposals.count == 10)
        let outcome = try #require(b.quotas.first)
        #expect(outcome.opportunity == nil && outcome.isMet && outcome.wanted == 4 && outcome.places == 10 && outcome.admissible == 6)
        #expect(outcome.message(.fr) == "Tout le tour : au moins 40 % des places pour les femmes, soit 4 sur 10 : atteinte (4 proposé(s)).")
    }

    @Test("une part du tour qui ne peut être atteinte est dite, avec la raison")
    func wholeRoundShareNotMet() throws {
        let candidates = (1...8).map { Self.person("m\($0)", "returnee", "M") } + [Self.person("f1", "displaced", "F")]
        let quotas = try MatchQuotas(json: Data(#"{"whole_round":{"F":{"minimum":30,"maximum":60}}}"#.utf8))
        let held = Matcher.run(MatchRequest(candidates: candidates, opportunities: [Self.shop("opp-v", places: 6)], quotas: quotas))
        #expect(held.proposals.count == 6 && held.proposals.contains { $0.candidate.id == "f1" })
        let outcome = try #require(held.quotas.first)
        #expect(!outcome.isMet && outcome.shortfall == .notEnoughAdmissible && outcome.wanted == 2 && outcome.atMost == 3)
        #expect(outcome.message(.fr).hasPrefix("Tout le tour : au moins 30 % des places pour les femmes, soit 2 sur 6 et au plus 60 %, soit 3 sur 6 : non atteinte, 1 proposé(s) — seulement 1 candidat(s) admissible(s)"))
    }

    @Test("un fichier de parts maximales mal écrit est refusé avec un message clair", arguments: [
        (#"{"round":{"F":{"minimum":50,"maximum":40}}}"#, QuotaError.maximumBelowMinimum("round.F", minimum: 50, maximum: 40)),
        (#"{"round":{"F":{"max":40}}}"#, .unknownBound("max", path: "round.F")),
        (#"{"round":{"F":{}}}"#, .emptyShare("round.F")),
        (#"{"round":{"F":{"maximum":140}}}"#, .percentOutOfRange("round.F.maximum", 140)),
        (#"{"round":{"F":{"maximum":"40"}}}"#, .notAnInteger("round.F.maximum")),
        (#"{"whole_round":{"F":{"maximum":40},"returnee":20}}"#, .maximumAcrossDimensions("whole_round")),
        (#"{"whole_round":{"F":70,"M":{"minimum":40}}}"#, .totalOver100("whole_round", 110)),
        (#"{"whole_round":[]}"#, .notAnObjectAt("whole_round")),
    ])
    func badConfiguration(text: String, error: QuotaError) {
        let thrown = #expect(throws: error) { try MatchQuotas(json: Data(text.utf8)) }
        #expect(thrown?.message(.fr).isEmpty == false)
    }

    @Test("les parts se lisent : un entier est un minimum, un objet donne minimum et maximum")
    func reading() throws {
        let quotas = try MatchQuotas(json: Data(#"{"round":{"F":40,"M":{"maximum":60}},"whole_round":{"displaced":{"minimum":20,"maximum":60}}}"#.utf8))
        #expect(quotas.round == [MatchQuotas.Share(group: .sex("F"), minimum: 40), MatchQuotas.Share(group: .sex("M"), minimum: 0, maximum: 60)])
        #expect(quotas.wholeRound == [MatchQuotas.Share(group: .origin("displaced"), minimum: 20, maximum: 60)])
        let minimumsOnly = try MatchQuotas(json: Data(#"{"round":{"F":40}}"#.utf8))
        #expect(quotas.needsFlow && !minimumsOnly.needsFlow)
        // At least 40 % and at most 40 % of 3 places: the minimum never asks above the maximum.
        #expect(MatchQuotas.Share(group: .sex("F"), minimum: 40, maximum: 40).minimumPlaces(of: 3) == 1)
        #expect(MatchQuotas.Share(group: .sex("F"), minimum: 40).minimumPlaces(of: 3) == 2)
    }
}
