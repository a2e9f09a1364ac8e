import Jonction

/// A search among the live candidates of a replica (issue 14): the one search of `jonction search`
/// and of the office's web application (`ReplicaAccess.searchCandidates`).
///
/// `text` is read by `SearchQuery`: every word must begin a word of the person's names (accents and
/// case aside, or through a spelling variant of Malian names: « keita diara » finds Awa Diarra
/// Keïta), or be four digits or more of their phone number, or begin their id. An empty text lists
/// everyone. The filters take a field's value as `put` does (`segou`, `f`, `registered`).
///
/// Bounded whatever a caller sends: the first 200 characters and 8 words of `text`
/// (`SearchQuery.maxCharacters`, `maxTerms`), `limit` within 0…200, `offset` at least 0.
public struct CandidateSearch: Sendable {
    public static let maxLimit = 200

    public var text: String
    public var region: String?
    public var status: String?
    public var sex: String?
    public var limit: Int = 20
    public var offset: Int = 0

    public init(text: String = "", region: String? = nil, status: String? = nil, sex: String? = nil,
                limit: Int = 20, offset: Int = 0) {
        self.text = text
        self.region = region
        self.status = status
        self.sex = sex
        self.limit = limit
        self.offset = offset
    }
}

/// A person found: what a list of results shows.
public struct CandidateHit: Sendable, Equatable {
    public var id: String
    public var familyName: String?
    public var givenNames: String?
    public var region: String?
    public var status: String?
    public var sex: String?
    public var birthYear: Int64?
    public var phone: String?
    /// Every word matched as written (accents and case aside), the phone or the id; false when a
    /// spelling variant was needed (« Diara » for Diarra). Exact hits come first.
    public var exact: Bool

    public init(id: String, familyName: String? = nil, givenNames: String? = nil, region: String? = nil,
                status: String? = nil, sex: String? = nil, birthYear: Int64? = nil, phone: String? = nil, exact: Bool) {
        self.id = id
        self.familyName = familyName
        self.givenNames = givenNames
        self.region = region
        self.status = status
        self.sex = sex
        self.birthYear = birthYear
        self.phone = phone
        self.exact = exact
    }
}

/// One page of results, and how many people match in all.
public struct CandidateSearchResult: Sendable {
    /// Whole-word matches first, then matches on the beginning of words, then spelling variants;
    /// each by family name, given names (folded) and id.
    public var hits: [CandidateHit]
    public var total: Int

    public init(hits: [CandidateHit], total: Int) {
        self.hits = hits
        self.total = total
    }
}
