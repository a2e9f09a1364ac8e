import GRDB
import Jonction

extension ReplicaAccess {
    /// Searches the live candidates (see `CandidateSearch`) through the search index: each query
    /// term is a few prefix ranges of `candidate_search` (never a scan of the table), the terms are
    /// intersected, then filtered, ranked, counted and paged in one statement.
    ///
    /// Throws `SchemaError` for a filter value the field does not accept (`region=Paris`).
    package func searchCandidates(_ search: CandidateSearch) throws -> CandidateSearchResult {
        // Inside a write transaction, what it wrote so far is indexed first.
        if let transaction = self as? ReplicaTransaction { try SearchIndex.refresh(transaction.db) }
        let db = try db
        let query = SearchQuery(search.text)
        let limit = min(max(search.limit, 0), CandidateSearch.maxLimit)
        let offset = max(search.offset, 0)

        var filters: [String] = []
        var filterArguments: [(any DatabaseValueConvertible)?] = []
        /// Per filtered column of region, status, sex (0, 1, 2), the value it must hold.
        var filterValues: [(column: Int, value: String)] = []
        let candidate = Schema.V1.candidate
        let table = try replica.schema.table(named: candidate.table)
        for (column, (name, given)) in [(candidate.region.name, search.region), (candidate.status.field.name, search.status),
                                        (candidate.sex.name, search.sex)].enumerated() {
            guard let given, !given.allSatisfy(\.isWhitespace) else { continue }
            guard case .text(let value) = try table.field(named: name).parse(given, table: table.name) else { continue }
            filters.append("e.\(name) = ?")
            filterArguments.append(value)
            filterValues.append((column, value))
        }
        // Candidates still queued (a large write, `SearchIndex.indexedAtCommit`, read by a reader
        // that may not index them) are matched one by one by the index's own rule, and an entry a
        // queued record may still have (another program replaced its row) is left aside.
        let queued = try SearchIndex.hasPending(db) ? try Self.queuedMatches(query, filters: filterValues, db: db) : nil
        if queued != nil { filters.append("e.id NOT IN (SELECT id FROM candidate_search_pending)") }
        let whereClause = filters.isEmpty ? "" : " WHERE " + filters.joined(separator: " AND ")
        // With queued matches to put among them, the index's first `offset + limit`, then the page.
        let (sqlLimit, sqlOffset) = queued == nil ? (limit, offset) : (offset + limit, 0)

        var page: [(id: String, level: Int, name: String)]
        var total: Int
        if query.isEmpty {
            total = try Int.fetchOne(db, sql: "SELECT count(*) FROM candidate_search_entry e" + whereClause,
                                     arguments: StatementArguments(filterArguments)) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "SELECT e.id, e.name FROM candidate_search_entry e\(whereClause) ORDER BY e.name, e.id LIMIT ? OFFSET ?",
                arguments: StatementArguments(filterArguments + [sqlLimit, sqlOffset]))
            page = rows.map { ($0[0], 0, $0[1]) }
        } else {
            // One statement: the matches are computed once, then counted (the row without an id)
            // and paged.
            let matches = try Self.matchesSQL(query, filters: whereClause, db: db)
            let rows = try Row.fetchAll(db, sql: """
                \(matches.sql)
                SELECT NULL, NULL, NULL, (SELECT count(*) FROM hits)
                UNION ALL
                SELECT * FROM (SELECT e.id, h.lvl, e.name, NULL FROM hits h CROSS JOIN candidate_search_entry e ON e.num = h.num
                               ORDER BY h.lvl, e.name, e.id LIMIT ? OFFSET ?)
                """, arguments: StatementArguments(matches.arguments + filterArguments + [sqlLimit, sqlOffset]))
            var counted = 0
            var found: [(id: String, level: Int, name: String)] = []
            for row in rows {
                if let id: String = row[0] { found.append((id, row[1], row[2])) } else { counted = row[3] }
            }
            total = counted
            page = found
        }
        // In the order of the statements' ORDER BY, which a compound statement need not keep.
        let ranked: ((id: String, level: Int, name: String), (id: String, level: Int, name: String)) -> Bool = { a, b in
            if a.level != b.level { return a.level < b.level }
            if a.name != b.name { return CanonicalJSON.precedes(a.name, b.name) }
            return CanonicalJSON.precedes(a.id, b.id)
        }
        if let queued {
            total += queued.count
            page = Array((page + queued).sorted(by: ranked).dropFirst(offset).prefix(limit))
        } else {
            page.sort(by: ranked)
        }

