import Jonction
import JonctionStore

/// What one site sends another: the changes the addressee lacks, from every origin, with the
/// sender's version vector (which acknowledges what the sender holds). Format: protocol.md §5.
@dynamicMemberLookup
public struct ChangeBundle: Sendable, Equatable {
    /// The version of the file format this code writes: 2, signed and sealed (protocol.md §5).
    /// Version 1 is still read during the transition (§5.5).
    public static let formatVersion: UInt8 = 2
    /// The version of a bundle to or from an office holding a partial replica (protocol.md §5.10):
    /// format 2, with the scope generation in the header and, from the hub, a scoped delivery.
    public static let scopedFormatVersion: UInt8 = 3

    /// Who wrote it, for whom, and what it carries (its fields read as the bundle's own:
    /// `bundle.sender`, `bundle.ranges`…).
    public var header: BundleHeader
    /// The body: change blocks (protocol.md §4.2).
    public var blocks: [[UInt8]]
    /// The changes of each block, once decoded (a bundle read from bytes, or built from changes).
    public internal(set) var decoded: [[Change]]
    /// Each block's signature (format 2: every block is a signed log segment, §5.3), verified when
    /// the bundle was read; nil for the blocks of a format 1 bundle.
    public var signatures: [SegmentSignature?]
    /// The format version the bundle was read in (or will be written in).
    public internal(set) var format: UInt8 = ChangeBundle.formatVersion
    /// The roster the bundle carried, verified against the hub this site trusts, when it is newer
    /// than the site's own: the import keeps it (§7.3).
    public internal(set) var newerRoster: SignedRoster?
    /// From the hub to an office holding a partial replica: the state of its scope (§5.10).
    public var scope: ScopedDelivery?

    /// The format the bundle is written in: 3 when it carries a scope or a scope generation, else 2.
    public var writtenFormat: UInt8 {
        scope != nil || header.scopeGeneration > 0 ? ChangeBundle.scopedFormatVersion : ChangeBundle.formatVersion
    }

    public subscript<T>(dynamicMember field: WritableKeyPath<BundleHeader, T>) -> T {
        get { header[keyPath: field] }
        set { header[keyPath: field] = newValue }
    }

    public subscript<T>(dynamicMember field: KeyPath<BundleHeader, T>) -> T { header[keyPath: field] }

    /// A bundle of the given changes, in one block (origin then seq order).
    public init(sender: SiteName, addressee: SiteName, network: String?, createdAt: UInt64,
                schemaVersion: Int? = nil, senderVector: VersionVector, changes: [Change]) {
        let ordered = changes.sorted { $0.origin != $1.origin ? $0.origin < $1.origin : $0.seq < $1.seq }
        var ranges: [SiteName: ClosedRange<UInt64>] = [:]
        for change in ordered {
            let r = ranges[change.origin]
            ranges[change.origin] = min(r?.lowerBound ?? change.seq, change.seq)...max(r?.upperBound ?? change.seq, change.seq)
        }
        self.init(sender: sender, addressee: addressee, network: network, createdAt: createdAt,
                  schemaVersion: schemaVersion ?? Schema.dataModelVersion(of: ordered), senderVector: senderVector, ranges: ranges,
                  changeCount: ordered.count, blocks: [ChangeBlock.encode(ordered)], decoded: [ordered])
    }

    /// A bundle of signed log segments (`Replica.makeBundles`), each of one origin's consecutive seqs.
    public init(sender: SiteName, addressee: SiteName, network: String?, createdAt: UInt64,
                schemaVersion: Int? = nil, senderVector: VersionVector, segments: [SignedSegment]) {
        var ranges: [SiteName: ClosedRange<UInt64>] = [:]
        for segment in segments {
            let r = ranges[segment.origin]
            ranges[segment.origin] = min(r?.lowerBound ?? segment.seqs.lowerBound, segment.seqs.lowerBound)
                ... max(r?.upperBound ?? segment.seqs.upperBound, segment.seqs.upperBound)
        }
        self.init(sender: sender, addressee: addressee, network: network, createdAt: createdAt,
                  schemaVersion: schemaVersion ?? Self.dataModelVersion(blocks: segments.map(\.block)),
                  senderVector: senderVector, ranges: ranges, changeCount: segments.reduce(0) { $0 + $1.changeCount },
                  blocks: segments.map(\.block), signatures: segments.map(\.signature))
    }

    /// A bundle of blocks already encoded (a replica's log segments): see `Replica.makeBundle`.
    public init(sender: SiteName, addressee: SiteName, network: String?, createdAt: UInt64,
                schemaVersion: Int? = nil, senderVector: VersionVector,
                ranges: [SiteName: ClosedRange<UInt64>], changeCount: Int, blocks: [[UInt8]], decoded: [[Change]] = [],
                signatures: [SegmentSignature?]? = nil) {
        self.header = BundleHeader(sender: sender, addressee: addressee, network: network, createdAt: createdAt,
                                   schemaVersion: schemaVersion ?? Self.dataModelVersion(blocks: blocks),
                                   senderVector: senderVector, ranges: ranges,
                                   changeCount: changeCount)
        self.blocks = blocks
        self.decoded = decoded
        self.signatures = signatures ?? Array(repeating: nil, count: blocks.count)
    }

    /// The data model version of encoded blocks (``Schema/dataModelVersion(of:)``): a block is
    /// decoded only when the name of a field added in version 3 appears among its bytes.
    static func dataModelVersion(blocks: [[UInt8]]) -> Int {
        let names = Schema.addedInVersion3.map { Array($0.split(separator: ".").last!.utf8) }
        for block in blocks where names.contains(where: { block.contains(bytes: $0) }) {
            if let changes = try? ChangeBlock.decode(block), Schema.dataModelVersion(of: changes) == 3 { return 3 }
        }
        return 2
    }

    /// All the changes (decoding the blocks if they were not yet).
    public var changes: [Change] {
        if decoded.count == blocks.count { return decoded.flatMap { $0 } }
        return blocks.flatMap { (try? ChangeBlock.decode($0)) ?? [] }
    }

    /// The blocks with their changes, as the replica merges them.
    public var receivedBlocks: [ReceivedBlock] {
        if decoded.count == blocks.count {
            return blocks.indices.map { ReceivedBlock(changes: decoded[$0], encoded: blocks[$0], signature: signatures[$0]) }
        }
        return blocks.indices.map {
            ReceivedBlock(changes: (try? ChangeBlock.decode(blocks[$0])) ?? [], encoded: blocks[$0], signature: signatures[$0])
        }
    }

    public static func == (lhs: ChangeBundle, rhs: ChangeBundle) -> Bool {
        lhs.header == rhs.header && lhs.changes == rhs.changes && lhs.scope == rhs.scope
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
    /// Format 3 (protocol.md §5.10): from an office, the generation of the last scoped delivery it
    /// merged; from the hub, the generation of the delivery the bundle carries. 0 otherwise.
    public var scopeGeneration: UInt64 = 0

    /// Ranges in origin order.
    public var sortedRanges: [(origin: SiteName, seqs: ClosedRange<UInt64>)] {
        ranges.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

extension Array where Element == UInt8 {
    /// Whether `bytes` occur in a row somewhere in this array.
    fileprivate func contains(bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty, bytes.count <= count else { return bytes.isEmpty }
        let first = bytes[0]
        var i = 0
        while i <= count - bytes.count {
            if self[i] == first && self[i..<i + bytes.count].elementsEqual(bytes) { return true }
            i += 1
        }
        return false
    }
}
