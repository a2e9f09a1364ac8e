/// How much each criterion weighs in the 1–100 score (DESIGN §6). The defaults add up to 100; a
/// configuration may change them (`jonction match --weights FILE`, a JSON object of these keys).
public struct ScoringWeights: Sendable, Equatable, Codable {
    /// Occupation on the ISCO-08 hierarchy: full weight for the same unit group (4 digits), then
    /// 3/4, 1/2 and 1/4 of it for the same minor (3), sub-major (2) and major group (1 digit).
    public var occupation = 40
    /// The share of the opportunity's required skills the candidate has (full weight when none is required).
    public var skills = 25
    /// The share of the opportunity's languages the candidate speaks (full weight when none is listed).
    public var languages = 10
    /// Education at or above the minimum (full weight when there is no minimum).
    public var education = 10
    /// The same region; a move (the candidate accepts to relocate) gets a third of it.
    public var location = 15

    /// Pairs scoring below this are not proposed: a place left free is better than a tailor sent to a
    /// dairy with none of the skills asked.
    public var minimumScore = 40

    public init() {}

    public var total: Int { occupation + skills + languages + education + location }

    enum CodingKeys: String, CodingKey {
        case occupation, skills, languages, education, location
        case minimumScore = "minimum_score"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ScoringWeights()
        occupation = try c.decodeIfPresent(Int.self, forKey: .occupation) ?? d.occupation
        skills = try c.decodeIfPresent(Int.self, forKey: .skills) ?? d.skills
        languages = try c.decodeIfPresent(Int.self, forKey: .languages) ?? d.languages
        education = try c.decodeIfPresent(Int.self, forKey: .education) ?? d.education
        location = try c.decodeIfPresent(Int.self, forKey: .location) ?? d.location
        minimumScore = try c.decodeIfPresent(Int.self, forKey: .minimumScore) ?? d.minimumScore
    }
}