        let details = try db.cachedStatement(sql: """
            SELECT family_name, given_names, region, status, sex, birth_year, phone FROM candidate WHERE id = ?
            """)
        var hits: [CandidateHit] = []
        hits.reserveCapacity(page.count)
        for (id, level, _) in page {
            guard let row = try Row.fetchOne(details, arguments: [id]) else { continue }
            hits.append(CandidateHit(id: id, familyName: row[0], givenNames: row[1], region: row[2], status: row[3], sex: row[4],
                                     birthYear: row[5], phone: row[6], exact: level < SearchQuery.Match.variant.rawValue))
        }
        return CandidateSearchResult(hits: hits, total: total)
    }

    /// The queued candidates (not indexed yet) that the query and the filters (region, status, sex)
    /// match, with their level and sort name: `SearchQuery.match`, the rule the index implements.
    private static func queuedMatches(_ query: SearchQuery, filters: [(column: Int, value: String)], db: Database) throws
        -> [(id: String, level: Int, name: String)] {
        var found: [(id: String, level: Int, name: String)] = []
        let rows = try Row.fetchCursor(db, sql: """
            SELECT p.id, c.family_name, c.given_names, c.phone, c.region, c.status, c.sex
            FROM candidate_search_pending p JOIN candidate c ON c.id = p.id WHERE c._tombstone IS NULL
            """)
        while let row = try rows.next() {
            guard filters.allSatisfy({ (row[4 + $0.column] as String?) == $0.value }) else { continue }
            let id: String = row[0]
            let level: Int
            if query.isEmpty {
                level = 0
            } else {
                guard let match = query.match(id: id, familyName: row[1], givenNames: row[2], phone: row[3]) else { continue }
                level = match.rawValue
            }
            found.append((id, level, SearchKey.index(familyName: row[1], givenNames: row[2], phone: row[3]).sortName))
        }
        return found
    }

    /// The SQL of the candidates matching every term and the filters (`WHERE …` on the entry `e`,
    /// whose arguments are bound after these): `WITH m0(num, lvl) AS MATERIALIZED (…), m1 …,
    /// hits(num, lvl) AS MATERIALIZED (…)`, `lvl` being a `SearchQuery.Match`.
    ///
    /// Each term is the union of prefix ranges of the index: its folded word (0 when a key is that
    /// word, else 1), its phonetic key among `p` and `f` keys (2), its phone digits and its id
    /// prefixes (0). The rarest term comes first (the keys of its ranges are counted, up to a bound), and
    /// each next one keeps only the candidates the previous ones matched, so that a common name
    /// typed beside a rare one costs a scan of its keys, not a sort of them.
    private static func matchesSQL(_ query: SearchQuery, filters: String, db: Database) throws
        -> (sql: String, arguments: [(any DatabaseValueConvertible)?]) {
        typealias Argument = (any DatabaseValueConvertible)?
        func range(_ key: String) -> [Argument] { [key, SearchKey.upperBound(of: key)] }
        /// The term's ranges: each a `SELECT num, lvl` with `AND …` left for the caller, and its arguments.
        func ranges(_ term: SearchQuery.Term) -> [(sql: String, arguments: [Argument])] {
            var parts: [(String, [Argument])] = []
            if let folded = term.folded {
                let key = SearchKey.foldedPrefix + folded
                parts.append(("SELECT num, key <> ? AS lvl FROM candidate_search WHERE key >= ? AND key < ?", [key] + range(key)))
            }
            if let phonetic = term.phonetic {
                parts.append(("SELECT num, 2 AS lvl FROM candidate_search WHERE key >= ? AND key < ?", range(SearchKey.phoneticPrefix + phonetic)))
                // Words that are their own phonetic key have only their `f` key.
                if phonetic != term.folded {
                    parts.append(("SELECT num, 2 AS lvl FROM candidate_search WHERE key >= ? AND key < ?",
                                  range(SearchKey.foldedPrefix + phonetic)))
                }
            }
            for digits in term.digits.map(SearchKey.queryDigits) ?? [] {
                parts.append(("SELECT num, 0 AS lvl FROM candidate_search WHERE key >= ? AND key < ?", range(SearchKey.digitsPrefix + digits)))
            }
            for prefix in term.idPrefixes {
                parts.append(("SELECT num, 0 AS lvl FROM candidate_search_entry WHERE id >= ? AND id < ?", range(prefix)))
            }
            return parts
        }

        var terms = query.terms.map { (term: $0, ranges: ranges($0), size: 0) }
        if terms.count > 1 {
            // A term's size: its largest range (its ranges hold mostly the same people).
            let bound = 20_000
            for i in terms.indices {
                for part in terms[i].ranges {
                    let size = try Int.fetchOne(db, sql: "SELECT count(*) FROM (\(part.sql) LIMIT \(bound))",
                                                arguments: StatementArguments(part.arguments)) ?? 0
                    terms[i].size = max(terms[i].size, size)
                }
            }
            // Beyond the bound, the longer word is the likelier to be rarer.
            terms.sort { ($0.size, -($0.term.folded?.count ?? 0)) < ($1.size, -($1.term.folded?.count ?? 0)) }
        }

        var ctes: [String] = []
        var arguments: [Argument] = []
        for (n, term) in terms.enumerated() {
            let within = n == 0 ? "" : " AND num IN (SELECT num FROM m\(n - 1))"
            ctes.append("m\(n)(num, lvl) AS MATERIALIZED (SELECT num, min(lvl) FROM (\(term.ranges.map { $0.sql + within }.joined(separator: " UNION ALL "))) GROUP BY num)")
            arguments += term.ranges.flatMap(\.arguments)
        }
        let last = "m\(terms.count - 1)"
        var from = last
        for n in 0..<(terms.count - 1) { from += " CROSS JOIN m\(n) ON m\(n).num = \(last).num" }
        if !filters.isEmpty { from += " CROSS JOIN candidate_search_entry e ON e.num = \(last).num" + filters }
        let level = terms.count == 1 ? "m0.lvl" : "max(\(terms.indices.map { "m\($0).lvl" }.joined(separator: ", ")))"
        if terms.count == 1 && filters.isEmpty {
            ctes.append("hits(num, lvl) AS (SELECT num, lvl FROM m0)")
        } else {
            ctes.append("hits(num, lvl) AS MATERIALIZED (SELECT \(last).num, \(level) FROM \(from))")
        }
        return ("WITH " + ctes.joined(separator: ", "), arguments)
    }
}

extension Replica {
    /// Searches the live candidates in one read transaction (see `CandidateSearch`), after indexing
    /// the candidates a large write left queued (`SearchIndex.indexedAtCommit`). Works on a replica
    /// opened `.readOnly`, which matches queued candidates one by one instead.
    public func searchCandidates(_ search: CandidateSearch) throws -> CandidateSearchResult {
        // Candidates a large write left queued are indexed first, when the replica may write.
        if mode == .readWrite, try read({ try SearchIndex.hasPending($0.db) }) {
            try write { try SearchIndex.refresh($0.db) }
        }
        return try read { try $0.searchCandidates(search) }
    }
}
