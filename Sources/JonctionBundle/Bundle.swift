import Jonction
import JonctionStore

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
    /// For each origin, the seqs carried: exactly the changes of the blocks, each once.
    public var ranges: [SiteName: ClosedRange<UInt64>]
    public var changeCount: Int
    /// The body: change blocks (protocol.md §4.2).
    public var blocks: [[UInt8]]
    /// The changes of each block, once decoded (a bundle read from bytes, or built from changes).
    public internal(set) var decoded: [[Change]]

    /// A bundle of the given changes, in one block (origin then seq order).
    public init(sender: SiteName, addressee: SiteName, network: String?, createdAt: UInt64,
                schemaVersion: Int = Schema.v1.version, senderVector: VersionVector, changes: [Change]) {
        let ordered = changes.sorted { $0.origin != $1.origin ? $0.origin < $1.origin : $0.seq < $1.seq }
        var ranges: [SiteName: ClosedRange<UInt64>] = [:]
        for change in ordered {
            let r = ranges[change.origin]
            ranges[change.origin] = min(r?.lowerBound ?? change.seq, change.seq)...max(r?.upperBound ?? change.seq, change.seq)
        }
        self.init(sender: sender, addressee: addressee, network: network, createdAt: createdAt,
                  schemaVersion: schemaVersion, senderVector: senderVector, ranges: ranges,
                  changeCount: ordered.count, blocks: [ChangeBlock.encode(ordered)], decoded: [ordered])
    }

    /// A bundle of blocks already encoded (a replica's log segments): see `Replica.makeBundle`.
    public init(sender: SiteName, addressee: SiteName, network: String?, createdAt: UInt64,
                schemaVersion: Int = Schema.v1.version, senderVector: VersionVector,
                ranges: [SiteName: ClosedRange<UInt64>], changeCount: Int, blocks: [[UInt8]], decoded: [[Change]] = []) {
        self.sender = sender
        self.addressee = addressee
        self.network = network
        self.createdAt = createdAt
        self.schemaVersion = schemaVersion
        self.senderVector = senderVector
        self.ranges = ranges
        self.changeCount = changeCount
        self.blocks = blocks
        self.decoded = decoded
    }

    /// All the changes (decoding the blocks if they were not yet).
    public var changes: [Change] {
        if decoded.count == blocks.count { return decoded.flatMap { $0 } }
        return blocks.flatMap { (try? ChangeBlock.decode($0)) ?? [] }
    }

    /// The blocks with their changes, as the replica merges them.
    public var receivedBlocks: [ReceivedBlock] {
        if decoded.count == blocks.count {
            return zip(blocks, decoded).map { ReceivedBlock(changes: $1, encoded: $0) }
        }
        return blocks.map { ReceivedBlock(changes: (try? ChangeBlock.decode($0)) ?? [], encoded: $0) }
    }

    /// Ranges in origin order.
    public var sortedRanges: [(origin: SiteName, seqs: ClosedRange<UInt64>)] {
        ranges.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    public var header: BundleHeader {
        BundleHeader(sender: sender, addressee: addressee, network: network, createdAt: createdAt,
                     schemaVersion: schemaVersion, senderVector: senderVector, ranges: ranges, changeCount: changeCount)
    }

    public static func == (lhs: Bundle, rhs: Bundle) -> Bool {
        lhs.header == rhs.header && lhs.changes == rhs.changes
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
