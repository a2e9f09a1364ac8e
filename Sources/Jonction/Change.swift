/// One change: a field set, or a record delete, as an origin site recorded it.
///
/// `seq` numbers the origin's changes 1, 2, 3 … without gaps, so a version vector says exactly which
/// changes a replica holds. `previous` is the stamp of the value the change overwrote on its origin
/// (nil for a first write): it tells a receiver whether the writer had seen the value it replaces.
/// For a delete it is the greatest stamp the record had on its origin. See protocol.md §3.
public struct Change: Sendable, Hashable {
    public var origin: SiteName
    public var seq: UInt64
    public var hlc: HLC
    public var table: String
    public var id: String
    public var operation: Operation
    public var previous: Stamp?

    public enum Operation: Sendable, Hashable {
        case set(field: String, value: Value)
        case delete
    }

    public init(origin: SiteName, seq: UInt64, hlc: HLC, table: String, id: String, operation: Operation,
                previous: Stamp? = nil) {
        self.origin = origin
        self.seq = seq
        self.hlc = hlc
        self.table = table
        self.id = id
        self.operation = operation
        self.previous = previous
    }

    public var stamp: Stamp { Stamp(hlc: hlc, site: origin) }

    /// The field set, or nil for a delete.
    public var field: String? {
        if case .set(let field, _) = operation { return field }
        return nil
    }

    public var isDelete: Bool { operation == .delete }
}
