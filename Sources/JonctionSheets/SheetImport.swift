import Crypto
import Foundation
import Jonction

/// The rows of a sheet turned into records of a table: each cell through the mapping (column,
/// words of the form, list separator, dates) and then `Field.parse`, the one validation every
/// writer uses. Pure: what the file says, row by row; `apply(to:)` compares it with the replica.
public struct SheetImport: Sendable {
    public struct FieldValue: Sendable, Equatable {
        public var field: String
        public var value: Value
    }

    /// A valid row: the record it writes.
    public struct Record: Sendable, Equatable {
        public var line: Int
        public var id: String
        public var fields: [FieldValue]
    }

    /// Why a row is refused.
    public enum Reason: Sendable, Equatable {
        case value(SchemaError)
        case required(field: String)
        case missingKey
        case invalidID(String)
        case noIdentity
        case sameRecord(asLine: Int)
        case deleted
    }

    /// One problem of a row: where, what, why.
    public struct Problem: Sendable, Equatable {
        public var column: String
        public var value: String
        public var reason: Reason

        /// The reason alone, in the user's words (the `raison` column of the rejects file).
        public func reasonText(_ lang: Lang) -> String {
            switch reason {
            case .value(let error):
                if case .invalidValue(_, _, _, let expected) = error {
                    if case .oneOf = expected { return error.message(lang).components(separatedBy: ". ").dropFirst().joined(separator: ". ") }
                    return expected.message(lang)
                }
                return error.message(lang)
            case .required(let field):
                return lang.pick("champ obligatoire vide (\(field)).", "required field empty (\(field)).")
            case .missingKey:
                return lang.pick("la colonne clé est vide : la ligne ne peut pas être reconnue d’un import à l’autre.",
                                 "the key column is empty: the row cannot be recognised from one import to the next.")
            case .invalidID(let id):
                return lang.pick("identifiant « \(id) » invalide (lettres, chiffres, « - », « _ », « . », « : », au plus 128).",
                                 "invalid id “\(id)” (letters, digits, “-”, “_”, “.”, “:”, at most 128).")
            case .noIdentity:
                return lang.pick("aucune valeur pour reconnaître la personne ou la fiche (noms vides).",
                                 "no value to recognise the person or record by (names empty).")
            case .sameRecord(let line):
                return lang.pick("même fiche que la ligne \(line) (même clé ou mêmes noms) : une seule est importée.",
                                 "same record as line \(line) (same key or names): only one is imported.")
            case .deleted:
                return lang.pick("cette fiche a été supprimée ou effacée dans le réplica : elle n’est pas recréée.",
                                 "this record was deleted or erased in the replica: it is not made again.")
            }
        }

        /// « ligne 12, colonne « sexe », valeur « Feminine » : … »
        public func message(line: Int, _ lang: Lang) -> String {
            let shown = NormalText.printable(String(value.prefix(60)))
            let place = column.isEmpty ? lang.pick("ligne \(line)", "line \(line)")
                : lang.pick("ligne \(line), colonne « \(column) »", "line \(line), column “\(column)”")
            let what = value.isEmpty ? "" : lang.pick(", valeur « \(shown) »", ", value “\(shown)”")
            return "\(place)\(what) : \(reasonText(lang))"
        }
    }

    /// A refused row, as read, with its problems.
    public struct Reject: Sendable, Equatable {
        public var row: Sheet.Row
        public var problems: [Problem]
    }

    public let table: TableSchema
    public let sheet: Sheet
    public private(set) var records: [Record] = []
    public private(set) var rejects: [Reject] = []
    /// Columns of the sheet that go to no field.
    public private(set) var ignoredColumns: [String] = []
    /// Column → field, as resolved.
    public private(set) var mappedColumns: [(header: String, field: String)] = []

    /// Default fields a row may not leave empty.
    public static func requiredFields(_ table: String) -> [String] {
        switch table {
        case "candidate": ["family_name", "given_names"]
        case "employer": ["name"]
        case "opportunity": ["title", "kind"]
        case "proposal", "placement": ["candidate_id", "opportunity_id"]
        default: []
        }
    }

    /// Default fields an id is derived from, when the sheet has no key and no id column.
    public static func identityFields(_ table: String) -> [String] {
        switch table {
        case "candidate": ["family_name", "given_names", "birth_year", "sex"]
        case "employer": ["name", "region"]
        case "opportunity": ["employer_id", "title", "starts_on"]
        case "proposal": ["candidate_id", "opportunity_id"]
        case "placement": ["candidate_id", "opportunity_id", "started_on"]
        default: []
        }
    }

