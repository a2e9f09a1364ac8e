import Jonction
import JonctionStore

/// What an import did (or, dry, would do) to the replica.
public struct SheetImportOutcome: Sendable {
    public var created = 0
    public var updated = 0
    public var unchanged = 0
    /// Changes written (one per field set).
    public var changes = 0
    /// The plan with the rows the replica refused added (records deleted there).
    public var plan: SheetImport
}

extension SheetImport {
    /// Compares every record with the replica's current values and writes only what differs, as
    /// the web forms do, so that importing the same file again changes nothing. A real import
    /// writes all the valid rows in one transaction; `dryRun` reads only (the replica may be
    /// opened read-only). `allOrNothing`: nothing is written if any row is refused (the outcome's
    /// plan lists them).
    package func apply(to replica: Replica, author: UserName?, dryRun: Bool, allOrNothing: Bool,
                       progress: ((Int, Int) -> Void)? = nil) throws -> SheetImportOutcome {
        var plan = self
        // First the current values, in one read: which records exist, are deleted, differ.
        let pending = try replica.read { reader -> [(Record, [(String, Value)], Bool)] in
            var pending: [(Record, [(String, Value)], Bool)] = []
            for (n, record) in records.enumerated() {
                if n % 200 == 0 { progress?(n, records.count * (dryRun ? 1 : 2)) }
                let state = try reader.state(table: table.name, id: record.id)
                if state?.tombstone != nil {
                    plan.reject(record, .deleted)
                    continue
                }
                var changed: [(String, Value)] = []
                for item in record.fields {
                    let before = state?.values[table.position(of: item.field)!] ?? .null
                    if before != item.value { changed.append((item.field, item.value)) }
                }
                pending.append((record, changed, state != nil))
            }
            return pending
        }
        var outcome = SheetImportOutcome(plan: plan)
        for (_, changed, existed) in pending {
            if changed.isEmpty { outcome.unchanged += 1 } else if existed { outcome.updated += 1 } else { outcome.created += 1 }
            outcome.changes += changed.count
        }
        // All or nothing: a row refused, nothing written (the caller says so, after the report).
        guard !dryRun, outcome.changes > 0, !(allOrNothing && !plan.rejects.isEmpty) else {
            progress?(1, 1)
            return outcome
        }
        // Then one transaction: every valid row, or nothing.
        let total = pending.count
        try replica.write { tx in
            try tx.act(as: author)
            for (n, (record, changed, _)) in pending.enumerated() where !changed.isEmpty {
                if n % 200 == 0 { progress?(total + n, 2 * total) }
                try tx.set(table: table.name, id: record.id, fields: changed)
            }
        }
        progress?(1, 1)
        return outcome
    }
}
