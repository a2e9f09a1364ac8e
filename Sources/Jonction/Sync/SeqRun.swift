/// Consecutive changes of one origin with consecutive seqs: how change blocks number their changes
/// (protocol.md §4.2) and how the log indexes its segments (§4.4).
public struct SeqRun: Sendable, Hashable {
    public var origin: SiteName
    public var seqs: ClosedRange<UInt64>
    /// Where the run lies in the array it was cut from.
    public var indices: Range<Int>

    public init(origin: SiteName, seqs: ClosedRange<UInt64>, indices: Range<Int>) {
        self.origin = origin
        self.seqs = seqs
        self.indices = indices
    }

    /// Cuts `changes`, in their order, into maximal runs. The one loop that decides where a run
    /// ends, so that the block encoder and the log index always agree.
    public static func runs(in changes: [Change]) -> [SeqRun] {
        runs(in: changes[...])
    }

    /// The runs of a slice; their `indices` are the slice's own (those of the array it is cut from).
    public static func runs(in changes: ArraySlice<Change>) -> [SeqRun] {
        var runs: [SeqRun] = []
        var i = changes.startIndex
        while i < changes.endIndex {
            let origin = changes[i].origin
            var j = i + 1
            while j < changes.endIndex, changes[j].origin == origin, changes[j].seq == changes[j - 1].seq &+ 1 {
                j += 1
            }
            runs.append(SeqRun(origin: origin, seqs: changes[i].seq...changes[j - 1].seq, indices: i..<j))
            i = j
        }
        return runs
    }
}
