import GRDB
import Jonction

/// The SQL of one materialized table: a row per record, each field's value beside its winning
/// stamp, and the tombstone (see `Migrations`).
struct MaterializedTable: Sendable {
    let table: TableSchema
    let selectSQL: String
    let upsertSQL: String

    init(_ table: TableSchema) {
        self.table = table
        let columns = ["id"] + table.fields.flatMap { [$0.name, $0.name + "__stamp"] } + ["_tombstone"]
        let list = columns.joined(separator: ", ")
        selectSQL = "SELECT \(list) FROM \(table.name) WHERE id = ?"
        upsertSQL = "INSERT OR REPLACE INTO \(table.name) (\(list)) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
    }

    /// The columns after `id`, in select order, for reading many rows.
    var columnList: String {
        (table.fields.flatMap { [$0.name, $0.name + "__stamp"] } + ["_tombstone"]).joined(separator: ", ")
    }

    /// Reads a record's state, or nil when no change ever touched it.
    func load(_ id: String, in db: Database) throws -> RecordState? {
        try fastLoad(id, statement: db.cachedStatement(sql: selectSQL), db: db)
    }

    /// A record's state from a row whose field columns start at `offset`.
    func state(from row: Row, offset: Int) -> RecordState {
        let n = table.fields.count
        var values = [Value](repeating: .null, count: n)
        var stamps = [Stamp?](repeating: nil, count: n)
        for i in 0..<n {
            values[i] = Value(databaseValue: row[offset + 2 * i])
            stamps[i] = Stamp(databaseValue: row[offset + 2 * i + 1])
        }
        return RecordState(values: values, stamps: stamps, tombstone: Stamp(databaseValue: row[offset + 2 * n]))
    }

    func save(_ id: String, _ state: RecordState, in db: Database) throws {
        try fastSave(id, state, statement: db.cachedStatement(sql: upsertSQL), db: db)
    }
}
