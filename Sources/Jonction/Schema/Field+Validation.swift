extension Field {
    /// Whether a value is in this field's normal form (protocol.md §2.2): what `parse` stores.
    ///
    /// Checked on every value written here and on every change that arrives from another site, so
    /// that nothing one site writes is refused by another, and a damaged or foreign peer cannot
    /// plant a value no local write could produce.
    public func accepts(_ value: Value) -> Bool {
        switch (type, value) {
        case (_, .null):
            return true
        case (.integer(let range), .integer(let n)):
            return range.contains(n)
        case (.flag, .integer(let n)):
            return n == 0 || n == 1
        case (.text(let maxLength, let multiline), .text(let s)):
            return NormalText.isNormal(s, maxLength: maxLength, multiline: multiline)
        case (.phone, .text(let s)):
            return Field.isNormalPhone(s)
        case (.date, .text(let s)):
            return Field.isNormalDate(s)
        case (.enumeration(let values), .text(let s)):
            return values.contains { $0.utf8.elementsEqual(s.utf8) }
        case (.region, .text(let s)):
            return Schema.regions.contains { $0.utf8.elementsEqual(s.utf8) }
        case (.isco, .text(let s)):
            return s.utf8.count == 4 && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        case (.list(let kind), .text(let s)):
            return Field.isNormalList(s, codes: kind == .languageCodes)
        case (.reference, .text(let s)):
            return Schema.isValidRecordID(s)
        default:
            return false
        }
    }
}

extension Field {
    static func isPhoneByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || b == 0x20 || b == 0x2B || b == 0x2D || b == 0x2E || b == 0x28 || b == 0x29
    }

    /// `YYYY-MM-DD` and a real date, checked on the bytes.
    static func isNormalDate(_ s: String) -> Bool {
        let b = s.utf8
        guard b.count == 10 else { return false }
        var digits: [Int] = []
        digits.reserveCapacity(8)
        for (i, c) in b.enumerated() {
            if i == 4 || i == 7 {
                guard c == 0x2D else { return false }
            } else {
                guard c >= 0x30 && c <= 0x39 else { return false }
                digits.append(Int(c - 0x30))
            }
        }
        let y = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3]
        let m = digits[4] * 10 + digits[5], d = digits[6] * 10 + digits[7]
        guard (1900...2100).contains(y), (1...12).contains(m), d >= 1 else { return false }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        return d <= [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    }

    /// `isNormalList` on the bytes of an ASCII list (most lists); nil if the list is not ASCII.
    private static func isNormalASCIIList(_ s: String, codes: Bool) -> Bool? {
        var s = s
        return s.withUTF8 { b -> Bool? in
            guard b.allSatisfy({ $0 < 0x80 }) else { return nil }
            var start = 0
            var previous: Range<Int>? = nil
            var i = 0
            while i <= b.count {
                if i == b.count || b[i] == 0x3B {
                    let item = start..<i
                    guard !item.isEmpty else { return false }
                    if codes {
                        guard (2...3).contains(item.count), b[item].allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return false }
                    } else {
                        guard item.count <= maximumListItemLength, b[item.lowerBound] != 0x20, b[item.upperBound - 1] != 0x20 else {
                            return false
                        }
                        var last: UInt8 = 0
                        for c in b[item] {
                            // No control, no upper case, no white space but single spaces.
                            if c < 0x20 || c == 0x7F || (c >= 0x41 && c <= 0x5A) || (c == 0x20 && last == 0x20) { return false }
                            last = c
                        }
                    }
                    if let p = previous, !b[p].lexicographicallyPrecedes(b[item]) { return false }
                    previous = item
                    start = i + 1
                }
                i += 1
            }
            return true
        }
    }

    /// A phone number in normal form: only `0-9`, space, `+`, `-`, `.`, `(`, `)`; at least 4 digits;
    /// at most 32 bytes; no space at either end and never two in a row.
    static func isNormalPhone(_ s: String) -> Bool {
        let b = s.utf8
        guard !b.isEmpty, b.count <= 32, b.first != 0x20, b.last != 0x20 else { return false }
        var digits = 0
        var previous: UInt8 = 0
        for c in b {
            guard isPhoneByte(c), !(c == 0x20 && previous == 0x20) else { return false }
            if c >= 0x30 && c <= 0x39 { digits += 1 }
            previous = c
        }
        return digits >= 4
    }

    /// The longest list item, in characters.
    public static let maximumListItemLength = 100

    /// A list in normal form: items separated by `;`, none empty, strictly increasing by Unicode
    /// scalar values (= by UTF-8 bytes). Each item is normal text of at most 100 characters with no
    /// line feed, no white space but single spaces (U+0020) between words, and in lower case; for
    /// language codes, 2–3 letters a-z.
    static func isNormalList(_ s: String, codes: Bool) -> Bool {
        guard !s.isEmpty else { return false }
        if let ascii = isNormalASCIIList(s, codes: codes) { return ascii }
        var previous: Substring? = nil
        for item in s.split(separator: ";", omittingEmptySubsequences: false) {
            if codes {
                guard (2...3).contains(item.utf8.count), item.utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return false }
            } else {
                guard NormalText.isNormal(item, maxLength: maximumListItemLength), NormalText.isLowercase(item) else {
                    return false
                }
                var lastSpace = false
                for scalar in item.unicodeScalars {
                    let space = NormalText.isWhiteSpace(scalar)
                    if space && (scalar.value != 0x20 || lastSpace) { return false }
                    lastSpace = space
                }
            }
            if let p = previous, !p.utf8.lexicographicallyPrecedes(item.utf8) { return false }
            previous = item
        }
        return true
    }
}

extension TableSchema {
    /// The one check of a value for a field (protocol.md §2.2), made by every writer (local writes,
    /// matching rounds, the in-memory replica) and every receiver (merge plans) alike, so that
    /// nothing one site writes is refused by another: the field exists, and the value is in its
    /// normal form. Returns the field's position.
    public func check(_ name: String, _ value: Value) throws(SchemaError) -> Int {
        guard let p = position(of: name) else {
            throw .unknownField(table: self.name, field: name, known: fields.map(\.name))
        }
        let field = fields[p]
        guard field.accepts(value) else {
            throw .invalidValue(table: self.name, field: name, value: value.shown, expected: field.expectation(for: value))
        }
        return p
    }
}

extension FieldType {
    /// What fits a field of this type, for error messages.
    public var expectation: SchemaError.Expectation {
        switch self {
        case .text(let maxLength, _): return .maxLength(maxLength)
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

extension Field {
    /// What a refused value lacks, as precisely as it can be said.
    public func expectation(for value: Value) -> SchemaError.Expectation {
        guard case .text(let s) = value else { return type.expectation }
        var flaw: NormalText.Flaw? = nil
        switch type {
        case .text(let maxLength, let multiline): flaw = NormalText.flaw(s, maxLength: maxLength, multiline: multiline)
        case .list(.free):
            for item in s.split(separator: ";") {
                flaw = NormalText.flaw(item, maxLength: Field.maximumListItemLength)
                if flaw != nil { break }
            }
        default: break
        }
        switch flaw {
        case .control(let c): return .noControlCharacter(c)
        case .unassigned(let c): return .knownCharacters(c)
        default: return type.expectation
        }
    }
}

extension Value {
    /// The value for a message: control characters named, not printed, and at most 80 characters.
    public var shown: String {
        let text = NormalText.printable(display)
        let scalars = text.unicodeScalars
        guard scalars.count > 80 else { return text }
        return String(String.UnicodeScalarView(scalars.prefix(80))) + "…"
    }
}
