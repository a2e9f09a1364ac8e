import Foundation
import GRDB
import Jonction

/// The candidates' search index (migration `v14-candidate-search`): what triggers on `candidate`
/// queue, computed here in Swift (`SearchKey`). Personal data: its keys are never logged.
enum SearchIndex {
    /// Indexes the candidates queued in `candidate_search_pending` (written or changed since the
    /// last refresh): a live one gets its entry and keys again, a deleted or dropped one none. Runs
    /// inside every write transaction before it commits (`Replica.write`), so that readers always
    /// see an index that matches the table. Costs one query when nothing is queued.
    static func refresh(_ db: Database) throws {
        guard try hasPending(db) else { return }
        let indexed = try db.cachedStatement(sql: "SELECT 1 FROM candidate_search_entry WHERE id = ?")
        // The triggers did it already, unless the index was changed behind them.
        let forgetKeys = try db.cachedStatement(sql: """
            DELETE FROM candidate_search WHERE num = (SELECT num FROM candidate_search_entry WHERE id = ?1)
            AND key IN (SELECT value FROM json_each((SELECT keys FROM candidate_search_entry WHERE id = ?1)))
            """)
        let forgetEntry = try db.cachedStatement(sql: "DELETE FROM candidate_search_entry WHERE id = ?")
        let insertEntry = try db.cachedStatement(sql: """
            INSERT INTO candidate_search_entry (id, name, region, status, sex, keys) VALUES (?, ?, ?, ?, ?, ?)
            """)
        // The keys are inserted in their order, after the entries, a few rows per statement: a large
        // refresh (a merge, a migration) then fills the index's pages one after the other.
        var keys: [(key: String, num: Int64)] = []
        let rows = try Row.fetchCursor(db, sql: """
            SELECT p.id, c.family_name, c.given_names, c.phone, c.region, c.status, c.sex, c._tombstone IS NULL
            FROM candidate_search_pending p LEFT JOIN candidate c ON c.id = p.id
            """)
        while let row = try rows.next() {
            let id: String = row[0]
            indexed.setUncheckedArguments([id])
            if try Row.fetchOne(indexed) != nil {
                forgetKeys.setUncheckedArguments([id])
                try forgetKeys.execute()
                forgetEntry.setUncheckedArguments([id])
                try forgetEntry.execute()
            }
            guard row[7] as Bool? == true else { continue }
            let index = SearchKey.index(familyName: row[1], givenNames: row[2], phone: row[3])
            insertEntry.setUncheckedArguments([
                id, index.sortName, row[4] as String?, row[5] as String?, row[6] as String?, jsonArray(index.keys),
            ])
            try insertEntry.execute()
            let num = db.lastInsertedRowID
            for key in index.keys { keys.append((key, num)) }
        }
        keys.sort { $0.key < $1.key }
        let batch = 64
        let insertKeys = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO candidate_search (key, num) VALUES " + Array(repeating: "(?, ?)", count: batch).joined(separator: ", "))
        let insertKey = try db.cachedStatement(sql: "INSERT OR IGNORE INTO candidate_search (key, num) VALUES (?, ?)")
        var start = 0
        while start + batch <= keys.count {
            var values: [(any DatabaseValueConvertible)?] = []
            values.reserveCapacity(2 * batch)
            for (key, num) in keys[start..<(start + batch)] { values += [key, num] }
            insertKeys.setUncheckedArguments(StatementArguments(values))
            try insertKeys.execute()
            start += batch
        }
        for (key, num) in keys[start...] {
            insertKey.setUncheckedArguments([key, num])
            try insertKey.execute()
        }
        try db.execute(sql: "DELETE FROM candidate_search_pending")
    }

    /// `["fdiarra","pjara"]`: the keys as the triggers read them back (`json_each`).
    static func jsonArray(_ keys: [String]) -> String {
        var out = "["
        for (i, key) in keys.enumerated() {
            out += i == 0 ? "\"" : ",\""
            // Keys are letters and digits: nothing to escape, but what JSON would need is escaped.
            if key.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
                out += key
            } else {
                for scalar in key.unicodeScalars {
                    switch scalar {
                    case "\"", "\\": out += "\\" + String(scalar)
                    case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
                    default: out.unicodeScalars.append(scalar)
                    }
                }
            }
            out += "\""
        }
        return out + "]"
    }

    /// Whether candidates wait to be indexed (changed by another program since Jonction last wrote).
    static func hasPending(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM candidate_search_pending LIMIT 1") == true
    }
}

extension ReplicaTransaction {
    /// Builds the search index again from every live candidate (what a migration changing the key
    /// rules would do; `jonction-bench search` times it).
    package func rebuildSearchIndex() throws {
        let db = try db
        try db.execute(sql: """
            DELETE FROM candidate_search;
            DELETE FROM candidate_search_entry;
            INSERT OR IGNORE INTO candidate_search_pending (id) SELECT id FROM candidate WHERE _tombstone IS NULL;
            """)
        try SearchIndex.refresh(db)
    }
}

extension ReplicaAccess {
    /// The search index's size: its entries (live candidates), its keys, and the bytes of the pages
    /// of its tables and indexes.
    package func searchIndexSize() throws -> (entries: Int, keys: Int, bytes: Int) {
        let db = try db
        let entries = try Int.fetchOne(db, sql: "SELECT count(*) FROM candidate_search_entry") ?? 0
        let keys = try Int.fetchOne(db, sql: "SELECT count(*) FROM candidate_search") ?? 0
        let bytes = try Int.fetchOne(db, sql: """
            SELECT sum(pgsize) FROM dbstat
            WHERE name LIKE 'candidate\\_search%' ESCAPE '\\' OR name LIKE 'sqlite\\_autoindex\\_candidate\\_search%' ESCAPE '\\'
            """) ?? 0
        return (entries, keys, bytes)
    }
}
