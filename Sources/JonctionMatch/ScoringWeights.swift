import Foundation
import Jonction

/// How much each criterion weighs in the 1–100 score (DESIGN §6). The defaults add up to 100; a
/// configuration may change them (`jonction match --weights FILE`, a JSON object of these keys).
public struct ScoringWeights: Sendable, Equatable {
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

    /// Points an internship takes from a candidate who already held a placement in a job or an
    /// internship: an internship is first for a first job (protocol.md §2.5). Not one of the five
    /// weights: it only ever lowers a score (which stays at least 1).
    public var firstJob = 20

    public init() {}

    public var total: Int { occupation + skills + languages + education + location }

    /// The keys of the JSON configuration, in the order the README lists them.
    public static let keys = ["occupation", "skills", "languages", "education", "location", "minimum_score", "first_job"]

    /// Reads a JSON configuration: an object of some of ``keys`` with integer values; the others keep
    /// their defaults. The five weights must be non-negative and add up to 100, and the minimum score
    /// lie in 0–100, so that a score stays a score out of 100.
    public init(json data: Data) throws(WeightsError) {
        guard let object = try? JSONSerialization.jsonObject(with: data), let root = object as? [String: Any] else {
            throw .notAnObject
        }
        if let unknown = root.keys.sorted().first(where: { !Self.keys.contains($0) }) { throw .unknownKey(unknown) }
        guard let values = try? JSONDecoder().decode([String: Int].self, from: data) else {
            // Name the first key whose value is not an integer.
            let key = root.keys.sorted().first { key in
                guard let fragment = try? JSONSerialization.data(withJSONObject: root[key]!, options: .fragmentsAllowed) else { return true }
                return (try? JSONDecoder().decode(Int.self, from: fragment)) == nil
            }
            throw .notAnInteger(key ?? "?")
        }
        self.init()
        occupation = values["occupation"] ?? occupation
        skills = values["skills"] ?? skills
        languages = values["languages"] ?? languages
        education = values["education"] ?? education
        location = values["location"] ?? location
        minimumScore = values["minimum_score"] ?? minimumScore
        firstJob = values["first_job"] ?? firstJob
        try validate()
    }

    public func validate() throws(WeightsError) {
        for (key, value) in zip(Self.keys, [occupation, skills, languages, education, location]) where value < 0 {
            throw .negative(key)
        }
        guard total == 100 else { throw .totalNot100(total) }
        guard (0...100).contains(minimumScore) else { throw .minimumScoreOutOfRange(minimumScore) }
        guard (0...100).contains(firstJob) else { throw .firstJobOutOfRange(firstJob) }
    }
}

/// A weights file that cannot be used (`jonction match --weights`).
public enum WeightsError: Error, UserFacingError, Equatable {
    case notAnObject
    case unknownKey(String)
    case notAnInteger(String)
    case negative(String)
    case totalNot100(Int)
    case minimumScoreOutOfRange(Int)
    case firstJobOutOfRange(Int)

    public func message(_ lang: Lang) -> String {
        let expected = #"{"occupation":40,"skills":25,"languages":10,"education":10,"location":15,"minimum_score":40,"first_job":20}"#
        switch self {
        case .notAnObject:
            return lang.pick("Le fichier de poids n’est pas un objet JSON : attendu par exemple \(expected).",
                             "The weights file is not a JSON object: expected for example \(expected).")
        case .unknownKey(let key):
            return lang.pick("Clé inconnue « \(key) » dans le fichier de poids : les clés sont \(ScoringWeights.keys.joined(separator: ", ")).",
                             "Unknown key “\(key)” in the weights file: the keys are \(ScoringWeights.keys.joined(separator: ", ")).")
        case .notAnInteger(let key):
            return lang.pick("« \(key) » doit être un nombre entier dans le fichier de poids.",
                             "“\(key)” must be an integer in the weights file.")
        case .negative(let key):
            return lang.pick("Le poids « \(key) » est négatif : les poids vont de 0 à 100.",
                             "Weight “\(key)” is negative: weights range from 0 to 100.")
        case .totalNot100(let total):
            return lang.pick("Les cinq poids font \(total) au total ; ils doivent faire 100 (le score est sur 100).",
                             "The five weights add up to \(total); they must add up to 100 (the score is out of 100).")
        case .minimumScoreOutOfRange(let n):
            return lang.pick("minimum_score vaut \(n) ; il doit être entre 0 et 100.",
                             "minimum_score is \(n); it must be between 0 and 100.")
        case .firstJobOutOfRange(let n):
            return lang.pick("first_job vaut \(n) ; il doit être entre 0 et 100 (points retirés, pour un stage, à qui a déjà été placé).",
                             "first_job is \(n); it must be between 0 and 100 (points an internship takes from someone placed before).")
        }
    }
}
