/// The value of one field, as the change log, the bundles and the replica hold it.
///
/// Dates, enums, regions and lists are text in their normalised form (see `FieldType`);
/// `null` is an absent or cleared field. `erased` is what the log keeps of a value once its record
/// is erased: the change keeps its stamp, not its value (protocol.md §3.5); it is never written by a
/// site, and merges as null. See protocol.md §2.
public enum Value: Sendable, Hashable {
    case null
    case integer(Int64)
    case text(String)
    case erased

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The value as a user reads it: integers in decimal, text as is, null as an empty string.
    public var display: String {
        switch self {
        case .null, .erased: return ""
        case .integer(let n): return String(n)
        case .text(let s): return s
        }
    }
}
