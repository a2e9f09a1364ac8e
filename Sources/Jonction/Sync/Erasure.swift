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
///
/// The same holds for one field (§3.6): a set change whose value is erased (a value withheld by the
/// site that wrote it, a candidate without consent) withdraws the field's older values, those of
/// smaller stamps.
public enum Erasure {
    /// For some records, per field, the stamp below which the field's values are withdrawn.
    public typealias FieldCutoffs = [RecordKey: [String: Stamp]]

    /// The records `changes` erase.
    public static func erased(by changes: [Change]) -> Set<RecordKey> {
        var keys = Set<RecordKey>()
        for c in changes where c.operation == .erase { keys.insert(RecordKey(c)) }
        return keys
    }

    /// Whether a change withdraws its field's older values: a set of an erased value.
    public static func isWithdrawal(_ change: Change) -> Bool {
        if case .set(_, .erased) = change.operation { return true }
        return false
    }

    /// The field cutoffs `changes` set: per field withdrawn, the greatest stamp withdrawing it.
    public static func cutoffs(of changes: [Change], into cutoffs: inout FieldCutoffs) {
        for c in changes {
            guard case .set(let field, .erased) = c.operation else { continue }
            let key = RecordKey(c)
            if cutoffs[key]?[field].map({ c.stamp > $0 }) ?? true { cutoffs[key, default: [:]][field] = c.stamp }
        }
    }

    /// `changes` with the values of the `erased` records, and the values of fields older than their
    /// cutoff, removed; or nil when none held one (the block can stay as it is, signature and all).
    public static func redacted(_ changes: [Change], erasing erased: Set<RecordKey>, fields: FieldCutoffs = [:]) -> [Change]? {
        guard !erased.isEmpty || !fields.isEmpty else { return nil }
        var result: [Change]? = nil
        for (i, c) in changes.enumerated() {
            guard case .set(let field, let value) = c.operation, value != .erased else { continue }
            let key = RecordKey(c)
            guard erased.contains(key) || fields[key]?[field].map({ c.stamp < $0 }) == true else { continue }
            if result == nil { result = changes }
            result![i].operation = .set(field: field, value: .erased)
        }
        return result
    }

    /// Whether a conflict may be kept in the audit: not if it concerns an erased record, or a value
    /// of a field older than its cutoff.
    public static func keeps(_ conflict: Conflict, erasing erased: Set<RecordKey>, fields: FieldCutoffs = [:]) -> Bool {
        let key = RecordKey(table: conflict.table, id: conflict.id)
        guard !erased.contains(key) else { return false }
        guard let cutoff = fields[key]?[conflict.field] else { return true }
        return conflict.winner.stamp >= cutoff && conflict.loser.stamp >= cutoff
    }
}
