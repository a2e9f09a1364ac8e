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

/// One run of the nightly merge, as the hub notes it (table `merge_run`, hub only, never synced).
public struct MergeRunSummary: Sendable, Equatable {
    public var at: UInt64
    public var milliseconds: UInt64
    public var taken: Int
    public var refused: Int
    public var changes: Int
    public var conflicts: Int
    public var succeeded: Bool
}

extension ReplicaAccess {
    /// The last nightly merge run, if any.
    package func lastMergeRun() throws -> MergeRunSummary? {
        try Row.fetchOne(db, sql: "SELECT at, ms, taken, refused, changes, conflicts, succeeded FROM merge_run ORDER BY id DESC LIMIT 1").map {
            MergeRunSummary(at: UInt64($0[0] as Int64), milliseconds: UInt64($0[1] as Int64), taken: $0[2], refused: $0[3],
                            changes: $0[4], conflicts: $0[5], succeeded: $0[6])
        }
    }
}

extension ReplicaTransaction {
    /// Notes a nightly merge run; keeps the last 1,000.
    package func recordMergeRun(_ run: MergeRunSummary) throws {
        try db.execute(sql: "INSERT INTO merge_run (at, ms, taken, refused, changes, conflicts, succeeded) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       arguments: [Int64(run.at), Int64(run.milliseconds), run.taken, run.refused, run.changes, run.conflicts, run.succeeded])
        try db.execute(sql: "DELETE FROM merge_run WHERE id <= (SELECT MAX(id) FROM merge_run) - 1000")
    }
}
