/// Who wrote a value and when: the change's clock, then its origin site to break ties.
///
/// Last-writer-wins compares stamps: the greatest `(hlc, site)` wins (protocol.md §3.3).
public struct Stamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var hlc: HLC
    public var site: SiteName

    public init(hlc: HLC, site: SiteName) {
        self.hlc = hlc
        self.site = site
    }

    public static func < (lhs: Stamp, rhs: Stamp) -> Bool {
        lhs.hlc != rhs.hlc ? lhs.hlc < rhs.hlc : lhs.site < rhs.site
    }

    public var description: String { "\(hlc)@\(site)" }
}
