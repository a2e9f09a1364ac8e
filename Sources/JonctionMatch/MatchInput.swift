import Jonction

/// A candidate as the matching sees it: only what filters and scores need, and the groups the
/// round's quotas count (`group`). Sex and origin status sit in `group` only, which the scorer never
/// reads: they never score (DESIGN §6); ethnicity and age are absent.
public struct MatchCandidate: Sendable, Equatable {
    public var id: String
    public var region: String?
    public var relocate: Bool
    /// Index in `Schema.educationLevels`, nil if unknown.
    public var education: Int?
    public var consentToEmployers: Bool
    /// `registered` or `trained`, and not already placed.
    public var available: Bool
    public var availableFrom: String?
    public var isco: String?
    public var skills: [String]
    public var languages: [String]
    /// Whether the candidate already held a placement in a job or an internship: an internship is
    /// for a first job (protocol.md §2.5).
    public var placedBefore: Bool
    /// What quotas and priorities count (`MatchQuotas`); never read by the scorer.
    public var group: MatchGroup

    public init(id: String, region: String?, relocate: Bool, education: Int?, consentToEmployers: Bool, available: Bool,
                availableFrom: String?, isco: String?, skills: [String], languages: [String], placedBefore: Bool = false,
                group: MatchGroup = MatchGroup()) {
        self.id = id
        self.region = region
        self.relocate = relocate
        self.education = education
        self.consentToEmployers = consentToEmployers
        self.available = available
        self.availableFrom = availableFrom
        self.isco = isco
        self.skills = skills
        self.languages = languages
        self.placedBefore = placedBefore
        self.group = group
    }
}

/// The groups a candidate belongs to for quotas and priorities: origin status and sex, as the
/// candidate record holds them (nil when unknown).
public struct MatchGroup: Sendable, Equatable, Hashable {
    public var origin: String?
    public var sex: String?

    public init(origin: String? = nil, sex: String? = nil) {
        self.origin = origin
        self.sex = sex
    }
}

/// The kinds of opportunity, each scored its own way (protocol.md §2.5).
public enum OpportunityKindScoring: Sendable, Equatable {
    /// A job (and an opportunity of unknown kind): the required skills the candidate has count.
    case job
    /// A training: the taught skills the candidate lacks count; prerequisites as for a job.
    case training
    /// An internship: as a job, and a candidate with no placement yet comes first.
    case internship

    init(_ kind: String?) {
        switch kind {
        case "training": self = .training
        case "internship": self = .internship
        default: self = .job
        }
    }
}

/// An opportunity as the matching sees it.
public struct MatchOpportunity: Sendable, Equatable {
    public var id: String
    public var kind: String?
    public var title: String?
    public var region: String?
    public var isco: String?
    /// What the candidate must have: a job's skills, or a training's prerequisites.
    public var skillsRequired: [String]
    /// What a training teaches (data model version 3); empty for other kinds.
    public var teaches: [String]
    public var languages: [String]
    public var minEducation: Int?
    public var open: Bool
    /// Places minus the places taken by placements.
    public var placesLeft: Int
    public var startsOn: String?

    public init(id: String, kind: String?, title: String?, region: String?, isco: String?, skillsRequired: [String],
                languages: [String], minEducation: Int?, open: Bool, placesLeft: Int, startsOn: String?,
                teaches: [String] = []) {
        self.id = id
        self.kind = kind
        self.title = title
        self.region = region
        self.isco = isco
        self.skillsRequired = skillsRequired
        self.languages = languages
        self.minEducation = minEducation
        self.open = open
        self.placesLeft = placesLeft
        self.startsOn = startsOn
        self.teaches = teaches
    }

    /// How this opportunity scores: a training without taught skills (written before data model
    /// version 3) is scored as a job, as it always was.
    public var scoring: OpportunityKindScoring {
        let kind = OpportunityKindScoring(kind)
        return kind == .training && teaches.isEmpty ? .job : kind
    }
}

/// Why a candidate cannot be proposed an opportunity (the hard filters of DESIGN §6).
public enum Exclusion: String, Sendable, CaseIterable, Comparable {
    case noConsent = "consent"
    case notAvailable = "status"
    case noOpenOpportunity = "no_open_opportunity"
    case region = "region"
    case education = "education"
    case availableTooLate = "available_from"
    case declinedBefore = "declined"
    case lowScore = "low_score"

    public static func < (a: Exclusion, b: Exclusion) -> Bool { a.rank < b.rank }

    /// The order of the cases above (compared for every pair a filter refuses: no search).
    private var rank: Int {
        switch self {
        case .noConsent: return 0
        case .notAvailable: return 1
        case .noOpenOpportunity: return 2
        case .region: return 3
        case .education: return 4
        case .availableTooLate: return 5
        case .declinedBefore: return 6
        case .lowScore: return 7
        }
    }

    public func message(_ lang: Lang) -> String {
        switch self {
        case .noConsent: return lang.pick("pas de consentement à être proposé aux employeurs", "no consent to be proposed to employers")
        case .notAvailable: return lang.pick("déjà placé ou retiré du programme", "already placed or withdrawn")
        case .noOpenOpportunity: return lang.pick("aucune opportunité ouverte avec des places", "no open opportunity with places left")
        case .region: return lang.pick("pas d’opportunité dans sa région, et ne souhaite pas déménager (ou pas dans son métier ailleurs)",
                                       "no opportunity in their region, and unwilling to relocate (or none in their trade elsewhere)")
        case .education: return lang.pick("niveau d’études inférieur au minimum demandé", "education below the minimum required")
        case .availableTooLate: return lang.pick("disponible seulement après le début", "available only after the start")
        case .declinedBefore: return lang.pick("a déjà refusé ces propositions", "declined these proposals before")
        case .lowScore: return lang.pick("aucune opportunité assez proche de son profil (score sous le minimum)",
                                         "no opportunity close enough to their profile (score below the minimum)")
        }
    }
}
