import Foundation
import Jonction
@testable import JonctionMatch
import Testing

/// Scores by kind of opportunity (protocol.md §2.5): a job wants its skills, a training serves
/// whoever lacks what it teaches, an internship is first for a first job.
@Suite("Rapprochement : le score selon le type d’opportunité")
struct KindScoringTests {
    static func baker(_ id: String, skills: [String], isco: String = "7512", placedBefore: Bool = false,
                      group: MatchGroup = MatchGroup()) -> MatchCandidate {
        MatchCandidate(id: id, region: "Gao", relocate: false, education: 1, consentToEmployers: true, available: true,
                       availableFrom: nil, isco: isco, skills: skills, languages: ["fr"], placedBefore: placedBefore, group: group)
    }

    static func bakery(kind: String = "training", required: [String] = [], teaches: [String] = ["boulangerie"],
                       places: Int = 4) -> MatchOpportunity {
        MatchOpportunity(id: "opp-09", kind: kind, title: "Formation en boulangerie-pâtisserie", region: "Gao", isco: "7512",
                         skillsRequired: required, languages: ["fr"], minEducation: 1, open: true, placesLeft: places,
                         startsOn: nil, teaches: teaches)
    }

    @Test("une formation va d’abord à qui n’a pas encore la compétence qu’elle enseigne")
    func trainingServesWhoLacks() {
        let s = Scorer(weights: ScoringWeights(), candidates: [
            Self.baker("sait", skills: ["boulangerie"]),
            Self.baker("apprenti", skills: ["vente"]),
            Self.baker("couturiere", skills: ["couture"], isco: "7531"),
        ], opportunities: [Self.bakery()])
        // Already bakes: nothing to learn, the trade no longer counts: languages 10 + education 10 + region 15.
        #expect(s.score(0, 0) == 35)
        // Same trade, lacks the skill: 40 + 25 + 10 + 10 + 15.
        #expect(s.score(1, 0) == 100)
        // Sub-major group 75: 20 + 25 + 35.
        #expect(s.score(2, 0) == 80)
        let card = s.card(2, 0)
        #expect(card.score == 80 && card.skillsToLearn == ["boulangerie"])
        let fr = card.reasons(.fr, candidate: s.candidates[2], opportunity: s.opportunities[0])
        #expect(fr.contains("n’a pas encore la compétence enseignée : boulangerie"))
        #expect(card.reasons(.en, candidate: s.candidates[2], opportunity: s.opportunities[0])
            .contains("does not have the skill taught yet: boulangerie"))
        #expect(s.card(0, 0).reasons(.fr, candidate: s.candidates[0], opportunity: s.opportunities[0])
            .contains("a déjà ce que la formation enseigne : boulangerie"))
        // The matcher proposes the two who cannot bake yet; the baker stays under the minimum score.
        let result = Matcher.run(MatchRequest(candidates: s.candidates, opportunities: s.opportunities))
        #expect(result.proposals.map(\.candidate.id) == ["apprenti", "couturiere"])
    }

    @Test("les prérequis d’une formation comptent comme les compétences d’un emploi, à parts égales avec ce qu’elle enseigne")
    func prerequisites() {
        let solar = MatchOpportunity(id: "opp-02", kind: "training", title: "Solaire", region: "Gao", isco: "7411",
                                     skillsRequired: ["électricité bâtiment"], languages: [], minEducation: nil, open: true,
                                     placesLeft: 3, startsOn: nil, teaches: ["panneaux solaires"])
        let s = Scorer(weights: ScoringWeights(), candidates: [
            Self.baker("electricien", skills: ["électricité bâtiment"], isco: "7411"),
            Self.baker("installe-deja", skills: ["panneaux solaires", "électricité bâtiment"], isco: "7411"),
            Self.baker("sans-prerequis", skills: [], isco: "7411"),
        ], opportunities: [solar])
        // (1 lacking of 1 taught + 1 held of 1 required) / 2 × 25 = 25; trade 40; 10 + 10 + 15.
        #expect(s.score(0, 0) == 100)
        // Nothing to learn: trade 0, skills (0 + 1) / 2 × 25 = 12.
        #expect(s.score(1, 0) == 47)
        // Lacks the prerequisite: skills (1 + 0) / 2 × 25 = 12; trade 40.
        #expect(s.score(2, 0) == 87)
        #expect(s.card(2, 0).reasons(.fr, candidate: s.candidates[2], opportunity: s.opportunities[0])
            .contains("prérequis : 0 compétence(s) sur 1, manque : électricité bâtiment"))
    }

    @Test("une formation sans compétence enseignée (écrite avant le modèle de données 3) est notée comme un emploi")
    func trainingWithoutTeaches() {
        let old = Self.bakery(required: ["boulangerie"], teaches: [])
        let job = Self.bakery(kind: "job", required: ["boulangerie"], teaches: [])
        let candidates = [Self.baker("a", skills: ["boulangerie"]), Self.baker("b", skills: [])]
        let s1 = Scorer(weights: ScoringWeights(), candidates: candidates, opportunities: [old])
        let s2 = Scorer(weights: ScoringWeights(), candidates: candidates, opportunities: [job])
        #expect(s1.score(0, 0) == s2.score(0, 0) && s1.score(1, 0) == s2.score(1, 0))
        #expect(s1.score(0, 0) == 100)
    }

    @Test("un stage passe d’abord à qui n’a pas encore été placé")
    func internshipFirstJob() {
        let stage = Self.bakery(kind: "internship", required: ["boulangerie"], teaches: [])
        let s = Scorer(weights: ScoringWeights(), candidates: [
            Self.baker("premier", skills: ["boulangerie"]),
            Self.baker("deja-place", skills: ["boulangerie"], placedBefore: true),
        ], opportunities: [stage])
        #expect(s.score(0, 0) == 100)
        #expect(s.score(1, 0) == 80)
        #expect(s.card(1, 0).reasons(.fr, candidate: s.candidates[1], opportunity: s.opportunities[0])
            .contains("déjà placé auparavant (−20"))
        // A job does not look at it.
        let job = Scorer(weights: ScoringWeights(), candidates: s.candidates, opportunities: [Self.bakery(kind: "job", required: ["boulangerie"], teaches: [])])
        #expect(job.score(1, 0) == 100)
    }

    @Test("le sexe et l’origine ne changent jamais un score", arguments: [
        MatchGroup(origin: "returnee", sex: "M"), MatchGroup(origin: "host_youth", sex: "F"), MatchGroup(),
    ])
    func groupsNeverScore(group: MatchGroup) {
        let base = [Self.baker("a", skills: ["vente"]), Self.baker("b", skills: ["boulangerie"], isco: "7531")]
        let regrouped = base.map { var c = $0; c.group = group; return c }
        let opportunities = [Self.bakery(), Self.bakery(kind: "job", required: ["boulangerie"])]
        let s1 = Scorer(weights: ScoringWeights(), candidates: base, opportunities: opportunities)
        let s2 = Scorer(weights: ScoringWeights(), candidates: regrouped, opportunities: opportunities)
        for c in 0..<2 { for o in 0..<2 { #expect(s1.card(c, o) == s2.card(c, o)) } }
    }

    @Test("first_job se lit dans le fichier de poids, borné à 0–100")
    func firstJobWeight() throws {
        #expect(try ScoringWeights(json: Data(#"{"first_job":5}"#.utf8)).firstJob == 5)
        let error = #expect(throws: WeightsError.firstJobOutOfRange(300)) { try ScoringWeights(json: Data(#"{"first_job":300}"#.utf8)) }
        #expect(error?.message(.fr).contains("entre 0 et 100") == true)
    }
}
