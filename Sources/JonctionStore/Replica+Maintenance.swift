import Foundation
import GRDB
import Jonction

/// What `check` found: SQLite's own verdict, then the replica's records against its log.
public struct IntegrityReport: Sendable {
    /// SQLite's `PRAGMA integrity_check` lines other than "ok".
    public var sqlite: [String] = []
    /// Origins whose log does not hold exactly the seqs 1…vector[origin].
    public var logGaps: [SiteName] = []
    /// Records whose materialized state (values, stamps, tombstone) differs from the one the log
    /// gives, as "table/id".
    public var differingRecords: [String] = []
    /// Changes read from the log.
    public var changes = 0
    public var records = 0

    public var isSound: Bool { sqlite.isEmpty && logGaps.isEmpty && differingRecords.isEmpty }
}

extension ReplicaAccess {
    /// Checks the replica: SQLite's integrity check, then the log against the vector (every seq
    /// once, none missing) and every materialized record against the state its logged changes give
    /// by the merge rule. Reads only.
    package func checkIntegrity() throws -> IntegrityReport {
        var report = IntegrityReport()
        report.sqlite = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
        guard report.sqlite.isEmpty else { return report }
        let vector = try vector()
        var rebuilt = RecordSet(schema: replica.schema)
        for (origin, seq) in vector.sorted {
            let changes = try changes(origin: origin, seqs: 1...seq)
            if changes.map(\.seq) != Array(1...seq) { report.logGaps.append(origin) }
            for change in changes { try rebuilt.apply(change) }
            report.changes += changes.count
        }
        // The log holds withheld values as withheld (§3.6): the rows are compared as others hold them.
        let stored = try recordSet(shared: true)
        for table in replica.schema.tables {
            let ids = Set(stored.tables[table.name, default: [:]].keys).union(rebuilt.tables[table.name, default: [:]].keys)
            report.records += ids.count
            for id in ids.sorted() where stored.record(table: table.name, id: id) != rebuilt.record(table: table.name, id: id) {
                report.differingRecords.append("\(table.name)/\(id)")
            }
        }
        return report
    }
}

extension Replica {
    /// Writes a consistent copy of the replica to `target` (SQLite's `VACUUM INTO`), while other
    /// connections go on reading and writing (a running `hub serve`). The copy is made under a
    /// temporary name beside `target` and moved into place only when complete; an existing file is
    /// never overwritten.
    public func backup(to target: String) throws {
        try Replica.createFile(at: target, temporarySuffix: "sauvegarde") { temporary in
            // VACUUM INTO reads one consistent snapshot by itself; it may not run inside a transaction.
            try Replica.translatingErrors(path: target) {
                try database.unsafeRead { db in try db.execute(sql: "VACUUM INTO ?", arguments: [temporary]) }
            }
        }
    }
}
