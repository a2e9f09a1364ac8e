import Jonction
import Testing
@testable import JonctionMatch
import JonctionTestSupport

/// The arcs the solver sees are found by a bounded search (`ArcSearch`); they must be exactly those
/// of scoring every pair.
@Suite("Recherche des meilleurs arcs")
struct ArcSearchTests {
    static func instance(_ rng: inout SeededGenerator, candidates: Int, opportunities: Int) -> MatchRequest {
        let regions: [String?] = [Schema.regions[0], Schema.regions[1], Schema.regions[2], nil]
        // Codes sharing their first one, two or three digits, so that every occupation level occurs.
        let codes: [String?] = ["7112", "7113", "7121", "7211", "7311", "8111", "5223", nil]
        let skills = ["maçonnerie", "plomberie", "soudure", "vente", "couture", "boulangerie"]
        let languages = ["fr", "bm", "ff"]
        func some(_ items: [String], _ most: Int) -> [String] {
            Array(items.shuffled(using: &rng).prefix(Int.random(in: 0...most, using: &rng)))
        }
        func date() -> String? { Bool.random(using: &rng) ? nil : "2027-0\(Int.random(in: 1...4, using: &rng))-01" }
        let people = (0..<candidates).map { c in
            MatchCandidate(
                id: "c\(c)", region: regions.randomElement(using: &rng)!, relocate: Int.random(in: 0..<3, using: &rng) == 0,
                education: Bool.random(using: &rng) ? Int.random(in: 0...4, using: &rng) : nil,
                consentToEmployers: Int.random(in: 0..<10, using: &rng) > 0, available: Int.random(in: 0..<12, using: &rng) > 0,
                availableFrom: date(), isco: codes.randomElement(using: &rng)!, skills: some(skills, 3), languages: some(languages, 2),
                placedBefore: Int.random(in: 0..<4, using: &rng) == 0,
                group: MatchGroup(origin: ["returnee", "displaced", "host_youth"].randomElement(using: &rng),
                                  sex: ["F", "M"].randomElement(using: &rng)))
        }
        let offers = (0..<opportunities).map { o in
            let kind = ["job", "training", "internship"].randomElement(using: &rng)!
            return MatchOpportunity(
                id: "o\(o)", kind: kind, title: nil, region: regions.randomElement(using: &rng)!, isco: codes.randomElement(using: &rng)!,
                skillsRequired: some(skills, 2), languages: some(languages, 2),
                minEducation: Bool.random(using: &rng) ? Int.random(in: 0...3, using: &rng) : nil,
                open: Int.random(in: 0..<8, using: &rng) > 0, placesLeft: Int.random(in: 0...4, using: &rng), startsOn: date(),
                teaches: kind == "training" ? some(skills, 2) : [])
        }
        var declined = Set<MatchRequest.Pair>()
        for _ in 0..<(candidates / 4) {
            declined.insert(.init(candidate: "c\(Int.random(in: 0..<candidates, using: &rng))",
                                  opportunity: "o\(Int.random(in: 0..<opportunities, using: &rng))"))
        }
        var weights = ScoringWeights()
        weights.minimumScore = [1, 40, 60].randomElement(using: &rng)!
        var quotas = MatchQuotas()
        if Int.random(in: 0..<3, using: &rng) == 0 {
            quotas.round = [MatchQuotas.Share(group: .origin("host_youth"), minimum: 30), MatchQuotas.Share(group: .sex("F"), minimum: 40)]
        }
        return MatchRequest(candidates: people, opportunities: offers, declined: declined, k: Int.random(in: 1...4, using: &rng),
                            weights: weights, quotas: quotas)
    }

    static func search(_ request: MatchRequest, exhaustive: Bool) -> ArcSearch.Output {
        let scorer = Scorer(weights: request.weights, candidates: request.candidates, opportunities: request.opportunities)
        let rules = request.opportunities.indices.map { scorer.isOpen($0) ? request.quotas.shares(for: request.opportunities[$0].id) : [] }
        return ArcSearch(scorer: scorer, request: request, rules: rules, exhaustive: exhaustive)
            .run(progress: ProgressCounter(total: request.candidates.count, report: nil))
    }

    @Test("les arcs trouvés sont ceux du calcul de toutes les paires", arguments: SeededGenerator.seeds(60, base: 1600))
    func sameArcsAsEveryPair(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let request = Self.instance(&rng, candidates: Int.random(in: 1...300, using: &rng), opportunities: Int.random(in: 1...60, using: &rng))
        let searched = Self.search(request, exhaustive: false), every = Self.search(request, exhaustive: true)
        #expect(searched.arcs.map { [$0.c, $0.o, $0.s] } == every.arcs.map { [$0.c, $0.o, $0.s] })
        // Both sides' picks joined: each pair once.
        #expect(Set(searched.arcs.map { [$0.c, $0.o] }).count == searched.arcs.count)
        #expect(searched.excluded.map { "\($0.candidate) \($0.reason)" }.sorted() == every.excluded.map { "\($0.candidate) \($0.reason)" }.sorted())
        #expect(searched.admissible == every.admissible)
        // The exclusions alone (report --matching, the dashboard): the candidates' search only.
        #expect(Matcher.exclusions(request).map { "\($0.candidate) \($0.reason)" }.sorted()
            == every.excluded.map { "\($0.candidate) \($0.reason)" }.sorted())
        let a = Matcher.run(request, exhaustive: false), b = Matcher.run(request, exhaustive: true)
        #expect(a.totalScore == b.totalScore && a.proposals.map(\.candidate.id) == b.proposals.map(\.candidate.id))
    }

    @Test("les compétences qui manquent : par compétence, les candidats d’un arc qui ne l’ont pas", arguments: SeededGenerator.seeds(20, base: 1700))
    func skillsGaps(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        var request = Self.instance(&rng, candidates: 200, opportunities: 40)
        request.quotas = MatchQuotas()
        var expected: [String: Set<Int32>] = [:]
        for a in Matcher.graph(request).arcs {
            for skill in request.opportunities[Int(a.o)].skillsRequired where !request.candidates[Int(a.c)].skills.contains(skill) {
                expected[skill, default: []].insert(a.c)
            }
        }
        let counted = expected.map { ($0.key, $0.value.count) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        let gaps = Matcher.run(request).skillsGaps
        #expect(!gaps.isEmpty)
        #expect(gaps.map { "\($0.skill) \($0.candidates)" } == counted.prefix(15).map { "\($0.0) \($0.1)" })
    }

    @Test("la recherche calcule bien moins de paires que toutes, pour les mêmes arcs")
    func searchSkipsPairs() {
        var rng = SeededGenerator(seed: 77)
        var request = Self.instance(&rng, candidates: 3000, opportunities: 400)
        request.k = 3
        request.quotas = MatchQuotas()
        let searched = Self.search(request, exhaustive: false), every = Self.search(request, exhaustive: true)
        #expect(searched.arcs.count == every.arcs.count && searched.arcs.count > 0)
        #expect(searched.pairsScored * 2 < every.pairsScored)
    }
}
