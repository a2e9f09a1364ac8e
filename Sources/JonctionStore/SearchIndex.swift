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
        let forgetKeys = try db.cachedStatement(sql: """
            DELETE FROM candidate_search WHERE num = (SELECT num FROM candidate_search_entry WHERE id = ?)
            """)
        let forgetEntry = try db.cachedStatement(sql: "DELETE FROM candidate_search_entry WHERE id = ?")
        let insertEntry = try db.cachedStatement(sql: """
            INSERT INTO candidate_search_entry (id, name, region, status, sex) VALUES (?, ?, ?, ?, ?)
            """)
        let insertKey = try db.cachedStatement(sql: "INSERT OR IGNORE INTO candidate_search (key, num) VALUES (?, ?)")
        let rows = try Row.fetchCursor(db, sql: """
            SELECT p.id, c.family_name, c.given_names, c.phone, c.region, c.status, c.sex, c._tombstone IS NULL
            FROM candidate_search_pending p LEFT JOIN candidate c ON c.id = p.id
            """)
        while let row = try rows.next() {
            let id: String = row[0]
            try forgetKeys.execute(arguments: [id])
            try forgetEntry.execute(arguments: [id])
            guard row[7] as Bool? == true else { continue }
            let family: String? = row[1], given: String? = row[2], phone: String? = row[3]
            try insertEntry.execute(arguments: [
                id, SearchKey.sortName(familyName: family, givenNames: given), row[4] as String?, row[5] as String?, row[6] as String?,
            ])
            let num = db.lastInsertedRowID
            for key in SearchKey.keys(familyName: family, givenNames: given, phone: phone) {
                try insertKey.execute(arguments: [key, num])
            }
        }
        try db.execute(sql: "DELETE FROM candidate_search_pending")
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
