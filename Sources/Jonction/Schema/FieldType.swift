/// The type of a field: what a value may be and the one normalised form it is stored in.
///
/// Normalisation makes equal intents equal values on every replica: `Ségou`, `segou` and `SEGOU`
/// are the region `Ségou`; `bm;fr;bm` is the list `bm;fr`. See protocol.md §2.2.
public enum FieldType: Sendable, Hashable {
    /// Free text in the normal form of `NormalText` (trimmed, NFC, no control character), at most
    /// `maxLength` characters; line feeds only if `multiline`.
    case text(maxLength: Int, multiline: Bool = false)
    /// A telephone number: digits, spaces, `+`, `-`, `.`, `(`, `)`.
    case phone
    /// A whole number within a range.
    case integer(ClosedRange<Int64>)
    /// 0 or 1.
    case flag
    /// A calendar date, stored `YYYY-MM-DD` (also accepted as `JJ/MM/AAAA`).
    case date
    /// One of a closed list of values, in their canonical spelling (matched without regard to case).
    case enumeration([String])
    /// One of the regions of Mali (matched without regard to case or accents).
    case region
    /// An ISCO-08 unit group: four digits.
    case isco
    /// A set of items, stored sorted by Unicode scalar values and joined with `;`.
    case list(ListItems)
    /// The id of a record of another table (not checked for existence: it may not have arrived yet).
    case reference(table: String)

    public enum ListItems: Sendable, Hashable {
        /// Free text items (skills).
        case free
        /// Language codes: two or three lowercase letters (ISO 639).
        case languageCodes
    }

    /// Whether SQLite stores the field as INTEGER (else TEXT).
    public var isInteger: Bool {
        switch self {
        case .integer, .flag: return true
        default: return false
        }
    }
}
