import GRDB
import Jonction

/// A write transaction on a replica (see `Replica.write`): local writes, merges of received
/// changes, and what the other modules write beside them, all committed together.
///
/// Local writes are gathered and written when the closure returns (or before a merge in the same
/// transaction), so each record touched is written once and the changes form one log segment.
package final class ReplicaTransaction: ReplicaAccess {
    package let replica: Replica
    let database: Database
    private var local: LocalWriter?

    init(replica: Replica, db: Database) {
        self.replica = replica
        self.database = db
    }

    package var db: Database {
        get throws {
            try commitLocalWrites()
            return database
        }
    }

    /// The person the local changes name as their author (`act(as:)`), if any.
    package var author: UserName? {
        didSet { local?.author = author }
    }

    func localWriter() throws -> LocalWriter {
        if let local { return local }
        let writer = try LocalWriter(replica: replica, db: database)
        writer.author = author
        local = writer
        return writer
    }

    /// Writes the local changes gathered so far (records, log segment, vector, clock).
    func commitLocalWrites() throws {
        if try local?.commit() == true { erased = true }
        local = nil
    }

    /// Whether this transaction erased records (the replica then scrubs its file, `Replica.scrub`).
    var erased = false

    /// The local changes recorded so far in this transaction and not yet committed.
    package var recorded: [Change] { local?.recorded ?? [] }

    /// Sets fields given as text (`field=value` on the command line), creating the record if new;
    /// each value is parsed and normalised by its field type first. Returns the changes recorded
    /// (none when every value was already there).
    @discardableResult
    package func put(table: String, id: String, fields: [(String, String)]) throws -> [Change] {
        try localWriter().put(table: table, id: id, fields: fields)
    }

    /// Sets fields to values already normalised (see `Field.parse`).
    @discardableResult
    package func set(table: String, id: String, fields: [(String, Value)]) throws -> [Change] {
        try localWriter().set(table: table, id: id, fields: fields)
    }

    /// Writes records of a data set (all of them, or those `include` keeps); returns the number of
    /// changes made.
    @discardableResult
    package func insert(_ dataset: Dataset, where include: (Dataset.Record) -> Bool = { _ in true }) throws -> Int {
        var count = 0
        for record in dataset.records where include(record) && !record.fields.isEmpty {
            count += try set(table: record.table, id: record.id, fields: record.fields).count
        }
        return count
    }

    /// Deletes a live record for good (a tombstone that wins over every change, earlier or later).
    @discardableResult
    package func delete(table: String, id: String) throws -> Change {
        try localWriter().delete(table: table, id: id)
    }
}
