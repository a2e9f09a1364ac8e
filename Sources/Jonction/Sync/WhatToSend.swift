/// What a peer lacks: for each origin, the seqs we hold above what the peer acknowledged
/// (protocol.md §5). With no acknowledgement (a first contact, or a full resend) that is everything.
///
/// Because vectors describe held changes exactly (§3.2), a bundle of these seqs continues every
/// origin the peer holds without a gap, whatever arrived in between.
public struct WhatToSend: Sendable, Equatable {
    /// For each origin the peer lacks something of, the seqs to send.
    public var ranges: [SiteName: ClosedRange<UInt64>]

    public init(ours: VersionVector, acknowledged: VersionVector?) {
        let known = acknowledged ?? VersionVector()
        var ranges: [SiteName: ClosedRange<UInt64>] = [:]
        for (origin, seq) in ours.entries where seq > known[origin] { ranges[origin] = (known[origin] + 1)...seq }
        self.ranges = ranges
    }

    /// How many changes that is.
    public var count: Int { ranges.values.reduce(0) { $0 + $1.count } }

    public var isEmpty: Bool { ranges.isEmpty }

    /// Whether `change` is one to send.
    public func contains(_ change: Change) -> Bool { ranges[change.origin]?.contains(change.seq) == true }

    /// The ranges in origin order, the order changes are sent in.
    public var sorted: [(origin: SiteName, seqs: ClosedRange<UInt64>)] {
        ranges.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
