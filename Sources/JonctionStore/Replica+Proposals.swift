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

extension Replica {
    /// Live proposals, newest round first (then by candidate id); `site` keeps those of the
    /// candidates this site registered (ids `<site>-…`, DESIGN §2). Names, title, region and employer
    /// come from the live candidate, opportunity and employer records, when there are.
    ///
    /// One query, in one read transaction.
    public func proposals(for site: SiteName? = nil) throws -> [ProposalView] {
        let prefix: DatabaseValue = site.map { ($0.rawValue + "-").databaseValue } ?? .null
        return try translatingErrors {
            try pool.read { db in
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
    }

    /// Records an office's answer to a proposal: `accepted` or `declined`. Only a pending
    /// (`proposed`) proposal can be answered.
    @discardableResult
    public func answer(proposal id: String, accept: Bool) throws -> Change {
        let proposal = Schema.V1.proposal
        let record = try get(table: proposal.table, id: id)
        guard record.state[proposal.status] == .proposed else {
            throw StoreError.proposalNotPending(id: id, status: record.state[proposal.status.field].text ?? "?")
        }
        let answer: ProposalStatus = accept ? .accepted : .declined
        return try write { try $0.set(table: proposal.table, id: id, fields: [(proposal.status.name, answer.value)]) }[0]
    }
}

extension Replica {
    /// The last matching round this hub ran (0 when none), from its round history.
    public func lastMatchRound() throws -> Int {
        try translatingErrors { try pool.read { db in try Int.fetchOne(db, sql: "SELECT max(round) FROM match_round") ?? 0 } }
    }
}

extension LocalWriter {
    /// Adds a round to the hub's round history, in the same transaction as its proposals.
    public func recordMatchRound(_ round: Int, proposals: Int, placements: Int, totalScore: Int, at date: Date = Date()) throws {
        try db.execute(
            sql: "INSERT INTO match_round (round, run_at, proposals, placements, total_score) VALUES (?, ?, ?, ?, ?)",
            arguments: [round, Int64(date.timeIntervalSince1970 * 1000), proposals, placements, totalScore])
    }
}
