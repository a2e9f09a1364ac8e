import Foundation
import GRDB
import Jonction

/// The candidates' search index (migration `v17-search-index-2`): what triggers on `candidate`
/// queue, computed here in Swift (`SearchKey`). Personal data: its keys are never logged.
enum SearchIndex {
    /// Indexes the candidates queued in `candidate_search_pending` (written or changed since the
    /// last refresh): a live one gets its entry and keys again, a deleted or dropped one none. Runs
    /// inside write transactions before they commit (`Replica.write`, up to `indexedAtCommit`
    /// candidates), before a search, and when a replica is opened to write. Costs one query when
    /// nothing is queued.
    static func refresh(_ db: Database) throws {
        guard try hasPending(db) else { return }
        // The triggers forgot the record's previous entry and keys, unless another program replaced
        // its row without firing them.
        try db.execute(sql: """
            DELETE FROM candidate_search WHERE (key, num) IN (
                SELECT j.value, e.num FROM candidate_search_pending p JOIN candidate_search_entry e ON e.id = p.id, json_each(e.keys) j);
            DELETE FROM candidate_search_entry WHERE id IN (SELECT id FROM candidate_search_pending);
            """)
        // Entries get the next numbers; their keys are inserted after them in their order, a few
        // rows per statement: a large refresh (a merge, a migration) then fills the index's pages
        // one after the other.
        var num = try Int64.fetchOne(db, sql: "SELECT max(num) FROM candidate_search_entry") ?? 0
        var entries: [Value] = []
        var keys: [(key: String, num: Int64)] = []
        let rows = try Row.fetchCursor(db, sql: """
            SELECT p.id, c.family_name, c.given_names, c.phone, c.region, c.status, c.sex
            FROM candidate_search_pending p JOIN candidate c ON c.id = p.id WHERE c._tombstone IS NULL
            """)
        func text(_ value: String?) -> Value { value.map(Value.text) ?? .null }
        while let row = try rows.next() {
            num += 1
            let index = SearchKey.index(familyName: row[1], givenNames: row[2], phone: row[3])
            entries += [.integer(num), .text(row[0]), .text(index.sortName), text(row[4]), text(row[5]), text(row[6]),
                        .text(jsonArray(index.keys))]
            for key in index.keys { keys.append((key, num)) }
            if entries.count >= 7 * batch {
                try insert(entries, into: "candidate_search_entry (num, id, name, region, status, sex, keys)", width: 7, db: db)
                entries.removeAll(keepingCapacity: true)
            }
        }
        try insert(entries, into: "candidate_search_entry (num, id, name, region, status, sex, keys)", width: 7, db: db)
        keys.sort { $0.key < $1.key }
        var values: [Value] = []
        for chunk in stride(from: 0, to: keys.count, by: 16 * batch) {
            values.removeAll(keepingCapacity: true)
            for (key, num) in keys[chunk..<min(chunk + 16 * batch, keys.count)] { values += [.text(key), .integer(num)] }
            try insert(values, into: "candidate_search (key, num)", width: 2, db: db, orIgnore: true)
        }
        try db.execute(sql: "DELETE FROM candidate_search_pending")
    }

    private static let batch = 64

    /// Inserts rows of `width` values, `batch` rows per statement. `orIgnore`: a row already there
    /// (a key left by a program that wrote the index itself) is not an error that would stop every
    /// write of the office.
    private static func insert(_ values: [Value], into table: String, width: Int, db: Database, orIgnore: Bool = false) throws {
        let row = "(" + Array(repeating: "?", count: width).joined(separator: ", ") + ")"
        var start = 0
        while start < values.count {
            let rows = min(batch, (values.count - start) / width)
            let statement = try db.cachedStatement(
                sql: "INSERT \(orIgnore ? "OR IGNORE " : "")INTO \(table) VALUES " + Array(repeating: row, count: rows).joined(separator: ", "))
            try statement.execute(binding: values[start..<(start + rows * width)], db: db)
            start += rows * width
        }
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

    /// Whether candidates wait to be indexed: queued by a large write, a migration, or changed by
    /// another program since Jonction last wrote.
    static func hasPending(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM candidate_search_pending LIMIT 1") == true
    }

    /// The most candidates a write transaction indexes before it commits. A larger one (a merge of
    /// many offices' registrations, an import, a migration) leaves them queued: computing their
    /// keys would double its time (some 30 µs a candidate), for a search that may come days later.
    /// They are indexed by the next search of a replica open to write (`Replica.searchCandidates`)
    /// and when a replica is opened to write; a search of a replica opened to read matches them
    /// one by one by the same rule (`SearchQuery.match`). Nothing of a deleted or changed record
    /// waits: its entry and keys go at once, by the triggers.
    static let indexedAtCommit = 2_000

    /// Refreshes the index if at most `indexedAtCommit` candidates are queued (see there).
    static func refreshAtCommit(_ db: Database) throws {
        guard try hasPending(db) else { return }
        let queued = try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT 1 FROM candidate_search_pending LIMIT ?)",
                                      arguments: [indexedAtCommit + 1]) ?? 0
        if queued <= indexedAtCommit { try refresh(db) }
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
