import GRDB
import Jonction

/// A new machine for an existing office (README, “Un nouveau poste pour un bureau”): the replica
/// made by `init --restore` refuses local writes (`LocalWriter`) until it holds its own origin's
/// changes back, or the clerk says the office is new. Its seqs would otherwise start again at 1,
/// under numbers the hub already holds for other changes.
extension ReplicaAccess {
    /// Whether the replica still waits for its own changes from the hub.
    package func isRestoring() throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT restoring FROM replica") ?? false
    }
}

extension ReplicaTransaction {
    /// The clerk's word that the hub never received anything from this site: local writes may
    /// start from seq 1. Returns whether the replica was waiting.
    @discardableResult
    package func confirmNewOffice() throws -> Bool {
        let db = try db
        try db.execute(sql: "UPDATE replica SET restoring = 0 WHERE restoring = 1")
        return db.changesCount > 0
    }
}

extension Replica {
    /// Ends the wait when the hub, sending a bundle, held no change of this site that the replica
    /// lacks now (`hubHolds`: the hub's vector entry for this site, in the bundle's header). Only
    /// the hub's word counts: another office may hold fewer of our changes than the hub does.
    func endRestoring(hubHolds: UInt64, db: Database) throws {
        try db.execute(sql: """
            UPDATE replica SET restoring = 0
            WHERE restoring = 1 AND ? <= coalesce((SELECT seq FROM version_vector WHERE origin = ?), 0)
            """, arguments: [Int64(clamping: hubHolds), site.rawValue])
    }
}
