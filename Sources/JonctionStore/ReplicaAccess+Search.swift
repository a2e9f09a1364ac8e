import GRDB
import Jonction

extension ReplicaAccess {
    /// Searches the live candidates (see `CandidateSearch`) through the search index: each query
    /// term is a few prefix ranges of `candidate_search` (never a scan of the table), the terms are
    /// intersected, then filtered, ranked and paged in one statement.
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
        let candidate = Schema.V1.candidate
        let table = try replica.schema.table(named: candidate.table)
        for (name, given) in [(candidate.region.name, search.region), (candidate.status.field.name, search.status),
                              (candidate.sex.name, search.sex)] {
            guard let given, !given.allSatisfy(\.isWhitespace) else { continue }
            guard case .text(let value) = try table.field(named: name).parse(given, table: table.name) else { continue }
            filters.append("e.\(name) = ?")
            filterArguments.append(value)
        }
        let whereClause = filters.isEmpty ? "" : " WHERE " + filters.joined(separator: " AND ")

        let page: [(id: String, level: Int)]
        let total: Int
        if query.isEmpty {
            total = try Int.fetchOne(db, sql: "SELECT count(*) FROM candidate_search_entry e" + whereClause,
                                     arguments: StatementArguments(filterArguments)) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "SELECT e.id FROM candidate_search_entry e\(whereClause) ORDER BY e.name, e.id LIMIT ? OFFSET ?",
                arguments: StatementArguments(filterArguments + [limit, offset]))
            page = rows.map { ($0[0], 0) }
        } else {
            let (matches, matchArguments) = Self.matchesSQL(query)
            let level = query.terms.count == 1 ? "m0.lvl" : "max(\(query.terms.indices.map { "m\($0).lvl" }.joined(separator: ", ")))"
            let arguments = StatementArguments(matchArguments + filterArguments)
            let rows = try Row.fetchAll(db, sql: """
                \(matches.with) SELECT e.id, \(level) AS lvl, count(*) OVER () FROM \(matches.from)\(whereClause)
                ORDER BY lvl, e.name, e.id LIMIT ? OFFSET ?
                """, arguments: arguments + [limit, offset])
            page = rows.map { ($0[0], $0[1]) }
            if let first = rows.first {
                total = first[2]
            } else if offset == 0 && limit > 0 {
                total = 0
            } else {
                // A page past the end: counted apart.
                total = try Int.fetchOne(db, sql: "\(matches.with) SELECT count(*) FROM \(matches.from)\(whereClause)",
                                         arguments: arguments) ?? 0
            }
        }

        let details = try db.cachedStatement(sql: """
            SELECT family_name, given_names, region, status, sex, birth_year, phone FROM candidate WHERE id = ?
            """)
        var hits: [CandidateHit] = []
        hits.reserveCapacity(page.count)
        for (id, level) in page {
            guard let row = try Row.fetchOne(details, arguments: [id]) else { continue }
            hits.append(CandidateHit(id: id, familyName: row[0], givenNames: row[1], region: row[2], status: row[3], sex: row[4],
                                     birthYear: row[5], phone: row[6], exact: level < SearchQuery.Match.variant.rawValue))
        }
        return CandidateSearchResult(hits: hits, total: total)
    }

    /// The SQL of the candidates matching every term, as `WITH m0(num, lvl) AS (…), m1 …` and a
    /// `FROM` clause joining them to `candidate_search_entry e`; `lvl` is a `SearchQuery.Match`.
    /// Each term is the union of prefix ranges: its folded word (0 when a key is that word, else
    /// 1), its phonetic key (2), its phone digits and its id prefixes (0).
    private static func matchesSQL(_ query: SearchQuery) -> (sql: (with: String, from: String), arguments: [(any DatabaseValueConvertible)?]) {
        var ctes: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        func range(_ key: String) -> [(any DatabaseValueConvertible)?] { [key, SearchKey.upperBound(of: key)] }
        for (n, term) in query.terms.enumerated() {
            var parts: [String] = []
            if let folded = term.folded {
                let key = SearchKey.foldedPrefix + folded
                parts.append("SELECT num, key <> ? AS lvl FROM candidate_search WHERE key >= ? AND key < ?")
                arguments += [key] + range(key)
            }
            if let phonetic = term.phonetic {
                parts.append("SELECT num, 2 AS lvl FROM candidate_search WHERE key >= ? AND key < ?")
                arguments += range(SearchKey.phoneticPrefix + phonetic)
            }
            if let digits = term.digits {
                parts.append("SELECT num, 0 AS lvl FROM candidate_search WHERE key >= ? AND key < ?")
                arguments += range(SearchKey.digitsPrefix + digits)
            }
            for prefix in term.idPrefixes {
                parts.append("SELECT num, 0 AS lvl FROM candidate_search_entry WHERE id >= ? AND id < ?")
                arguments += range(prefix)
            }
            ctes.append("m\(n)(num, lvl) AS (SELECT num, min(lvl) FROM (\(parts.joined(separator: " UNION ALL "))) GROUP BY num)")
        }
        var from = "m0"
        for n in query.terms.indices.dropFirst() { from += " JOIN m\(n) ON m\(n).num = m0.num" }
        from += " JOIN candidate_search_entry e ON e.num = m0.num"
        return (("WITH " + ctes.joined(separator: ", "), from), arguments)
    }
}

extension Replica {
    /// Searches the live candidates in one read transaction (see `CandidateSearch`). Works on a
    /// replica opened `.readOnly`.
    public func searchCandidates(_ search: CandidateSearch) throws -> CandidateSearchResult {
        try read { try $0.searchCandidates(search) }
    }
}
