import Jonction

/// How one origin's consecutive changes are cut into log segments: blocks of at most a given number
/// of changes and at most `ReplicaTransaction.segmentBlockLimit` bytes, so that each can be signed
/// as it is stored and travels whole in one bundle (protocol.md §5.2, §5.3). A large transaction (a
/// matching round, an import) is therefore several segments, encoded side by side on the machine's
/// cores, and no segment grows past what a bundle carries however much one transaction writes.
package enum SegmentBlocks {
    /// What one block aims at before it is encoded: half the limit, from an estimate of each
    /// change's bytes (`estimatedSize`), so that a block seldom has to be cut again.
    static let targetBytes = ReplicaTransaction.segmentBlockLimit / 2

    /// `changes` cut into consecutive blocks, in order, each with the range of `changes` it holds.
    /// Every block holds at most `maximumChanges` changes and at most `segmentBlockLimit` bytes,
    /// unless it is a single change (which the schema's limits keep far below).
    package static func encode(_ changes: ArraySlice<Change>, maximumChanges: Int) -> [(range: Range<Int>, block: [UInt8])] {
        let maximumChanges = max(1, maximumChanges)
        var pieces: [Range<Int>] = []
        var start = changes.startIndex, bytes = 0
        for i in changes.indices {
            let size = estimatedSize(changes[i])
            if i > start && (i - start >= maximumChanges || bytes + size > targetBytes) {
                pieces.append(start..<i)
                start = i
                bytes = 0
            }
            bytes += size
        }
        if start < changes.endIndex { pieces.append(start..<changes.endIndex) }
        let cut = pieces
        let encoded = Parallel.map(cut.count) { ChangeBlock.encode(changes[cut[$0]]) }
        var result: [(range: Range<Int>, block: [UInt8])] = []
        result.reserveCapacity(pieces.count)
        for (range, block) in zip(pieces, encoded) { append(range, block, of: changes, to: &result) }
        return result
    }

    /// Appends a block, or its two halves (and so on) if it is over the limit.
    private static func append(_ range: Range<Int>, _ block: [UInt8], of changes: ArraySlice<Change>,
                               to result: inout [(range: Range<Int>, block: [UInt8])]) {
        guard block.count > ReplicaTransaction.segmentBlockLimit, range.count > 1 else {
            result.append((range, block))
            return
        }
        let middle = range.lowerBound + range.count / 2
        for half in [range.lowerBound..<middle, middle..<range.upperBound] {
            append(half, ChangeBlock.encode(changes[half]), of: changes, to: &result)
        }
    }

    /// About what a change takes in a block: its columns, and its value's bytes if it is a text.
    private static func estimatedSize(_ change: Change) -> Int {
        if case .set(_, .text(let text)) = change.operation { return 12 + text.utf8.count }
        return 12
    }
}
