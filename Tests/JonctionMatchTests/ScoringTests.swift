import Foundation
import Jonction
@testable import JonctionMatch
import Testing

@Suite("Rapprochement : filtres, scores, explications")
struct ScoringTests {
    static func candidate(_ id: String, region: String = "Mopti", relocate: Bool = false, education: String? = "CAP",
                          consent: Bool = true, available: Bool = true, availableFrom: String? = nil, isco: String? = "7112",
                          skills: [String] = ["maçonnerie"], languages: [String] = ["bm", "fr"]) -> MatchCandidate {
        MatchCandidate(id: id, region: region, relocate: relocate, education: education.flatMap { Schema.educationLevels.firstIndex(of: $0) },
                       consentToEmployers: consent, available: available, availableFrom: availableFrom, isco: isco,
                       skills: skills, languages: languages)
    }

    static func opportunity(_ id: String, region: String = "Mopti", isco: String? = "7112", skills: [String] = ["maçonnerie"],
                            languages: [String] = ["bm"], minEducation: String? = "primaire", places: Int = 1, open: Bool = true,
                            startsOn: String? = "2027-01-15", kind: String = "job") -> MatchOpportunity {
        MatchOpportunity(id: id, kind: kind, title: "Maçon", region: region, isco: isco, skillsRequired: skills, languages: languages,
                         minEducation: minEducation.flatMap { Schema.educationLevels.firstIndex(of: $0) }, open: open,
                         placesLeft: places, startsOn: startsOn)
    }

    func scorer(_ c: [MatchCandidate], _ o: [MatchOpportunity]) -> Scorer {
        Scorer(weights: ScoringWeights(), candidates: c, opportunities: o)
    }

    @Test("le score combine métier, compétences, langues, études et lieu, de 1 à 100")
    func scores() {
        let s = scorer(
            [Self.candidate("a"), Self.candidate("b", region: "Kayes", relocate: true, isco: "7115", skills: ["menuiserie"], languages: ["snk"]),
             Self.candidate("c", isco: "7231"), Self.candidate("d", isco: "5120")],
            [Self.opportunity("o", skills: ["maçonnerie", "soudure"])])
        // Same unit group 40, 1 of 2 skills 12, languages 10, education 10, same region 15.
        #expect(s.score(0, 0) == 87)
        #expect(s.card(0, 0).score == 87)
        #expect(s.card(0, 0).skillsMissing == ["soudure"])
        // Minor group 7115/7112: 30; no skill 0; no language 0; education 10; move 5.
        #expect(s.score(1, 0) == 45)
        // Major group 7 only: 10 + 12 + 10 + 10 + 15.
        #expect(s.score(2, 0) == 57)
        // Unrelated trade: 0 + 12 + 10 + 10 + 15.
        #expect(s.score(3, 0) == 47)
        let reasons = s.card(1, 0).reasons(.fr, candidate: s.candidates[1], opportunity: s.opportunities[0])
        #expect(reasons.contains("métier voisin (CITP 7115 / 7112)"))
        #expect(reasons.contains("manque : maçonnerie, soudure"))
        #expect(reasons.contains("accepte de déménager (Kayes → Mopti)"))
        #expect(s.card(0, 0).reasons(.en, candidate: s.candidates[0], opportunity: s.opportunities[0]).hasPrefix("Score 87/100: same occupation"))
    }

    @Test("les poids viennent de la configuration")
    func weights() {
        var w = ScoringWeights()
        w.occupation = 20
        w.location = 35
        let s = Scorer(weights: w, candidates: [Self.candidate("a")], opportunities: [Self.opportunity("o")])
        #expect(s.score(0, 0) == 100)
        #expect(ScoringWeights().total == 100)
    }

