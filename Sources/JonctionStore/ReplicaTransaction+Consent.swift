import Foundation
import GRDB
import Jonction

// Consent (protocol.md §3.6): a site that writes an identifying value of a candidate whose consent is
// `none` logs the change with its value withheld (`Value.erased`) and keeps the value here, in
// `private_value`, with the change's stamp; its materialized row shows the value. Every other site
// holds the field as null. Raising the consent writes the values again, visibly; lowering it
// withholds them and withdraws the older ones everywhere.

/// A value this site withheld, and the stamp of the change that withheld it.
struct PrivateValue: Sendable, Equatable {
    var value: Value
    var stamp: Stamp
}

extension Replica {
    /// The values this site withheld, by record then field.
    func privateValues(_ db: Database) throws -> [RecordKey: [String: PrivateValue]] {
        var result: [RecordKey: [String: PrivateValue]] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT table_name, record_id, field, value, hlc FROM private_value")
        while let row = try rows.next() {
            result[RecordKey(table: row[0], id: row[1]), default: [:]][row[2]] = PrivateValue(
                value: Value(databaseValue: row[3]), stamp: Stamp(hlc: HLC(rawValue: UInt64(bitPattern: row[4])), site: site))
        }
        return result
    }

    /// After a merge changed a record holding withheld values: a value that lost its field to a
    /// newer change is no longer kept; one that still wins stays in the row.
    func keepPrivateValues(_ held: [String: PrivateValue], of key: RecordKey, in state: inout RecordState, table: TableSchema,
                           db: Database) throws {
        for (field, kept) in held {
            guard let p = table.position(of: field) else { continue }
            if state.stamps[p] == kept.stamp {
                state.values[p] = kept.value
            } else {
                try db.execute(sql: "DELETE FROM private_value WHERE table_name = ? AND record_id = ? AND field = ?",
                               arguments: [key.table, key.id, field])
            }
        }
    }

    /// Records, or forgets, values withheld by local changes.
    func storePrivateValues(_ updates: [(key: RecordKey, field: String, value: Value?, hlc: HLC)], db: Database) throws {
        for u in updates {
            if let value = u.value {
                try db.execute(sql: """
                    INSERT OR REPLACE INTO private_value (table_name, record_id, field, value, hlc) VALUES (?, ?, ?, ?, ?)
                    """, arguments: [u.key.table, u.key.id, u.field, value.databaseValue, Int64(bitPattern: u.hlc.rawValue)])
            } else {
                try db.execute(sql: "DELETE FROM private_value WHERE table_name = ? AND record_id = ? AND field = ?",
                               arguments: [u.key.table, u.key.id, u.field])
            }
        }
    }
}

extension ReplicaAccess {
    /// How many identifying values this site withholds (`status`).
    package func withheldValueCount() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM private_value") ?? 0
    }
}
