import Jonction

/// A site held in memory with the domain types only: local writes produce changes the way a replica
/// does (next seq, HLC tick, previous stamp), and received changes merge into its `RecordSet`.
public struct SimulatedSite {
    public let name: SiteName
    public var records: RecordSet
    public var clock: HybridClock
    public var seq: UInt64 = 0
    public var log: [Change] = []
    /// The highest seq held per origin (changes arrive in seq order in these simulations).
    public var vector = VersionVector()

    public init(_ name: String, schema: Schema = .v1) {
        self.name = SiteName(unchecked: name)
        self.records = RecordSet(schema: schema)
        self.clock = HybridClock()
    }

    /// Records a local field set or delete (nil fields); returns nothing if the record is deleted here
    /// or a delete targets a record this site never saw.
    @discardableResult
    public mutating func write(table: String, id: String, fields: [(String, Value)]?, wall: UInt64) -> [Change] {
        let state = records.record(table: table, id: id)
        if state?.isDeleted == true { return [] }
        let schema = try! records.schema.table(named: table)
        var out: [Change] = []
        if let fields {
            for (name, value) in fields {
                let p = schema.position(of: name)!
                seq += 1
                let change = Change(origin: self.name, seq: seq, hlc: clock.tick(wallMillis: wall),
                                    table: table, id: id, operation: .set(field: name, value: value),
                                    previous: records.record(table: table, id: id)?.stamps[p])
                try! records.apply(change)
                out.append(change)
            }
        } else {
            guard let state else { return [] }
            seq += 1
            let change = Change(origin: name, seq: seq, hlc: clock.tick(wallMillis: wall), table: table, id: id,
                                operation: .delete, previous: state.greatestStamp)
            try! records.apply(change)
            out.append(change)
        }
        log += out
        vector[name] = seq
        return out
    }

    /// Merges the changes it does not hold yet, in clock order (causal delivery).
    public mutating func receive(_ changes: [Change], wall: UInt64) {
        let fresh = changes.filter { !vector.contains(origin: $0.origin, seq: $0.seq) }.sorted { $0.stamp < $1.stamp }
        for change in fresh {
            try! records.apply(change)
            clock.receive(change.hlc, wallMillis: wall)
            vector[change.origin] = max(vector[change.origin], change.seq)
        }
        log += fresh
    }
}