    @Test("les raisons d’exclusion se comparent dans l’ordre où elles sont déclarées (le premier filtre qui échoue)")
    func exclusionOrder() {
        #expect(Exclusion.allCases.sorted() == Exclusion.allCases)
        for (i, a) in Exclusion.allCases.enumerated() {
            for (j, b) in Exclusion.allCases.enumerated() { #expect((a < b) == (i < j), "\(a) \(b)") }
        }
    }

    @Test("filtres durs, chacun avec sa raison", arguments: [
        (candidate("x", consent: false), Exclusion.noConsent),
        (candidate("x", available: false), .notAvailable),
        (candidate("x", region: "Gao"), .region),
        (candidate("x", education: "aucun"), .education),
        (candidate("x", education: nil), .education),
        (candidate("x", availableFrom: "2027-03-01"), .availableTooLate),
    ])
    func filters(candidate: MatchCandidate, reason: Exclusion) {
        let result = Matcher.run(MatchRequest(candidates: [candidate], opportunities: [Self.opportunity("o")]))
        #expect(result.proposals.isEmpty)
        #expect(result.excluded.first?.reason == reason)
    }

    @Test("déménager : ailleurs, seulement dans sa famille de métiers ; une opportunité fermée ou pleine ne compte pas")
    func relocation() {
        let mover = Self.candidate("m", region: "Gao", relocate: true)
        let result = Matcher.run(MatchRequest(candidates: [mover], opportunities: [
            Self.opportunity("other-trade", region: "Mopti", isco: "5120"),
            Self.opportunity("same-family", region: "Kayes", isco: "7126"),
            Self.opportunity("closed", region: "Gao", open: false),
            Self.opportunity("full", region: "Gao", places: 0),
        ]))
        #expect(result.proposals.map(\.opportunity.id) == ["same-family"])
        let none = Matcher.run(MatchRequest(candidates: [mover], opportunities: [Self.opportunity("closed", open: false)]))
        #expect(none.excluded.first?.reason == .noOpenOpportunity)
    }

    @Test("sous le score minimum, pas de proposition : la place reste libre")
    func minimumScore() {
        let tailor = Self.candidate("t", isco: "7531", skills: ["couture"])
        let result = Matcher.run(MatchRequest(candidates: [tailor], opportunities: [Self.opportunity("dairy", isco: "8160", skills: ["transformation agroalimentaire"])]))
        #expect(result.proposals.isEmpty)
        #expect(result.excluded.first?.reason == .lowScore)
    }

    @Test("une paire refusée n’est plus proposée")
    func declined() {
        let request = MatchRequest(candidates: [Self.candidate("a")],
                                   opportunities: [Self.opportunity("o1"), Self.opportunity("o2", skills: [])],
                                   declined: [.init(candidate: "a", opportunity: "o1")])
        #expect(Matcher.run(request).proposals.map(\.opportunity.id) == ["o2"])
    }

    @Test("l’affectation respecte les places et maximise le score total")
    func assignment() {
        // Two candidates want the same single place; the optimum gives it to the one for whom the
        // alternative is worse.
        let a = Self.candidate("a", isco: "7112"), b = Self.candidate("b", isco: "7112", skills: [])
        var weights = ScoringWeights()
        weights.minimumScore = 0
        let result = Matcher.run(MatchRequest(candidates: [a, b], opportunities: [
            Self.opportunity("mason", places: 1), Self.opportunity("cook", isco: "5120", skills: ["cuisine"], places: 1),
        ], weights: weights))
        #expect(result.proposals.count == 2)
        #expect(Set(result.proposals.map(\.opportunity.id)) == ["mason", "cook"])
        let s = scorer([a, b], [Self.opportunity("mason"), Self.opportunity("cook", isco: "5120", skills: ["cuisine"])])
        let best = max(s.score(0, 0) + s.score(1, 1), s.score(0, 1) + s.score(1, 0))
        #expect(result.totalScore == best)
    }

    @Test("le meilleur de k par candidat et par opportunité, de façon déterministe")
    func topK() {
        var top = TopK(3)
        for (s, i) in [(5, 1), (9, 2), (5, 0), (7, 3), (9, 4)] as [(Int32, Int32)] { top.insert(score: s, index: i) }
        #expect(top.sorted().map { $0.1 } == [2, 4, 3])
    }

    @Test("fichier de poids : défauts pour les clés absentes, refus précis sinon", arguments: [
        (#"{"occupation":50,"location":5}"#, nil),
        (#"{"minimum_score":60}"#, nil),
        (#"[40]"#, WeightsError.notAnObject),
        (#"{"ocupation":40}"#, .unknownKey("ocupation")),
        (#"{"skills":"25"}"#, .notAnInteger("skills")),
        (#"{"skills":25.5}"#, .notAnInteger("skills")),
        (#"{"occupation":60,"skills":-20,"languages":30}"#, .negative("skills")),
        (#"{"occupation":90}"#, .totalNot100(150)),
        (#"{"minimum_score":101}"#, .minimumScoreOutOfRange(101)),
    ] as [(String, WeightsError?)])
    func weightsFile(json: String, error: WeightsError?) throws {
        if let error {
            #expect(throws: error) { try ScoringWeights(json: Data(json.utf8)) }
            #expect(!error.message(.fr).isEmpty && error.message(.fr) != error.message(.en))
        } else {
            let w = try ScoringWeights(json: Data(json.utf8))
            #expect(w.total == 100)
            if json.contains("minimum_score") { #expect(w.minimumScore == 60 && w.occupation == 40) }
            else { #expect(w.occupation == 50 && w.location == 5 && w.skills == 25 && w.minimumScore == 40) }
        }
    }
}
