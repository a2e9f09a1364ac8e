import Foundation
import GRDB
import JonctionStore

/// The hub's history of matching rounds (table `match_round`, in the hub's replica only, never
/// synced). A round that proposes nothing still counts, so a pending proposal's age in rounds is
/// its age in nights.
extension ReplicaAccess {
    /// The last matching round this hub ran (0 when none).
    package func lastMatchRound() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT max(round) FROM match_round") ?? 0
    }
}

extension ReplicaTransaction {
    /// Adds a round to the history, in the same transaction as its proposals.
    package func recordMatchRound(_ round: Int, proposals: Int, placements: Int, totalScore: Int, at date: Date = Date()) throws {
        try db.execute(
            sql: "INSERT INTO match_round (round, run_at, proposals, placements, total_score) VALUES (?, ?, ?, ?, ?)",
            arguments: [round, Int64(date.timeIntervalSince1970 * 1000), proposals, placements, totalScore])
    }
}

/// One matching round of the hub's history.
public struct MatchRoundSummary: Sendable, Equatable {
    public var round: Int
    public var at: UInt64
    public var proposals: Int
    public var placements: Int
    public var totalScore: Int
}

extension ReplicaAccess {
    /// The last `limit` rounds, newest first.
    package func matchRounds(limit: Int = 10) throws -> [MatchRoundSummary] {
        try Row.fetchAll(db, sql: "SELECT round, run_at, proposals, placements, total_score FROM match_round ORDER BY round DESC LIMIT ?",
                         arguments: [max(1, min(limit, 1000))]).map {
            MatchRoundSummary(round: $0[0], at: UInt64($0[1] as Int64), proposals: $0[2], placements: $0[3], totalScore: $0[4])
        }
    }
}
