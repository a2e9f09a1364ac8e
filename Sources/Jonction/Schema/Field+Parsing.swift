import Foundation

extension Field {
    /// Parses what a user typed (or a file holds) into this field's normalised value.
    ///
    /// An empty or blank input clears the field (`Value.null`). The normal forms are specified in
    /// protocol.md §2.2; two replicas given the same intent store the same bytes.
    public func parse(_ raw: String, table: String) throws(SchemaError) -> Value {
        let value = try normalise(raw, table: table)
        // The writer's result is checked by the receivers' rule: nothing written here is refused elsewhere.
        guard accepts(value) else {
            throw .invalidValue(table: table, field: name, value: NormalText.printable(raw), expected: type.expectation)
        }
        return value
    }

    private func normalise(_ raw: String, table: String) throws(SchemaError) -> Value {
        var multiline = false
        if case .text(_, let lines) = type { multiline = lines }
        let trimmed = NormalText.normalise(raw, multiline: multiline)
        if trimmed.isEmpty { return .null }
        func refuse(_ expected: SchemaError.Expectation) -> SchemaError {
            .invalidValue(table: table, field: name, value: NormalText.printable(raw), expected: expected)
        }
        func refuseFlaw(_ flaw: NormalText.Flaw, _ maxLength: Int) -> SchemaError {
            switch flaw {
            case .control(let c): return refuse(.noControlCharacter(c))
            case .unassigned(let c): return refuse(.knownCharacters(c))
            default: return refuse(.maxLength(maxLength))
            }
        }
        switch type {
        case .text(let maxLength, let multiline):
            if let flaw = NormalText.flaw(trimmed, maxLength: maxLength, multiline: multiline) { throw refuseFlaw(flaw, maxLength) }
            return .text(trimmed)

        case .phone:
            let allowed = Set("0123456789 +-.()")
            let phone = NormalText.singleSpaced(trimmed)
            guard phone.utf8.count <= 32, phone.allSatisfy(allowed.contains), phone.filter(\.isNumber).count >= 4
            else { throw refuse(.phone) }
            return .text(phone)

        case .integer(let range):
            guard let n = Int64(trimmed), range.contains(n) else { throw refuse(.integer(range)) }
            return .integer(n)

        case .flag:
            switch trimmed.lowercased() {
            case "1", "oui", "yes", "true", "vrai": return .integer(1)
            case "0", "non", "no", "false", "faux": return .integer(0)
            default: throw refuse(.flag)
            }

        case .date:
            guard let date = Field.normaliseDate(trimmed) else { throw refuse(.date) }
            return .text(date)

        case .enumeration(let values):
            if let exact = values.first(where: { $0.utf8.elementsEqual(trimmed.utf8) }) { return .text(exact) }
            let lowered = trimmed.lowercased()
            if let match = values.first(where: { $0.lowercased() == lowered }) { return .text(match) }
            // A label or another word for a code (`femme`, `employeurs`): the code is stored.
            guard let code = Labels.code(for: trimmed, table: table, field: name), values.contains(code) else {
                throw refuse(.oneOf(values))
            }
            return .text(code)

        case .region:
            let key = Field.foldForMatching(trimmed)
            guard let region = Schema.regions.first(where: { Field.foldForMatching($0) == key }) else {
                throw refuse(.region)
            }
            return .text(region)

        case .isco:
            guard trimmed.utf8.count == 4, trimmed.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw refuse(.isco)
            }
            return .text(trimmed)

        case .list(let items):
            var set = Set<[UInt8]>()
            var list: [String] = []
            // Items are separated by `;` or `,` (a separator the shell leaves alone).
            for part in trimmed.split(whereSeparator: { $0 == ";" || $0 == "," }) {
                var item = NormalText.lowercased(NormalText.singleSpaced(NormalText.normalise(String(part))))
                if item.isEmpty { continue }
                switch items {
                case .free:
                    if let flaw = NormalText.flaw(item, maxLength: Field.maximumListItemLength) {
                        if case .tooLong = flaw { throw refuse(.listItemLength(Field.maximumListItemLength)) }
                        throw refuseFlaw(flaw, Field.maximumListItemLength)
                    }
                case .languageCodes:
                    // A language typed by its name (`bambara`, `Français`) is stored as its code.
                    if let code = Labels.languageCode(for: item) { item = code }
                    guard (2...3).contains(item.utf8.count), item.utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else {
                        throw refuse(.languageCodes)
                    }
                }
                if set.insert(Array(item.utf8)).inserted { list.append(item) }
            }
            if list.isEmpty { return .null }
            return .text(Field.joinList(list))

        case .reference:
            guard Schema.isValidRecordID(trimmed) else { throw SchemaError.invalidRecordID(NormalText.printable(trimmed)) }
            return .text(trimmed)
        }
    }

    /// Parses a value read from JSON (fixtures, scripts): numbers are taken as their decimal text.
    public func parse(json: Any, table: String) throws(SchemaError) -> Value {
        switch json {
        case is NSNull: return .null
        case let s as String: return try parse(s, table: table)
        case let n as NSNumber:
            // JSON numbers: only whole numbers are meaningful here.
            let d = n.doubleValue
            guard d.rounded() == d, abs(d) < 1e15 else {
                throw .invalidValue(table: table, field: name, value: n.stringValue, expected: .integer(Int64.min...Int64.max))
            }
            return try parse(String(Int64(d)), table: table)
        default:
            throw .invalidValue(table: table, field: name, value: String(describing: json), expected: .oneOf([]))
        }
    }

    /// The items of a list value, in their stored order.
    public static func listItems(_ value: Value) -> [Substring] {
        guard case .text(let s) = value else { return [] }
        // ASCII text (most lists: skills, language codes): cut at the `;` bytes, the same items as
        // cutting at `;` characters, without finding character boundaries.
        if s.utf8.allSatisfy({ $0 < 0x80 }) {
            var items: [Substring] = []
            var start = s.utf8.startIndex
            var i = start
            while i < s.utf8.endIndex {
                if s.utf8[i] == UInt8(ascii: ";") {
                    if start < i { items.append(s[start..<i]) }
                    start = s.utf8.index(after: i)
                }
                i = s.utf8.index(after: i)
            }
            if start < s.utf8.endIndex { items.append(s[start..<s.utf8.endIndex]) }
            return items
        }
        return s.split(separator: ";")
    }

    /// Joins list items in the canonical order: sorted by Unicode scalar values, `;` between.
    public static func joinList<S: Sequence>(_ items: S) -> String where S.Element == String {
        items.sorted(by: CanonicalJSON.precedes).joined(separator: ";")
    }

    /// Lowercase without diacritics: « Ségou » and « SEGOU » both give « segou ».
    public static func foldForMatching(_ s: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in s.decomposedStringWithCanonicalMapping.lowercased().unicodeScalars
        where scalar.properties.generalCategory != .nonspacingMark {
            scalars.append(scalar)
        }
        return String(scalars)
    }

    /// `YYYY-MM-DD` or `DD/MM/YYYY` → `YYYY-MM-DD`, or nil if it is not a calendar date.
    static func normaliseDate(_ s: String) -> String? {
        let parts: [Substring]
        let y: Int, m: Int, d: Int
        if s.contains("-") {
            parts = s.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
                let yy = Int(parts[0]), let mm = Int(parts[1]), let dd = Int(parts[2])
            else { return nil }
            (y, m, d) = (yy, mm, dd)
        } else if s.contains("/") {
            parts = s.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 3, (1...2).contains(parts[0].count), (1...2).contains(parts[1].count),
                parts[2].count == 4, let dd = Int(parts[0]), let mm = Int(parts[1]), let yy = Int(parts[2])
            else { return nil }
            (y, m, d) = (yy, mm, dd)
        } else {
            return nil
        }
        guard (1900...2100).contains(y), (1...12).contains(m) else { return nil }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        guard (1...days).contains(d) else { return nil }
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// A calendar date (`YYYY-MM-DD` or `DD/MM/YYYY`) as the milliseconds since 1970 of its first
    /// instant in UTC, or nil if it is not one (Howard Hinnant's days-from-civil).
    public static func millis(ofDate s: String) -> UInt64? {
        guard let date = normaliseDate(s.trimmingCharacters(in: .whitespaces)) else { return nil }
        let parts = date.split(separator: "-").map { Int($0)! }
        let (y0, m, d) = (parts[0], parts[1], parts[2])
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        return days < 0 ? nil : UInt64(days) * 86_400_000
    }
}
