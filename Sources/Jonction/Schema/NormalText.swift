import Foundation

/// The words of protocol.md §2.2 for text, in one place: what a character is, which white space is
/// trimmed, which characters are refused, and the normal form (NFC). Writers normalise with
/// `normalise`; every writer and every receiver checks with `isNormal`.
///
/// A **character** is a Unicode scalar value. Lengths count characters, not bytes and not what a
/// reader sees as one letter (a flag emoji is two characters).
public enum NormalText {
    /// The Unicode version whose assigned characters text may hold. Normalisation is stable for the
    /// characters assigned in a version, so every implementation at that version or later agrees on
    /// what is normal; a character assigned later could compose differently in a newer library.
    public static let unicodeVersion = (major: 13, minor: 0)

    /// White space: the 25 characters with the Unicode property White_Space.
    @inlinable
    public static func isWhiteSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// Control characters: C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F).
    @inlinable
    public static func isControl(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x20 || (s.value >= 0x7F && s.value <= 0x9F)
    }

    /// Whether a character was assigned in `unicodeVersion` or earlier.
    public static func isAssigned(_ s: Unicode.Scalar) -> Bool {
        guard let age = s.properties.age else { return false }
        return age.major < unicodeVersion.major || (age.major == unicodeVersion.major && age.minor <= unicodeVersion.minor)
    }

    /// Why a text is not in normal form, or nil if it is.
    public enum Flaw: Sendable, Equatable {
        case empty
        case surroundingWhiteSpace
        /// A control character (other than a line feed in a multi-line field).
        case control(UInt32)
        /// A character not assigned in `unicodeVersion`.
        case unassigned(UInt32)
        case notNFC
        case tooLong(Int)
    }

    /// The normal form of text of at most `maxLength` characters (protocol.md §2.2): not empty; no
    /// white space at either end; no control character, except line feeds (U+000A) inside a
    /// `multiline` field; only characters assigned in Unicode 13.0; in NFC; at most `maxLength`
    /// characters.
    public static func flaw<S: StringProtocol>(_ s: S, maxLength: Int, multiline: Bool = false) -> Flaw? {
        // Most texts are ASCII: checked on the bytes (each byte is then a character).
        let utf8 = s.utf8
        guard let firstByte = utf8.first else { return .empty }
        var bytes = 0
        var ascii = true
        var lastByte = firstByte
        for b in utf8 {
            if b >= 0x80 {
                ascii = false
                break
            }
            if (b < 0x20 || b == 0x7F) && !(multiline && b == 0x0A) { return .control(UInt32(b)) }
            bytes += 1
            lastByte = b
        }
        if ascii {
            if firstByte == 0x20 || (0x09...0x0D).contains(firstByte) || lastByte == 0x20 || (0x09...0x0D).contains(lastByte) {
                return .surroundingWhiteSpace
            }
            return bytes > maxLength ? .tooLong(maxLength) : nil
        }
        let scalars = s.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return .empty }
        if isWhiteSpace(first) || isWhiteSpace(last) { return .surroundingWhiteSpace }
        var count = 0
        // A text of inert characters only is in NFC (`isInert`): only texts with other characters
        // pay for the Unicode tables.
        var simple = true
        for scalar in scalars {
            count += 1
            if scalar.value < 0x300 {
                if isControl(scalar) && !(multiline && scalar.value == 0x0A) { return .control(scalar.value) }
                continue
            }
            if !isAssigned(scalar) { return .unassigned(scalar.value) }
            if !isInert(scalar.value) { simple = false }
        }
        if count > maxLength { return .tooLong(maxLength) }
        if !simple && !s.utf8.elementsEqual(s.precomposedStringWithCanonicalMapping.utf8) { return .notNFC }
        return nil
    }

    /// Characters that are starters (canonical combining class 0), have no canonical decomposition
    /// and are never the second of a canonical composition: a text of such characters only is in
    /// NFC. Below U+0300 all are; above, the punctuation, currency signs, arrows and the minus sign
    /// that French text and the score cards use (each range checked against Foundation by a test).
    @inlinable
    public static func isInert(_ value: UInt32) -> Bool {
        switch value {
        case 0..<0x300, 0x2002...0x206F, 0x20A0...0x20C0, 0x2190...0x2199, 0x2212: return true
        default: return false
        }
    }

    public static func isNormal<S: StringProtocol>(_ s: S, maxLength: Int, multiline: Bool = false) -> Bool {
        flaw(s, maxLength: maxLength, multiline: multiline) == nil
    }

    /// What a writer stores for typed or imported text: line breaks (CR LF, CR, and the Unicode line
    /// and paragraph separators) become line feeds in a multi-line field and spaces elsewhere; tabs,
    /// vertical tabs and form feeds become spaces; then white space is trimmed at both ends and the
    /// text put in NFC. What remains may still be refused by `flaw` (a control, an unassigned
    /// character, a length).
    public static func normalise(_ raw: String, multiline: Bool = false) -> String {
        var scalars = String.UnicodeScalarView()
        var previousCR = false
        for scalar in raw.unicodeScalars {
            defer { previousCR = scalar.value == 0x0D }
            switch scalar.value {
            case 0x0A where previousCR:
                continue
            case 0x0A, 0x0D, 0x85, 0x2028, 0x2029:
                scalars.append(multiline ? "\n" : " ")
            case 0x09, 0x0B, 0x0C:
                scalars.append(" ")
            default:
                scalars.append(scalar)
            }
        }
        var start = scalars.startIndex, end = scalars.endIndex
        while start < end, isWhiteSpace(scalars[start]) { start = scalars.index(after: start) }
        while end > start, isWhiteSpace(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        let trimmed = String(scalars[start..<end])
        return trimmed.unicodeScalars.allSatisfy({ isInert($0.value) }) ? trimmed : trimmed.precomposedStringWithCanonicalMapping
    }

    /// Inner runs of white space as one space (U+0020), for list items and phone numbers.
    public static func singleSpaced(_ s: String) -> String {
        var scalars = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in s.unicodeScalars {
            if isWhiteSpace(scalar) {
                pendingSpace = !scalars.isEmpty
            } else {
                if pendingSpace { scalars.append(" ") }
                pendingSpace = false
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// Lower case, character by character, by each character's full lowercase mapping (Unicode's
    /// unconditional mappings: no rule that depends on the language or on the neighbouring letters,
    /// so « Σ » is « σ » wherever it stands), then NFC.
    public static func lowercased(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars { out += scalar.properties.lowercaseMapping }
        return out.utf8.allSatisfy({ $0 < 0x80 }) ? out : out.precomposedStringWithCanonicalMapping
    }

    /// Whether every character is its own lowercase mapping.
    public static func isLowercase(_ s: Substring) -> Bool {
        s.utf8.allSatisfy({ $0 < 0x80 && !($0 >= 0x41 && $0 <= 0x5A) }) || s.unicodeScalars.allSatisfy { scalar in
            if scalar.isASCII { return !(scalar.value >= 0x41 && scalar.value <= 0x5A) }
            let lower = scalar.properties.lowercaseMapping.unicodeScalars
            return lower.count == 1 && lower.first == scalar
        }
    }

    /// `U+001B`: how a refused character is named in messages.
    public static func codePoint(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// The text with control characters shown as `U+XXXX`, so that a message never prints one raw.
    public static func printable(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isControl) else { return s }
        var out = ""
        for scalar in s.unicodeScalars {
            if isControl(scalar) { out += "<\(codePoint(scalar.value))>" } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }
}
