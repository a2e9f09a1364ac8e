/// Which received changes a site takes in, the receive side of protocol.md §3.2: changes already held
/// are skipped (a replay is a no-op), the rest must continue each origin's seqs without a hole, each
/// seq once, and a change held must come back identical.
///
/// Pure: the caller gives what it holds (its vector, and a way to look up one held change), and gets
/// back what to merge and log, or a `SyncRefusal`, before anything is written.
public struct Admission: Sendable {
    /// Blocks whose changes are all new and distinct: logged as they came, without re-encoding.
    public var whole: [ReceivedBlock] = []
    /// The new changes of the other blocks, each seq once, in origin then seq order. When the
    /// delivery overlaps what is held or repeats itself, every new change lands here.
    public var partial: [Change] = []
    /// For each origin, the seqs newly held.
    public var ranges: [SiteName: ClosedRange<UInt64>] = [:]
    /// The blocks the log keeps, whole and as they came (so that their signatures stay valid): each
    /// block holding a new seq, the first to hold it, with the runs of new seqs the log finds there.
    public var logged: [(block: Int, runs: [(origin: SiteName, seqs: ClosedRange<UInt64>)])] = []
    /// Changes new to the site.
    public var applied = 0
    /// Changes received that the site holds already, or that came twice.
    public var duplicates = 0

    /// Sorts `blocks` against `held`. `heldChange(origin, seq)` returns the held change of that number
    /// (nil if the site no longer has it): it is asked once per origin, for the greatest seq received
    /// again, to catch a site that reused its seqs. Throws `SyncRefusal.gap` or `.reusedSeq`, or what
    /// `heldChange` throws.
    public init(_ blocks: [ReceivedBlock], held: VersionVector,
                heldChange: (SiteName, UInt64) throws -> Change?) throws {
        // Run by run, not change by change: a delivery is a few long runs per origin.
        var fresh: [SiteName: [ClosedRange<UInt64>]] = [:]
        var latestDuplicate: [SiteName: Change] = [:]
        var total = 0
        for block in blocks {
            total += block.changes.count
            for run in SeqRun.runs(in: block.changes) {
                let h = held[run.origin]
                if run.seqs.lowerBound <= h {
                    let last = min(h, run.seqs.upperBound)
                    duplicates += Int(last - run.seqs.lowerBound) + 1
                    if last > latestDuplicate[run.origin]?.seq ?? 0 {
                        latestDuplicate[run.origin] = block.changes[run.indices.lowerBound + Int(last - run.seqs.lowerBound)]
                    }
                }
                if run.seqs.upperBound > h {
                    fresh[run.origin, default: []].append(max(run.seqs.lowerBound, h + 1)...run.seqs.upperBound)
                }
            }
        }
        // A change we hold must come back identical. A different one under the same number means its
        // site reused seqs: restored from a backup, it wrote again before getting its changes back.
        for (origin, change) in latestDuplicate.sorted(by: { $0.key < $1.key }) {
            if let ours = try heldChange(origin, change.seq), !ours.isSameWrite(as: change) {
                throw SyncRefusal.reusedSeq(origin: origin, seq: change.seq)
            }
        }
        // The new seqs of each origin must cover held+1 … max without a hole; overlaps are repeats.
        var repeats = false
        for origin in fresh.keys.sorted() {
            let runs = fresh[origin]!.sorted { $0.lowerBound < $1.lowerBound }
            var next = held[origin] + 1
            for seqs in runs {
                if seqs.lowerBound > next { throw SyncRefusal.gap(origin: origin, held: next - 1, first: seqs.lowerBound) }
                if seqs.lowerBound < next { repeats = true }
                next = max(next, seqs.upperBound + 1)
            }
            ranges[origin] = (held[origin] + 1)...(next - 1)
            applied += Int(next - 1 - held[origin])
        }
        if duplicates == 0 && !repeats {
            // The usual delivery: everything new, nothing twice.
            whole = blocks.filter { !$0.changes.isEmpty }
            for (b, block) in blocks.enumerated() where !block.changes.isEmpty {
                logged.append((b, SeqRun.runs(in: block.changes).map { ($0.origin, $0.seqs) }))
            }
            return
        }
        // Each new seq is found in the first block that holds it.
        var claimed: [SiteName: [ClosedRange<UInt64>]] = [:]
        for (b, block) in blocks.enumerated() {
            var runs: [(origin: SiteName, seqs: ClosedRange<UInt64>)] = []
            for run in SeqRun.runs(in: block.changes) where run.seqs.upperBound > held[run.origin] {
                var pieces = [max(run.seqs.lowerBound, held[run.origin] + 1)...run.seqs.upperBound]
                for taken in claimed[run.origin] ?? [] {
                    pieces = pieces.flatMap { piece -> [ClosedRange<UInt64>] in
                        guard piece.overlaps(taken) else { return [piece] }
                        var rest: [ClosedRange<UInt64>] = []
                        if piece.lowerBound < taken.lowerBound { rest.append(piece.lowerBound...(taken.lowerBound - 1)) }
                        if piece.upperBound > taken.upperBound { rest.append((taken.upperBound + 1)...piece.upperBound) }
                        return rest
                    }
                }
                claimed[run.origin, default: []] += pieces
                runs += pieces.map { (run.origin, $0) }
            }
            if !runs.isEmpty { logged.append((b, runs)) }
        }
        // Replays, overlaps or repeated changes: keep each new seq once, in order.
        var byOrigin: [SiteName: [Change]] = [:]
        for block in blocks {
            for c in block.changes where c.seq > held[c.origin] { byOrigin[c.origin, default: []].append(c) }
        }
        partial.reserveCapacity(applied)
        for origin in byOrigin.keys.sorted() {
            var expected = held[origin] + 1
            for c in byOrigin[origin]!.sorted(by: { $0.seq < $1.seq }) {
                if c.seq < expected {
                    // The same number twice in one delivery must be the same write.
                    let kept = partial[partial.count - Int(expected - c.seq)]
                    guard kept.isSameWrite(as: c) else { throw SyncRefusal.reusedSeq(origin: origin, seq: c.seq) }
                    continue
                }
                guard c.seq == expected else { throw SyncRefusal.gap(origin: origin, held: expected - 1, first: c.seq) }
                partial.append(c)
                expected += 1
            }
        }
        duplicates = total - applied
    }
}

extension Change {
    /// Whether two changes under one (origin, seq) record the same write. A value removed by an
    /// erasure (protocol.md §3.5) stands for the value it was.
    func isSameWrite(as other: Change) -> Bool {
        guard hlc == other.hlc, id == other.id, table == other.table else { return false }
        if operation == other.operation { return true }
        guard case .set(let f, let v) = operation, case .set(let g, let w) = other.operation else { return false }
        return f == g && (v == .erased || w == .erased)
    }
}
