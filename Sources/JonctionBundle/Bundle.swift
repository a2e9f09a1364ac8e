import Jonction

/// What one site sends another: the changes the addressee lacks, from every origin, with the
/// sender's version vector (which acknowledges what the sender holds). Format: protocol.md §5.
public struct Bundle: Sendable, Equatable {
    /// The version of the file format this code writes and reads.
    public static let formatVersion: UInt8 = 1

    public var sender: SiteName
    public var addressee: SiteName
    /// The sender's network id, or nil if it has none yet (protocol.md §5.3).
    public var network: String?
    /// When the sender wrote it (its wall clock, milliseconds since the Unix epoch).
    public var createdAt: UInt64
    public var schemaVersion: Int
    /// Everything the sender held when it wrote the bundle.
    public var senderVector: VersionVector
    /// For each origin, the seqs carried: exactly the changes of the block.
    public var ranges: [SiteName: ClosedRange<UInt64>]
    /// In origin then seq order.
    public var changes: [Change]

    public init(sender: SiteName, addressee: SiteName, network: String?, createdAt: UInt64,
                schemaVersion: Int = Schema.v1.version, senderVector: VersionVector, changes: [Change]) {
        self.sender = sender
        self.addressee = addressee
        self.network = network
        self.createdAt = createdAt
        self.schemaVersion = schemaVersion
        self.senderVector = senderVector
        let ordered = changes.sorted { $0.origin != $1.origin ? $0.origin < $1.origin : $0.seq < $1.seq }
        self.changes = ordered
        var ranges: [SiteName: ClosedRange<UInt64>] = [:]
        for change in ordered {
            if let r = ranges[change.origin] {
                ranges[change.origin] = min(r.lowerBound, change.seq)...max(r.upperBound, change.seq)
            } else {
                ranges[change.origin] = change.seq...change.seq
            }
        }
        self.ranges = ranges
    }

    /// Ranges in origin order.
    public var sortedRanges: [(origin: SiteName, seqs: ClosedRange<UInt64>)] {
        ranges.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

/// The header of a bundle file, readable without decompressing the body (to sort a mailbag).
public struct BundleHeader: Sendable, Equatable {
    public var sender: SiteName
    public var addressee: SiteName
    public var network: String?
    public var createdAt: UInt64
    public var schemaVersion: Int
    public var senderVector: VersionVector
    public var ranges: [SiteName: ClosedRange<UInt64>]
    public var changeCount: Int
}
