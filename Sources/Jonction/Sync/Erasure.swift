/// A record, by table and id.
public struct RecordKey: Sendable, Hashable, Comparable {
    public var table: String
    public var id: String

    public init(table: String, id: String) {
        self.table = table
        self.id = id
    }

    public init(_ change: Change) {
        self.init(table: change.table, id: change.id)
    }

    public static func < (lhs: RecordKey, rhs: RecordKey) -> Bool {
        lhs.table != rhs.table ? CanonicalJSON.precedes(lhs.table, rhs.table) : CanonicalJSON.precedes(lhs.id, rhs.id)
    }
}

/// The erasure rule (protocol.md §3.5): once a site holds an erasure of a record, no value the record
/// ever had stays at that site. The changes of the log keep their stamps (so vectors, gaps and the
/// merge are unchanged) and lose their values, which become `Value.erased`; the conflict audit of the
/// record goes too. A change that arrives later for an erased record is logged already redacted.
public enum Erasure {
    /// The records `changes` erase.
    public static func erased(by changes: [Change]) -> Set<RecordKey> {
        var keys = Set<RecordKey>()
        for c in changes where c.operation == .erase { keys.insert(RecordKey(c)) }
        return keys
    }

    /// `changes` with the values of the `erased` records removed, or nil when none held one (the
    /// block can stay as it is, signature and all).
    public static func redacted(_ changes: [Change], erasing erased: Set<RecordKey>) -> [Change]? {
        guard !erased.isEmpty else { return nil }
        var result: [Change]? = nil
        for (i, c) in changes.enumerated() {
            guard case .set(let field, let value) = c.operation, value != .erased,
                erased.contains(RecordKey(c))
            else { continue }
            if result == nil { result = changes }
            result![i].operation = .set(field: field, value: .erased)
        }
        return result
    }

    /// Whether a conflict may be kept in the audit: not if it concerns an erased record.
    public static func keeps(_ conflict: Conflict, erasing erased: Set<RecordKey>) -> Bool {
        erased.isEmpty || !erased.contains(RecordKey(table: conflict.table, id: conflict.id))
    }
}
