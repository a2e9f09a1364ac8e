import GRDB
import Jonction

/// One transaction on a replica: what `Replica.read` and `Replica.write` hand to their closure.
///
/// The features of the other modules (the hub's register of offices, bundles, matching rounds)
/// are written as extensions of these types, so that a composite operation is one transaction and
/// `Replica` itself stays small (STYLE §14, GRDB's `read { db in }` / `write { db in }`).
package protocol ReplicaAccess {
    var replica: Replica { get }
    /// The SQLite connection, inside the transaction. Not to be kept past the closure. In a write
    /// transaction, getting it first writes the local changes gathered so far, so that every read
    /// sees them.
    var db: Database { get throws }
}

/// A read transaction: one consistent snapshot of the replica, beside the writer.
package struct ReplicaReader: ReplicaAccess {
    package let replica: Replica
    package let db: Database
}

extension Replica {
    /// Runs `body` in one read transaction (a snapshot). SQLite's failures come out as `StoreError`.
    package func read<T>(_ body: (ReplicaReader) throws -> T) throws -> T {
        try translatingErrors { try database.read { db in try body(ReplicaReader(replica: self, db: db)) } }
    }

    /// Runs `body` in one write transaction: everything it does is written together, or nothing if
    /// it throws. Local writes get their seqs and clock ticks here (see `ReplicaTransaction`).
    /// A replica opened `.readOnly` refuses.
    @discardableResult
    package func write<T>(_ body: (ReplicaTransaction) throws -> T) throws -> T {
        guard mode == .readWrite else { throw StoreError.readOnly(path: path) }
        var erased = false
        let result = try translatingErrors {
            try database.write { db in
                let transaction = ReplicaTransaction(replica: self, db: db)
                let result = try body(transaction)
                try transaction.commitLocalWrites()
                // Whatever the body changed in `candidate`, the search index says it too, or
                // queues it when the body wrote many candidates (`SearchIndex.indexedAtCommit`).
                try SearchIndex.refreshAtCommit(db)
                erased = transaction.erased
                return result
            }
        }
        if erased { try scrub() }
        return result
    }
}