    /// Plans the import of `sheet` into `table`. `site` names the ids made here (`kayes-k-…`).
    /// Throws only for what concerns the whole file (a mapped column absent, no column matching);
    /// a row's problems go to `rejects`.
    public init(sheet: Sheet, table: TableSchema, mapping: SheetMapping?, site: String) throws(SheetError) {
        self.table = table
        self.sheet = sheet
        let mapping = mapping ?? SheetMapping()
        try mapping.check(table)

        // Columns → fields.
        var columns: [(index: Int, field: Field)] = []
        var idColumn: Int?
        var keyColumn: Int?
        func find(_ name: String) -> Int? {
            sheet.headers.firstIndex(where: { SheetMapping.fold($0) == SheetMapping.fold(name) })
                ?? sheet.headers.firstIndex(where: { SheetMapping.header($0, names: name) })
        }
        if !mapping.columns.isEmpty {
            for (column, name) in mapping.columns.sorted(by: { $0.key < $1.key }) {
                guard let index = find(column) else { throw .unknownMappedColumn(column: column, headers: sheet.headers) }
                columns.append((index, try! table.field(named: name)))
            }
        } else {
            for (index, header) in sheet.headers.enumerated() {
                let folded = SheetMapping.fold(header)
                if folded == "id" || folded == "identifiant" || folded == "identifier" { idColumn = index; continue }
                if let field = table.fields.first(where: { field in
                    SheetMapping.header(header, names: field.name)
                        || folded == SheetMapping.fold(Labels.field(table.name, field.name, .fr))
                        || folded == SheetMapping.fold(Labels.field(table.name, field.name, .en))
                }) {
                    columns.append((index, field))
                }
            }
            if columns.isEmpty { throw .noColumnMatches(table: table.name, headers: sheet.headers) }
        }
        if let key = mapping.key {
            guard let index = find(key) else { throw .unknownMappedColumn(column: key, headers: sheet.headers) }
            keyColumn = index
        }
        columns.sort { $0.index < $1.index }
        mappedColumns = columns.map { (sheet.headers[$0.index], $0.field.name) }
        let used = Set(columns.map(\.index) + [idColumn, keyColumn].compactMap { $0 })
        ignoredColumns = sheet.headers.indices.filter { !used.contains($0) && !sheet.headers[$0].isEmpty }.map { sheet.headers[$0] }

        let valueMaps = mapping.values.mapValues { words in
            Dictionary(words.map { (SheetMapping.fold($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
        }
        let required = mapping.required ?? SheetImport.requiredFields(table.name)
        let identity = mapping.identity ?? SheetImport.identityFields(table.name)
        let prefix = mapping.idPrefix ?? "\(site)-\(keyColumn == nil ? "i" : "k")-"
        var seen: [String: Int] = [:]

        for row in sheet.rows {
            var problems: [Problem] = []
            var values: [String: Value] = [:]
            var order: [String] = []
            for (index, field) in columns {
                let raw = row[index]
                guard let value = SheetImport.parse(raw, field: field, table: table.name, words: valueMaps[field.name],
                                                    listSeparator: mapping.lists[field.name], problems: &problems,
                                                    column: sheet.headers[index]), !value.isNull else { continue }
                if values[field.name] == nil { order.append(field.name); values[field.name] = value }
            }
            for (name, raw) in mapping.constants.sorted(by: { $0.key < $1.key }) where values[name] == nil {
                let field = try! table.field(named: name)
                if let value = SheetImport.parse(raw, field: field, table: table.name, words: valueMaps[name], listSeparator: nil,
                                                 problems: &problems, column: ""), !value.isNull {
                    order.append(name)
                    values[name] = value
                }
            }
            for name in required where values[name] == nil && !problems.contains(where: { $0.column == columnName(name, columns) }) {
                problems.append(Problem(column: columnName(name, columns), value: "", reason: .required(field: name)))
            }
            // The id: the key column's value (hashed), an id column as is, or the identifying content (hashed).
            var id: String?
            if let keyColumn {
                let key = row[keyColumn].trimmingCharacters(in: .whitespaces)
                if key.isEmpty {
                    problems.append(Problem(column: sheet.headers[keyColumn], value: "", reason: .missingKey))
                } else {
                    id = prefix + SheetImport.shortHash(table.name + "\u{1F}" + key)
                }
            } else if let idColumn, !row[idColumn].trimmingCharacters(in: .whitespaces).isEmpty {
                let given = row[idColumn].trimmingCharacters(in: .whitespaces)
                if Schema.isValidRecordID(given) { id = given } else {
                    problems.append(Problem(column: sheet.headers[idColumn], value: given, reason: .invalidID(given)))
                }
            } else if problems.isEmpty {
                let parts = identity.map { values[$0].map { SheetMapping.fold($0.display) } ?? "" }
                if parts.allSatisfy(\.isEmpty) {
                    problems.append(Problem(column: "", value: "", reason: .noIdentity))
                } else {
                    id = prefix + SheetImport.shortHash(([table.name] + parts).joined(separator: "\u{1F}"))
                }
            }
            if problems.isEmpty, let id {
                if let first = seen[id] {
                    problems.append(Problem(column: keyColumn.map { sheet.headers[$0] } ?? "", value: "", reason: .sameRecord(asLine: first)))
                } else {
                    seen[id] = row.line
                }
            }
            if problems.isEmpty, let id {
                records.append(Record(line: row.line, id: id, fields: order.map { FieldValue(field: $0, value: values[$0]!) }))
            } else {
                rejects.append(Reject(row: row, problems: problems))
            }
        }
    }

    private func columnName(_ field: String, _ columns: [(index: Int, field: Field)]) -> String {
        columns.first { $0.field.name == field }.map { sheet.headers[$0.index] } ?? field
    }

    /// One cell through the mapping and `Field.parse`; nil (and a problem) when refused.
    static func parse(_ raw: String, field: Field, table: String, words: [String: String]?, listSeparator: String?,
                      problems: inout [Problem], column: String) -> Value? {
        var text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        // Kobo's legacy exports write `n/a` for an unanswered question.
        if text.lowercased() == "n/a" { text = "" }
        if text.isEmpty { return .null }
        if case .list = field.type {
            var items: [String]
            if let listSeparator, !listSeparator.isEmpty {
                items = listSeparator == " " ? text.split(whereSeparator: \.isWhitespace).map(String.init)
                    : text.components(separatedBy: listSeparator)
            } else {
                items = text.split(whereSeparator: { $0 == "," || $0 == ";" }).map(String.init)
            }
            if let words { items = items.map { words[SheetMapping.fold($0)] ?? $0 } }
            text = items.joined(separator: ",")
        } else if let words, let word = words[SheetMapping.fold(text)] {
            text = word
        }
        if case .date = field.type, let date = SheetDate.normalise(text) { text = date }
        if case .integer = field.type, let d = Double(text), d.rounded() == d, abs(d) < 1e15, !text.contains("e") {
            text = String(Int64(d))   // `1999.0` from a spreadsheet's number
        }
        do {
            return try field.parse(text, table: table)
        } catch {
            problems.append(Problem(column: column.isEmpty ? field.name : column, value: raw, reason: .value(error)))
            return nil
        }
    }

    /// 12 hexadecimal digits of the SHA-256 of `text`: short, stable across runs and machines.
    static func shortHash(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).prefix(6).map { b in
            let s = String(b, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
    }

    /// The rejected rows as a CSV for the spreadsheet: the file's own columns, then `raison`.
    public func rejectsCSV(_ lang: Lang) -> [UInt8] {
        var rows = [sheet.headers + [lang.pick("raison", "reason")]]
        for reject in rejects {
            var cells = reject.row.cells
            if cells.count < sheet.headers.count { cells += Array(repeating: "", count: sheet.headers.count - cells.count) }
            rows.append(cells + [reject.problems.map { $0.message(line: reject.row.line, lang) }.joined(separator: " ; ")])
        }
        return SheetCSV.encode(rows, separator: sheet.dialect.encoding == .xlsx ? ";" : sheet.dialect.separator)
    }

    /// Adds a refusal found later (a record deleted in the replica).
    mutating func reject(_ record: Record, _ reason: Reason) {
        records.removeAll { $0.line == record.line }
        if let row = sheet.rows.first(where: { $0.line == record.line }) {
            rejects.append(Reject(row: row, problems: [Problem(column: "", value: "", reason: reason)]))
            rejects.sort { $0.row.line < $1.row.line }
        }
    }
}
