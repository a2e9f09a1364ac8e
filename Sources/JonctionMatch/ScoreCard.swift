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

    /// The total, between 1 and 100.
    public var score: Int { max(1, min(100, occupation + skills + languages + education + location)) }

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
        if !opportunity.skillsRequired.isEmpty {
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
