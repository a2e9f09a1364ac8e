import Jonction

/// The score of a candidate for an opportunity, criterion by criterion, with the facts behind it:
/// what a counsellor reads to explain a proposal.
public struct ScoreCard: Sendable, Equatable {
    public var occupation: Int
    public var skills: Int
    public var languages: Int
    public var education: Int
    public var location: Int
    /// How close the occupations are: 4 = same unit group … 1 = same major group, 0 = unrelated.
    public var occupationLevel: Int
    public var skillsMatched: [String]
    public var skillsMissing: [String]
    public var languagesShared: [String]
    public var sameRegion: Bool
    /// How the opportunity was scored (protocol.md §2.5).
    public var kind: OpportunityKindScoring
    /// A training's taught skills the candidate lacks (what it would learn), and those it has.
    public var skillsToLearn: [String]
    public var skillsAlreadyTaught: [String]
    /// An internship for a candidate placed before, and the points that takes off.
    public var placedBefore: Bool
    public var firstJob: Int

    public init(occupation: Int, skills: Int, languages: Int, education: Int, location: Int, occupationLevel: Int,
                skillsMatched: [String], skillsMissing: [String], languagesShared: [String], sameRegion: Bool,
                kind: OpportunityKindScoring = .job, skillsToLearn: [String] = [], skillsAlreadyTaught: [String] = [],
                placedBefore: Bool = false, firstJob: Int = 0) {
        self.occupation = occupation
        self.skills = skills
        self.languages = languages
        self.education = education
        self.location = location
        self.occupationLevel = occupationLevel
        self.skillsMatched = skillsMatched
        self.skillsMissing = skillsMissing
        self.languagesShared = languagesShared
        self.sameRegion = sameRegion
        self.kind = kind
        self.skillsToLearn = skillsToLearn
        self.skillsAlreadyTaught = skillsAlreadyTaught
        self.placedBefore = placedBefore
        self.firstJob = firstJob
    }

    /// The total, between 1 and 100.
    public var score: Int { max(1, min(100, occupation + skills + languages + education + location - firstJob)) }

    /// The explanation in French (or English), one clause per criterion.
    public func reasons(_ lang: Lang, candidate: MatchCandidate, opportunity: MatchOpportunity) -> String {
        var parts: [String] = []
        let isco = opportunity.isco ?? "?"
        switch occupationLevel {
        case 4: parts.append(lang.pick("même métier (CITP \(isco))", "same occupation (ISCO \(isco))"))
        case 3: parts.append(lang.pick("métier voisin (CITP \(candidate.isco ?? "?") / \(isco))", "neighbouring occupation (ISCO \(candidate.isco ?? "?") / \(isco))"))
        case 2, 1: parts.append(lang.pick("même famille de métiers (CITP \(candidate.isco ?? "?") / \(isco))", "same occupation family (ISCO \(candidate.isco ?? "?") / \(isco))"))
        default: parts.append(lang.pick("autre métier (CITP \(candidate.isco ?? "?") / \(isco))", "other occupation (ISCO \(candidate.isco ?? "?") / \(isco))"))
        }
        if kind == .training {
            if !skillsToLearn.isEmpty {
                parts.append(skillsToLearn.count == 1
                    ? lang.pick("n’a pas encore la compétence enseignée : \(skillsToLearn[0])", "does not have the skill taught yet: \(skillsToLearn[0])")
                    : lang.pick("n’a pas encore les compétences enseignées : \(skillsToLearn.joined(separator: ", "))",
                                "does not have the skills taught yet: \(skillsToLearn.joined(separator: ", "))"))
            }
            if !skillsAlreadyTaught.isEmpty {
                parts.append(lang.pick("a déjà ce que la formation enseigne : \(skillsAlreadyTaught.joined(separator: ", "))",
                                       "already has what the training teaches: \(skillsAlreadyTaught.joined(separator: ", "))"))
            }
        }
        if kind == .internship {
            parts.append(placedBefore
                ? lang.pick("déjà placé auparavant (−\(firstJob) : un stage sert d’abord un premier emploi)",
                            "placed before (−\(firstJob): an internship is first for a first job)")
                : lang.pick("pas encore de placement (un stage sert d’abord un premier emploi)",
                            "no placement yet (an internship is first for a first job)"))
        }
        if !opportunity.skillsRequired.isEmpty && kind == .training {
            var s = lang.pick("prérequis : \(skillsMatched.count) compétence(s) sur \(opportunity.skillsRequired.count)",
                              "prerequisites: \(skillsMatched.count) of \(opportunity.skillsRequired.count) skill(s)")
            if !skillsMatched.isEmpty { s += " (" + skillsMatched.joined(separator: ", ") + ")" }
            if !skillsMissing.isEmpty { s += lang.pick(", manque : ", ", lacks: ") + skillsMissing.joined(separator: ", ") }
            parts.append(s)
        } else if !opportunity.skillsRequired.isEmpty {
            var s = lang.pick("\(skillsMatched.count) compétence(s) requise(s) sur \(opportunity.skillsRequired.count)",
                              "\(skillsMatched.count) of \(opportunity.skillsRequired.count) required skill(s)")
            if !skillsMatched.isEmpty { s += " (" + skillsMatched.joined(separator: ", ") + ")" }
            if !skillsMissing.isEmpty { s += lang.pick(", manque : ", ", lacks: ") + skillsMissing.joined(separator: ", ") }
            parts.append(s)
        }
        if !opportunity.languages.isEmpty {
            parts.append(languagesShared.isEmpty ? lang.pick("aucune des langues demandées", "none of the languages asked")
                : lang.pick("parle \(languagesShared.joined(separator: ", "))", "speaks \(languagesShared.joined(separator: ", "))"))
        }
        if let min = opportunity.minEducation, let level = candidate.education {
            parts.append(lang.pick("niveau \(Schema.educationLevels[level]) (minimum \(Schema.educationLevels[min]))",
                                   "education \(Schema.educationLevels[level]) (minimum \(Schema.educationLevels[min]))"))
        }
        if sameRegion {
            parts.append(lang.pick("même région (\(opportunity.region ?? "?"))", "same region (\(opportunity.region ?? "?"))"))
        } else {
            parts.append(lang.pick("accepte de déménager (\(candidate.region ?? "?") → \(opportunity.region ?? "?"))",
                                   "willing to relocate (\(candidate.region ?? "?") → \(opportunity.region ?? "?"))"))
        }
        return lang.pick("Score \(score)/100 : ", "Score \(score)/100: ") + parts.joined(separator: " ; ") + "."
    }
}
