import Jonction

/// Random writes over a small pool of records and fields, so that sites collide often.
public struct RandomWorkload {
    public static let tables = ["candidate", "opportunity"]
    public static let candidateFields: [(String, [Value])] = [
        ("family_name", [.text("Traoré"), .text("Keïta"), .text("Diarra"), .text("Maïga")]),
        ("status", [.text("registered"), .text("trained"), .text("placed"), .text("withdrawn")]),
        ("birth_year", [.integer(1990), .integer(2001), .integer(2004)]),
        ("region", [.text("Kayes"), .text("Mopti"), .text("Gao"), .text("Ségou")]),
        ("notes", [.null, .text("revenu de Libye"), .text("a=b \"c\"")]),
    ]
    public static let opportunityFields: [(String, [Value])] = [
        ("places", [.integer(1), .integer(3), .integer(10)]),
        ("status", [.text("open"), .text("filled"), .text("closed")]),
        ("title", [.text("Maçon qualifié"), .text("Stage en mécanique")]),
    ]

    /// A random local operation: mostly a field set, sometimes a delete (rarer, since it is final).
    public static func operation(ids: Int, deleteOdds: Int = 40, using rng: inout SeededGenerator)
        -> (table: String, id: String, fields: [(String, Value)]?)
    {
        let table = tables.randomElement(using: &rng)!
        let id = "\(table.prefix(1))\(Int.random(in: 0..<ids, using: &rng))"
        if Int.random(in: 0..<deleteOdds, using: &rng) == 0 { return (table, id, nil) }
        let pool = table == "candidate" ? candidateFields : opportunityFields
        var fields: [(String, Value)] = []
        for (name, values) in pool.shuffled(using: &rng).prefix(Int.random(in: 1...2, using: &rng)) {
            fields.append((name, values.randomElement(using: &rng)!))
        }
        return (table, id, fields)
    }
}

extension MemoryReplica.WriteError {
    /// The refusals a random workload runs into (a delete of a record never seen, a write to a
    /// deleted one); any other is a bug.
    public var isRecordGone: Bool {
        switch self {
        case .recordNotFound, .recordDeleted, .recordErased: true
        default: false
        }
    }
}

extension MemoryReplica {
    /// Performs a random workload operation; a write to a deleted record, or a delete of one never
    /// seen here, is refused and changes nothing.
    public mutating func perform(_ op: (table: String, id: String, fields: [(String, Value)]?), wallMillis: UInt64) {
        if let fields = op.fields {
            _ = try? set(table: op.table, id: op.id, fields: fields, wallMillis: wallMillis)
        } else {
            _ = try? delete(table: op.table, id: op.id, wallMillis: wallMillis)
        }
    }

    /// Takes in everything `other` holds that this site lacks.
    public mutating func takeIn(_ other: MemoryReplica, wallMillis: UInt64) {
        let changes = other.changes(WhatToSend(ours: other.vector, acknowledged: vector))
        guard !changes.isEmpty else { return }
        _ = try? receive([ReceivedBlock(changes: changes)], wallMillis: wallMillis)
    }

    /// The changes this site originated, in seq order.
    public var ownChanges: [Change] { log[site] ?? [] }
}
