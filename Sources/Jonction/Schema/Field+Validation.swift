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
            return !s.isEmpty && s.utf8.count <= 32 && s.utf8.allSatisfy(Field.isPhoneByte)
        case (.date, .text(let s)):
            return Field.isNormalDate(s)
        case (.enumeration(let values), .text(let s)):
            return values.contains(s)
        case (.region, .text(let s)):
            return Schema.regions.contains(s)
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

    /// Items separated by `;`, none empty, strictly increasing by Unicode scalars (= UTF-8 bytes),
    /// and for language codes 2–3 letters a-z. Checked on the bytes, without splitting.
    static func isNormalList(_ s: String, codes: Bool) -> Bool {
        var ok = true
        var s = s
        s.withUTF8 { b in
            var start = 0
            var previous: Range<Int>? = nil
            var i = 0
            while i <= b.count {
                if i == b.count || b[i] == 0x3B {
                    let item = start..<i
                    if item.isEmpty { ok = false; return }
                    if codes {
                        if !(2...3).contains(item.count) || !b[item].allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) { ok = false; return }
                    }
                    if let p = previous, !b[p].lexicographicallyPrecedes(b[item]) { ok = false; return }
                    previous = item
                    start = i + 1
                }
                i += 1
            }
        }
        return ok
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
            throw .invalidValue(table: self.name, field: name, value: value.display, expected: field.type.expectation)
        }
        return p
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
