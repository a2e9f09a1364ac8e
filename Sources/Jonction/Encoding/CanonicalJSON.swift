/// A writer of canonical JSON: keys sorted by UTF-8 bytes, no insignificant whitespace, strings
/// escaped only where JSON requires (`"`, `\`, control characters), integers in decimal.
///
/// Two replicas in the same state produce the same bytes (protocol.md §2.4).
public struct CanonicalJSON: Sendable {
    public private(set) var output = ""
    private var needsComma = [false]

    public init() {}

    /// UTF-8 byte order, the order of canonical keys.
    /// Compared over the strings' contiguous UTF-8 (what sorting thousands of record keys for a
    /// delivery spends most of its time on with the generic `lexicographicallyPrecedes`).
    public static func precedes(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                for i in 0..<min(x.count, y.count) where x[i] != y[i] { return x[i] < y[i] }
                return x.count < y.count
            }
        }
    }

    public mutating func beginObject() {
        separate()
        output += "{"
        needsComma.append(false)
    }

    public mutating func endObject() {
        needsComma.removeLast()
        output += "}"
    }

    public mutating func beginArray() {
        separate()
        output += "["
        needsComma.append(false)
    }

    public mutating func endArray() {
        needsComma.removeLast()
        output += "]"
    }

    /// Writes a key; the next value written is its value.
    public mutating func key(_ key: String) {
        separate()
        Self.appendString(key, to: &output)
        output += ":"
        needsComma[needsComma.count - 1] = false
    }

    public mutating func value(_ value: Value) {
        separate()
        switch value {
        case .null, .erased: output += "null"
        case .integer(let n): output += String(n)
        case .text(let s): Self.appendString(s, to: &output)
        }
    }

    public mutating func string(_ s: String) { value(.text(s)) }
    public mutating func integer<I: BinaryInteger>(_ n: I) {
        separate()
        output += String(n)
    }
    public mutating func bool(_ b: Bool) {
        separate()
        output += b ? "true" : "false"
    }
    public mutating func null() { value(.null) }

    /// A version vector as an object: `{"site":seq,…}`, sites sorted.
    public mutating func vector(_ vector: VersionVector) {
        beginObject()
        for (site, seq) in vector.sorted {
            key(site.rawValue)
            integer(seq)
        }
        endObject()
    }

    /// A record's non-null fields as an object, keys sorted.
    public mutating func record(_ values: [Value], fields: [Field]) {
        beginObject()
        let order = fields.indices.sorted { Self.precedes(fields[$0].name, fields[$1].name) }
        for i in order where !values[i].isNull {
            key(fields[i].name)
            value(values[i])
        }
        endObject()
    }

    private mutating func separate() {
        if needsComma[needsComma.count - 1] { output += "," }
        needsComma[needsComma.count - 1] = true
    }

    static func appendString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
