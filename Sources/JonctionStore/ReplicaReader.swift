import GRDB
import Jonction

/// Reads over one consistent snapshot of the replica, inside `Replica.read { reader in … }`: a
/// composite read (a matching round's four tables and its round history) sees one state, even
/// while a bundle is being applied. Valid only inside the closure.
public struct ReplicaReader {
    let db: Database
    let replica: Replica

    /// Every live record of a table, values in schema order.
    public func liveRecords(table name: String) throws -> [(id: String, values: [Value])] {
        let table = try replica.schema.table(named: name)
        guard let m = replica.tables[table.name] else {
            throw SchemaError.unknownTable(name, known: replica.schema.tables.map(\.name))
        }
        var records: [(id: String, values: [Value])] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT id, \(m.columnList) FROM \(table.name) WHERE _tombstone IS NULL")
        while let row = try rows.next() {
            var values = [Value](repeating: .null, count: table.fields.count)
            for i in 0..<table.fields.count { values[i] = Value(databaseValue: row[1 + i]) }
            records.append((row[0], values))
        }
        return records
    }

    /// The last matching round this hub ran (0 when none), from its round history.
    public func lastMatchRound() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT max(round) FROM match_round") ?? 0
    }
}

extension Replica {
    /// Runs `body` in one read transaction (GRDB's `DatabaseReader.read`): every read it makes
    /// through the reader sees the same state.
    public func read<T>(_ body: (ReplicaReader) throws -> T) throws -> T {
        try translatingErrors { try pool.read { db in try body(ReplicaReader(db: db, replica: self)) } }
    }
}
