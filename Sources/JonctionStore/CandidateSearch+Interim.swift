import Foundation
import GRDB
import Jonction

// INTERIM (replaced by the search index when its branch lands): the API of candidate search,
// answered by a scan. Not to be committed.

public struct CandidateSearch: Sendable {
    public var text: String
    public var region: String?
    public var status: String?
    public var sex: String?
    public var limit: Int = 20
    public var offset: Int = 0

    public init(text: String, region: String? = nil, status: String? = nil, sex: String? = nil, limit: Int = 20, offset: Int = 0) {
        self.text = text
        self.region = region
        self.status = status
        self.sex = sex
        self.limit = limit
        self.offset = offset
    }
}

public struct CandidateHit: Sendable, Equatable {
    public var id: String
    public var familyName: String?
    public var givenNames: String?
    public var region: String?
    public var status: String?
    public var sex: String?
    public var birthYear: Int64?
    public var phone: String?
    public var exact: Bool
}

public struct CandidateSearchResult: Sendable {
    public var hits: [CandidateHit]
    public var total: Int
}

extension ReplicaAccess {
    public func searchCandidates(_ query: CandidateSearch) throws -> CandidateSearchResult {
        let c = Schema.V1.candidate
        let words = Field.foldForMatching(query.text).split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        var hits: [CandidateHit] = []
        for (id, v) in try liveRecords(table: "candidate") {
            let hay = Field.foldForMatching([v[c.familyName.position].text, v[c.givenNames.position].text, v[c.phone.position].text.map { $0.filter(\.isNumber) }, id].compactMap { $0 }.joined(separator: " "))
            guard words.allSatisfy({ hay.contains($0) }) else { continue }
            if let r = query.region, v[c.region.position].text != r { continue }
            if let s = query.status, v[c.status.position].text != s { continue }
            if let s = query.sex, v[c.sex.position].text != s { continue }
            hits.append(CandidateHit(id: id, familyName: v[c.familyName.position].text, givenNames: v[c.givenNames.position].text,
                                     region: v[c.region.position].text, status: v[c.status.position].text, sex: v[c.sex.position].text,
                                     birthYear: v[c.birthYear.position].integer, phone: v[c.phone.position].text, exact: true))
        }
        hits.sort { ($0.familyName ?? "", $0.id) < ($1.familyName ?? "", $1.id) }
        return CandidateSearchResult(hits: Array(hits.dropFirst(query.offset).prefix(query.limit)), total: hits.count)
    }
}

extension Replica {
    public func searchCandidates(_ query: CandidateSearch) throws -> CandidateSearchResult {
        try read { try $0.searchCandidates(query) }
    }
}
