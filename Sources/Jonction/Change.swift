/// One change: a field set, a record delete or a record erasure, as an origin site recorded it.
///
/// `seq` numbers the origin's changes 1, 2, 3 … without gaps, so a version vector says exactly which
/// changes a replica holds. `previous` is the stamp of the value the change overwrote on its origin
/// (nil for a first write): it tells a receiver whether the writer had seen the value it replaces.
/// For a delete or an erasure it is the greatest stamp the record had on its origin. `author` is the
/// person of the origin's user list who made the change, if the origin names one. See protocol.md §3.
public struct Change: Sendable, Hashable {
    public var origin: SiteName
    public var seq: UInt64
    public var hlc: HLC
    public var table: String
    public var id: String
    public var operation: Operation
    public var previous: Stamp?
    public var author: UserName?

    public enum Operation: Sendable, Hashable {
        case set(field: String, value: Value)
        case delete
        /// A delete that also removes every value the record ever had, at every replica that holds
        /// it (protocol.md §3.5).
        case erase
    }

    public init(origin: SiteName, seq: UInt64, hlc: HLC, table: String, id: String, operation: Operation,
                previous: Stamp? = nil, author: UserName? = nil) {
        self.origin = origin
        self.seq = seq
        self.hlc = hlc
        self.table = table
        self.id = id
        self.operation = operation
        self.previous = previous
        self.author = author
    }

    public var stamp: Stamp { Stamp(hlc: hlc, site: origin) }

    /// The field set, or nil for a delete or an erasure.
    public var field: String? {
        if case .set(let field, _) = operation { return field }
        return nil
    }

    public var isDelete: Bool { operation == .delete }
    public var isErase: Bool { operation == .erase }
    /// A delete or an erasure: the record's tombstone.
    public var endsRecord: Bool { operation == .delete || operation == .erase }
}
