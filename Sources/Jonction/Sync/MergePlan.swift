/// A merge prepared before the transaction: every change checked against the schema (protocol.md
/// §2.2), grouped by record, and in stamp order within a record (§3.3). Pure CPU work, so it may run
/// on another thread while the previous batch is written.
///
/// Flat `Int32` arrays rather than an array per record: a hub plans hundreds of thousands of changes.
public struct MergePlan: Sendable {
    public let blocks: [ReceivedBlock]
    public let changes: [Change]
    /// The field position of each change in its table (-1 for a delete).
    public let positions: [Int32]
    /// Change indexes, record by record, in stamp order within a record.
    public let order: [Int32]
    /// Where each record's changes end in `order`.
    public let groupEnds: [Int32]
    public let keys: [(table: String, id: String)]

    /// Values out of normal form, written by a version that did not check them (`rules: .lenient`),
    /// taken as null: how many.
    public let nulledValues: Int

    public var changeCount: Int { changes.count }

    /// How received values are checked against the normal forms of protocol.md §2.2.
    public enum ValueRules: Sendable {
        /// Every value must be in normal form, else the delivery is refused (data model version 2).
        case strict
        /// A value out of normal form is taken as null (data model version 1: written before the
        /// normal forms were enforced, protocol.md §2.2 "Values written by version 1").
        case lenient
    }

    /// Plans the changes of `blocks`, in their order. Throws `SyncRefusal.invalidChange` for the first
    /// change `schema` refuses.
    public init(_ blocks: [ReceivedBlock], schema: Schema, values rules: ValueRules = .strict) throws(SyncRefusal) {
        var blocks = blocks
        var nulled = 0
        var positions: [Int32] = []
        positions.reserveCapacity(blocks.reduce(0) { $0 + $1.changes.count })
        var cachedTable: TableSchema? = nil
        var lastID: String? = nil
        for b in blocks.indices {
            for (i, change) in blocks[b].changes.enumerated() {
                if cachedTable?.name != change.table {
                    do { cachedTable = try schema.table(named: change.table) } catch {
                        throw .invalidChange(origin: change.origin, seq: change.seq, reason: error)
                    }
                }
                if change.id != lastID {
                    guard Schema.isValidRecordID(change.id) else {
                        throw .invalidChange(origin: change.origin, seq: change.seq,
                                             reason: .invalidRecordID(NormalText.printable(change.id)))
                    }
                    lastID = change.id
                }
                guard case .set(let name, let value) = change.operation else {
                    positions.append(-1)
                    continue
                }
                do {
                    // An erased value (protocol.md §3.5) stands for any value of its field.
                    if case .erased = value {
                        positions.append(Int32(try cachedTable!.check(name, .null)))
                    } else {
                        positions.append(Int32(try cachedTable!.check(name, value)))
                    }
                } catch {
                    guard rules == .lenient, case .invalidValue = error else {
                        throw .invalidChange(origin: change.origin, seq: change.seq, reason: error)
                    }
                    blocks[b].changes[i].operation = .set(field: name, value: .null)
                    blocks[b].encoded = nil
                    positions.append(Int32(cachedTable!.position(of: name)!))
                    nulled += 1
                }
            }
        }
        let changes = blocks.count == 1 ? blocks[0].changes : blocks.flatMap(\.changes)

        // Record by record, and within a record in clock order (with causal delivery, a change's
        // ancestors come first). Changes of one origin come in seq order, which is clock order, so
        // only records changed by several origins usually need sorting.
        var groupOf = [Int32](repeating: 0, count: changes.count)
        var sizes: [Int32] = []
        var keys: [(table: String, id: String)] = []
        var groups: [String: [String: Int32]] = [:]
        var currentTable = "", current: [String: Int32] = [:]
        var lastKey = (table: "", id: ""), lastGroup: Int32 = -1
        for (i, c) in changes.enumerated() {
            if lastGroup >= 0, c.id == lastKey.id, c.table == lastKey.table {
                groupOf[i] = lastGroup
                sizes[Int(lastGroup)] += 1
                continue
            }
            if c.table != currentTable {
                groups[currentTable] = current
                currentTable = c.table
                current = groups.removeValue(forKey: c.table) ?? [:]
            }
            lastKey = (c.table, c.id)
            if let g = current[c.id] {
                lastGroup = g
            } else {
                lastGroup = Int32(keys.count)
                current[c.id] = lastGroup
                sizes.append(0)
                keys.append((c.table, c.id))
            }
            groupOf[i] = lastGroup
            sizes[Int(lastGroup)] += 1
        }
        var groupEnds = [Int32](repeating: 0, count: keys.count)
        var next = [Int32](repeating: 0, count: keys.count)
        var total: Int32 = 0
        for g in 0..<keys.count {
            next[g] = total
            total += sizes[g]
            groupEnds[g] = total
        }
        var order = [Int32](repeating: 0, count: changes.count)
        for i in 0..<changes.count {
            let g = Int(groupOf[i])
            order[Int(next[g])] = Int32(i)
            next[g] += 1
        }
        var start = 0
        for g in 0..<keys.count {
            let end = Int(groupEnds[g])
            if end - start > 1 {
                let range = start..<end
                if !order[range].isSorted(by: { changes[Int($0)].stamp < changes[Int($1)].stamp }) {
                    order[range].sort { changes[Int($0)].stamp < changes[Int($1)].stamp }
                }
            }
            start = end
        }
        self.blocks = blocks
        self.nulledValues = nulled
        self.changes = changes
        self.positions = positions
        self.order = order
        self.groupEnds = groupEnds
        self.keys = keys
    }

    /// Merges the planned changes into `records`, record by record (the merge rule of
    /// `RecordState.apply`); returns the conflicts revealed. The caller has admitted them first.
    public func merge(into records: inout RecordSet) -> [Conflict] {
        var conflicts: [Conflict] = []
        var start = 0
        for (g, key) in keys.enumerated() {
            let end = Int(groupEnds[g])
            defer { start = end }
            // Planned against the same schema, so the table exists.
            guard let table = try? records.schema.table(named: key.table) else { continue }
            var state = records.record(table: key.table, id: key.id) ?? RecordState(fieldCount: table.fields.count)
            var changed = false
            for k in start..<end {
                let i = Int(order[k])
                let p = Int(positions[i])
                let effect = state.apply(changes[i], at: p < 0 ? nil : p, in: table)
                changed = changed || effect.changed
                conflicts.append(contentsOf: effect.conflicts)
            }
            if changed { records.set(table: key.table, id: key.id, state) }
        }
        return conflicts
    }
}

extension Collection {
    /// Whether the elements are already in `areInIncreasingOrder` order (then no sort is needed).
    func isSorted(by areInIncreasingOrder: (Element, Element) -> Bool) -> Bool {
        var previous: Element? = nil
        for element in self {
            if let p = previous, areInIncreasingOrder(element, p) { return false }
            previous = element
        }
        return true
    }
}
