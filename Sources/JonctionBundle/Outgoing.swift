import Jonction
import JonctionStore

/// What a peer lacks, as change blocks ready to go into a bundle.
public struct Outgoing: Sendable {
    public var blocks: [[UInt8]]
    /// For each origin, the seqs the blocks hold (all of them, each once).
    public var ranges: [SiteName: ClosedRange<UInt64>]
    public var count: Int
    /// The replica's vector when the blocks were read.
    public var vector: VersionVector
    public var network: String?

    /// Log segments of at least this many changes go into bundles as they are stored.
    static let passThroughSegmentSize = 1024
}

extension ReplicaAccess {
    /// The change blocks holding exactly the seqs `needed` (which this replica holds: what a peer
    /// lacks, or a piece of it, see `makeBundles`), read in this transaction's snapshot, whose
    /// vector is `vector`.
    ///
    /// A large log segment whose changes are all needed is sent as it is stored, without decoding;
    /// the needed changes of the other segments (partly needed, or small: one local transaction
    /// each) are re-encoded together into one more block, which compresses better.
    package func outgoing(_ needed: [SiteName: ClosedRange<UInt64>], vector: VersionVector) throws -> Outgoing {
        var outgoing = Outgoing(blocks: [], ranges: needed, count: needed.values.reduce(0) { $0 + $1.count },
                                vector: vector, network: try network())
        guard !needed.isEmpty else { return outgoing }

        var leftovers: [Change] = []
        for segment in try logSegments(covering: needed) {
            let whole = segment.runs.allSatisfy { run in
                guard let seqs = needed[run.origin] else { return false }
                return seqs.contains(run.seqs.lowerBound) && seqs.contains(run.seqs.upperBound)
            }
            if whole && segment.changeCount >= Outgoing.passThroughSegmentSize {
                outgoing.blocks.append(segment.block)
            } else {
                let changes: [Change]
                do { changes = try ChangeBlock.decode(segment.block) } catch { throw StoreError.corrupt(path: replica.path) }
                leftovers += changes.filter { needed[$0.origin]?.contains($0.seq) == true }
            }
        }
        if !leftovers.isEmpty {
            leftovers.sort { $0.origin != $1.origin ? $0.origin < $1.origin : $0.seq < $1.seq }
            outgoing.blocks.append(ChangeBlock.encode(leftovers))
        }
        return outgoing
    }
}
