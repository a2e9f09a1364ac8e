/// For each origin site, the highest seq held. Because seqs have no gaps and imports refuse gaps,
/// a vector describes exactly the set of changes a replica holds (protocol.md §3.2).
public struct VersionVector: Sendable, Hashable, CustomStringConvertible {
    public private(set) var entries: [SiteName: UInt64]

    public init(_ entries: [SiteName: UInt64] = [:]) {
        self.entries = entries.filter { $0.value > 0 }
    }

    public enum Ordering: Sendable, Equatable {
        /// Everything this vector holds, the other holds too, and more.
        case before
        /// This vector holds everything the other holds, and more.
        case after
        case equal
        /// Each holds something the other lacks.
        case concurrent
    }

    public subscript(site: SiteName) -> UInt64 {
        get { entries[site] ?? 0 }
        set {
            if newValue == 0 { entries[site] = nil } else { entries[site] = newValue }
        }
    }

    /// Whether the change `seq` of `origin` is held.
    public func contains(origin: SiteName, seq: UInt64) -> Bool { seq <= self[origin] }

    public func compare(_ other: VersionVector) -> Ordering {
        var less = false
        var greater = false
        for site in Set(entries.keys).union(other.entries.keys) {
            let a = self[site], b = other[site]
            if a < b { less = true } else if a > b { greater = true }
            if less && greater { return .concurrent }
        }
        switch (less, greater) {
        case (false, false): return .equal
        case (true, false): return .before
        case (false, true): return .after
        case (true, true): return .concurrent
        }
    }

    /// The pointwise maximum: what either holds.
    public func merging(_ other: VersionVector) -> VersionVector {
        var result = self
        result.merge(other)
        return result
    }

    public mutating func merge(_ other: VersionVector) {
        for (site, seq) in other.entries where seq > self[site] { entries[site] = seq }
    }

    /// Sites in name order, for display and encoding.
    public var sorted: [(site: SiteName, seq: UInt64)] {
        entries.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Total number of changes described.
    public var total: UInt64 { entries.values.reduce(0, +) }

    public var description: String {
        "{" + sorted.map { "\($0.site):\($0.seq)" }.joined(separator: ", ") + "}"
    }
}
