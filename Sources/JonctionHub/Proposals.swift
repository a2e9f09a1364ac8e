import Foundation
import GRDB
import Jonction
import JonctionStore

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

    public init(id: String, candidateID: String, candidateName: String? = nil, opportunityID: String,
                opportunityTitle: String? = nil, employer: String? = nil, region: String? = nil, score: Int? = nil,
                reasons: String? = nil, round: Int? = nil, status: String? = nil) {
        self.id = id
        self.candidateID = candidateID
        self.candidateName = candidateName
        self.opportunityID = opportunityID
        self.opportunityTitle = opportunityTitle
        self.employer = employer
        self.region = region
        self.score = score
        self.reasons = reasons
        self.round = round
        self.status = status
    }
}

/// Why an answer to a proposal is refused.
public enum ProposalError: Error, Sendable, Equatable, UserFacingError {
    /// Only a pending (`proposed`) proposal can be answered.
    case notPending(id: String, status: String)
    /// Only the candidate's office (or the hub) answers a proposal (protocol.md §2.5).
    case notYourCandidate(id: String, candidateID: String, site: SiteName)

    public func message(_ lang: Lang) -> String {
        switch self {
        case .notPending(let id, let status):
            let state: String
            switch ProposalStatus(rawValue: status) {
            case .accepted?: state = lang.pick("déjà acceptée", "already accepted")
            case .declined?: state = lang.pick("déjà refusée", "already declined")
            case .expired?: state = lang.pick("expirée", "expired")
            case .proposed?, nil: state = lang.pick("dans l’état « \(status) »", "in state “\(status)”")
            }
            return lang.pick("La proposition \(id) est \(state) : on ne peut répondre qu’à une proposition en attente.",
                             "Proposal \(id) is \(state): only a pending proposal can be answered.")
        case .notYourCandidate(let id, let candidate, let site):
            return lang.pick(
                "La proposition \(id) concerne \(candidate), qui n’est pas une personne du bureau \(site) : seul son bureau (ou le pôle) peut y répondre. Transmettez la réponse de la personne à son bureau.",
                "Proposal \(id) is for \(candidate), who is not a person of office \(site): only their office (or the hub) may answer it. Pass the person’s answer on to their office.")
        }
    }
}

extension ReplicaAccess {
    /// Live proposals, newest round first (then by candidate id); `site` keeps those of the
    /// candidates this site registered (ids `<site>-…`, DESIGN §2). Names, title, region and employer
    /// come from the live candidate, opportunity and employer records, when there are. One query.
    package func proposals(for site: SiteName? = nil) throws -> [ProposalView] {
        let prefix: DatabaseValue = site.map { ($0.rawValue + "-").databaseValue } ?? .null
        let rows = try Row.fetchCursor(db, sql: """
            SELECT p.id, p.candidate_id, p.opportunity_id, p.score, p.reasons, p.round, p.status,
                   c.given_names, c.family_name, o.title, o.region, e.name
            FROM proposal p
            LEFT JOIN candidate c ON c.id = p.candidate_id AND c._tombstone IS NULL
            LEFT JOIN opportunity o ON o.id = p.opportunity_id AND o._tombstone IS NULL
            LEFT JOIN employer e ON e.id = o.employer_id AND e._tombstone IS NULL
            WHERE p._tombstone IS NULL AND p.candidate_id IS NOT NULL AND p.opportunity_id IS NOT NULL
              AND (:prefix IS NULL OR substr(p.candidate_id, 1, length(:prefix)) = :prefix)
            ORDER BY coalesce(p.round, 0) DESC, p.candidate_id, p.id
            """, arguments: ["prefix": prefix])
        var views: [ProposalView] = []
        while let row = try rows.next() {
            func value(_ column: Int) -> Value { Value(databaseValue: row[column]) }
            guard let candidate = value(1).text, let opportunity = value(2).text else { continue }
            let names = [value(7).text, value(8).text].compactMap { $0 }
            views.append(ProposalView(
                id: row[0], candidateID: candidate, candidateName: names.isEmpty ? nil : names.joined(separator: " "),
                opportunityID: opportunity, opportunityTitle: value(9).text, employer: value(11).text,
                region: value(10).text, score: value(3).int, reasons: value(4).text, round: value(5).int,
                status: value(6).text))
        }
        return views
    }
}

extension ReplicaTransaction {
    /// Records an office's answer to a proposal: `accepted` or `declined`. Only a pending
    /// (`proposed`) proposal can be answered.
    @discardableResult
    package func answer(proposal id: String, accept: Bool, reason: String? = nil) throws -> Change {
        let proposal = Schema.V1.proposal
        let record = try get(table: proposal.table, id: id)
        let candidate = record.state.values[proposal.candidateID.position].text ?? "?"
        guard replica.site == .hub || ProposalRule.isCandidate(candidate, of: replica.site) else {
            throw ProposalError.notYourCandidate(id: id, candidateID: candidate, site: replica.site)
        }
        guard record.state[proposal.status] == .proposed else {
            throw ProposalError.notPending(id: id, status: record.state[proposal.status.field].text ?? "?")
        }
        let answer: ProposalStatus = accept ? .accepted : .declined
        var fields: [(String, Value)] = [(proposal.status.name, answer.value)]
        if let reason = reason.map({ NormalText.singleSpaced(NormalText.normalise($0)) }), !reason.isEmpty {
            // The office's words follow the hub's reasons, within the field's length.
            let said = (accept ? "Acceptée" : "Refusée") + " par le bureau : " + String(reason.prefix(300))
            let before = record.state[proposal.reasons].text.map { String($0.prefix(1_600)) + "\n" } ?? ""
            let field = try replica.schema.table(named: proposal.table).field(named: proposal.reasons.name)
            fields.append((proposal.reasons.name, try field.parse(before + said, table: proposal.table)))
        }
        return try set(table: proposal.table, id: id, fields: fields)[0]
    }
}
