extension Field {
    /// Whether a received value is in this field's normal form (what `parse` would have stored).
    ///
    /// Checked on every change that arrives from another site, so that a damaged or foreign peer
    /// cannot plant a value no local write could produce. Text is checked for length only.
    public func accepts(_ value: Value) -> Bool {
        switch (type, value) {
        case (_, .null):
            return true
        case (.integer(let range), .integer(let n)):
            return range.contains(n)
        case (.flag, .integer(let n)):
            return n == 0 || n == 1
        case (.text(let maxLength), .text(let s)):
            return !s.isEmpty && s.utf8.count <= 4 * maxLength
        case (.phone, .text(let s)):
            return !s.isEmpty && s.utf8.count <= 32
                && s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || " +-.()".utf8.contains($0) }
        case (.date, .text(let s)):
            return Field.normaliseDate(s) == s
        case (.enumeration(let values), .text(let s)):
            return values.contains(s)
        case (.region, .text(let s)):
            return Schema.regions.contains(s)
        case (.isco, .text(let s)):
            return s.utf8.count == 4 && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        case (.list(let kind), .text(let s)):
            let items = s.split(separator: ";", omittingEmptySubsequences: false)
            for (i, item) in items.enumerated() {
                if item.isEmpty { return false }
                if kind == .languageCodes,
                    !(2...3).contains(item.utf8.count) || !item.utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) {
                    return false
                }
                if i > 0, !items[i - 1].unicodeScalars.lexicographicallyPrecedes(item.unicodeScalars) { return false }
            }
            return true
        case (.reference, .text(let s)):
            return Schema.isValidRecordID(s)
        default:
            return false
        }
    }
}

extension Schema {
    /// Checks a received change against this schema: known table and field, valid id, a value in
    /// its field's normal form.
    public func validate(_ change: Change) throws(SchemaError) {
        let table = try table(named: change.table)
        try Schema.validateRecordID(change.id)
        guard case .set(let name, let value) = change.operation else { return }
        let field = try table.field(named: name)
        guard field.accepts(value) else {
            throw .invalidValue(table: table.name, field: name, value: value.display, expected: field.type.expectation)
        }
    }
}

extension FieldType {
    /// What fits a field of this type, for error messages.
    public var expectation: SchemaError.Expectation {
        switch self {
        case .text(let maxLength): return .maxLength(maxLength)
        case .phone: return .phone
        case .integer(let range): return .integer(range)
        case .flag: return .flag
        case .date: return .date
        case .enumeration(let values): return .oneOf(values)
        case .region: return .region
        case .isco: return .isco
        case .list(.languageCodes): return .languageCodes
        case .list(.free): return .listItemLength(100)
        case .reference: return .oneOf([])
        }
    }
}
