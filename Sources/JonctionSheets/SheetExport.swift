import Jonction

/// A table's records as rows for a spreadsheet: labels for headers and codes, language names,
/// dates as `DD/MM/YYYY`, lists separated by « , ». What `csv import` reads back unchanged.
public enum SheetExport {
    /// The header row and one row per record, `records` in the order given.
    public static func rows(_ table: TableSchema, records: [(id: String, values: [Value])], lang: Lang) -> [[String]] {
        var rows = [[lang.pick("Identifiant", "Id")] + table.fields.map { Labels.field(table.name, $0.name, lang) }]
        rows.reserveCapacity(records.count + 1)
        for record in records {
            var row = [record.id]
            for (field, value) in zip(table.fields, record.values) {
                row.append(cell(value, field: field, table: table.name, lang: lang))
            }
            rows.append(row)
        }
        return rows
    }

    /// One value as a person reads it.
    public static func cell(_ value: Value, field: Field, table: String, lang: Lang) -> String {
        guard case .text(let text) = value else {
            if case .integer(let n) = value, case .flag = field.type { return n == 1 ? lang.pick("Oui", "Yes") : lang.pick("Non", "No") }
            return value.display
        }
        switch field.type {
        case .enumeration: return Labels.value(table, field.name, text, lang)
        case .date: return SheetDate.french(text)
        case .list(.languageCodes): return Field.listItems(value).map { Labels.language(String($0), lang) }.joined(separator: ", ")
        case .list: return Field.listItems(value).joined(separator: ", ")
        default: return text
        }
    }
}
