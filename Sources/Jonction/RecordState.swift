/// The merged state of one record: each field's winning value and stamp, and the tombstone.
///
/// `apply(_:at:)` is the merge rule of DESIGN §3 and protocol.md §3.3, the only one in the code base:
/// per field the greatest stamp wins; a delete (or an erasure) is a permanent tombstone that wins over
/// every field change, earlier or later; an erased value merges as null. Applying is commutative,
/// associative and idempotent.
public struct RecordState: Sendable, Hashable {
    /// Values by field position in the table (`.null` where unset).
    public var values: [Value]
    /// The stamp of each value (nil where never set).
    public var stamps: [Stamp?]
    /// Set once the record is deleted; the greatest delete stamp received.
    public var tombstone: Stamp?

    public init(fieldCount: Int) {
        values = Array(repeating: .null, count: fieldCount)
        stamps = Array(repeating: nil, count: fieldCount)
        tombstone = nil
    }

    public init(values: [Value], stamps: [Stamp?], tombstone: Stamp?) {
        self.values = values
        self.stamps = stamps
        self.tombstone = tombstone
    }

    public var isDeleted: Bool { tombstone != nil }

    /// The greatest stamp in the record: what a delete written here had seen of it.
    public var greatestStamp: Stamp? {
        var best = tombstone
        for case let s? in stamps where best.map({ s > $0 }) ?? true { best = s }
        return best
    }

    /// What applying one change did.
    public struct Effect: Sendable, Equatable {
        /// Whether the state changed.
        public var changed: Bool
        /// Concurrent writes the change revealed (lost values, or values it overwrote unseen).
        public var conflicts: [Conflict]
    }

    /// Applies one change to this record of `table`. A field the table lacks changes nothing
    /// (changes are checked against the schema before they get here).
    ///
    /// Conflicts are reported on the assumption of causal delivery (protocol.md §3.4): a change that
    /// loses, or wins over a value it had not seen, was written concurrently.
    @discardableResult
    public mutating func apply(_ change: Change, in table: TableSchema) -> Effect {
        apply(change, at: change.field.flatMap(table.position(of:)), in: table)
    }

    /// `apply(_:in:)` with the field's position already looked up (nil for a delete, or a field
    /// the table lacks).
    @discardableResult
    public mutating func apply(_ change: Change, at position: Int?, in table: TableSchema) -> Effect {
        let incoming = change.stamp
        switch change.operation {
        case .delete, .erase:
            if let tombstone {
                if incoming > tombstone {
                    self.tombstone = incoming
                    return Effect(changed: true, conflicts: [])
                }
                return Effect(changed: false, conflicts: [])
            }
            var conflicts: [Conflict] = []
            // An erasure reveals no value: what it removes is not kept, even in the audit.
            for (i, stamp) in stamps.enumerated() where change.operation == .delete {
                guard let stamp, change.previous.map({ stamp > $0 }) ?? true else { continue }
                // A value the deleter had not seen is lost with the record.
                conflicts.append(Conflict(
                    table: change.table, id: change.id, field: table.fields[i].name,
                    winner: .init(value: nil, stamp: incoming), loser: .init(value: values[i], stamp: stamp)))
            }
            for i in values.indices {
                values[i] = .null
                stamps[i] = nil
            }
            tombstone = incoming
            return Effect(changed: true, conflicts: conflicts)

        case .set(let field, let value):
            guard let position else { return Effect(changed: false, conflicts: []) }
            if case .erased = value {
                var withdrawn = change
                withdrawn.operation = .set(field: field, value: .null)
                return apply(withdrawn, at: position, in: table)
            }
            if let tombstone {
                return Effect(changed: false, conflicts: [Conflict(
                    table: change.table, id: change.id, field: field,
                    winner: .init(value: nil, stamp: tombstone), loser: .init(value: value, stamp: incoming))])
            }
            guard let current = stamps[position] else {
                values[position] = value
                stamps[position] = incoming
                return Effect(changed: true, conflicts: [])
            }
            if incoming == current { return Effect(changed: false, conflicts: []) }
            let currentValue = values[position]
            if incoming > current {
                values[position] = value
                stamps[position] = incoming
                let unseen = change.previous != current && currentValue != value
                return Effect(changed: true, conflicts: unseen ? [Conflict(
                    table: change.table, id: change.id, field: field,
                    winner: .init(value: value, stamp: incoming), loser: .init(value: currentValue, stamp: current))] : [])
            }
            let lost = currentValue != value
            return Effect(changed: false, conflicts: lost ? [Conflict(
                table: change.table, id: change.id, field: field,
                winner: .init(value: currentValue, stamp: current), loser: .init(value: value, stamp: incoming))] : [])
        }
    }
}
