import Foundation
import GRDB
import Jonction

/// A proposal as an office reads it.
public struct ProposalView: Sendable, Equatable {
    public var id: String
    public var candidateID: String
    public var candidateName: String?
    public var opportunityID: String
    public var opportunityTitle: String?
    public var employer: String?
    public var region: String?
    public var score: Int?
    public var reasons: String?
    public var round: Int?
    public var status: String?
}

extension ReplicaAccess {
    /// Live proposals, newest round first; `site` keeps those of the candidates this site
    /// registered (ids `<site>-…`, DESIGN §2).
    package func proposals(for site: SiteName? = nil) throws -> [ProposalView] {
        let table = try replica.schema.table(named: "proposal")
        func text(_ v: Value?) -> String? { if case .text(let s)? = v { return s } else { return nil } }
        func int(_ v: Value?) -> Int? { if case .integer(let n)? = v { return Int(n) } else { return nil } }
        /// A field of a live record, by name.
        func value(_ table: String, _ id: String, _ field: String) -> Value? {
            guard let record = try? get(table: table, id: id), let p = record.table.position(of: field) else { return nil }
            return record.state.values[p]
        }
        var views: [ProposalView] = []
        for (id, v) in try liveRecords(table: "proposal") {
            func f(_ name: String) -> Value? { table.position(of: name).map { v[$0] } }
            guard let candidate = text(f("candidate_id")), let opportunity = text(f("opportunity_id")) else { continue }
            if let site, !candidate.hasPrefix(site.rawValue + "-") { continue }
            var view = ProposalView(id: id, candidateID: candidate, opportunityID: opportunity, score: int(f("score")),
                                    reasons: text(f("reasons")), round: int(f("round")), status: text(f("status")))
            let names = [text(value("candidate", candidate, "given_names")), text(value("candidate", candidate, "family_name"))]
                .compactMap { $0 }
            view.candidateName = names.isEmpty ? nil : names.joined(separator: " ")
            view.opportunityTitle = text(value("opportunity", opportunity, "title"))
            view.region = text(value("opportunity", opportunity, "region"))
            if let employer = text(value("opportunity", opportunity, "employer_id")) {
                view.employer = text(value("employer", employer, "name"))
            }
            views.append(view)
        }
        return views.sorted { ($0.round ?? 0, $1.candidateID) > ($1.round ?? 0, $0.candidateID) }
    }

}

extension ReplicaTransaction {
    /// Records an office's answer to a proposal: `accepted` or `declined`. Only a pending
    /// (`proposed`) proposal can be answered.
    @discardableResult
    package func answer(proposal id: String, accept: Bool) throws -> Change {
        let record = try get(table: "proposal", id: id)
        let status: String? = {
            if case .text(let s) = record.state.values[record.table.position(of: "status")!] { return s } else { return nil }
        }()
        guard status == "proposed" else { throw StoreError.proposalNotPending(id: id, status: status ?? "?") }
        return try set(table: "proposal", id: id, fields: [("status", .text(accept ? "accepted" : "declined"))])[0]
    }
}
