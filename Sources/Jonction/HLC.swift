/// A hybrid logical clock value: 48 bits of milliseconds since the Unix epoch, then a 16-bit counter.
///
/// Ordered as the 64-bit integer it is. See protocol.md §3.1.
public struct HLC: Sendable, Hashable, Comparable, RawRepresentable, CustomStringConvertible {
    public var rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public init(millis: UInt64, counter: UInt16 = 0) {
        self.rawValue = (min(millis, HLC.maxMillis) << 16) | UInt64(counter)
    }

    public static let zero = HLC(rawValue: 0)
    public static let maxMillis: UInt64 = (1 << 48) - 1

    public var millis: UInt64 { rawValue >> 16 }
    public var counter: UInt16 { UInt16(truncatingIfNeeded: rawValue) }

    /// The smallest value greater than this one (the counter carries into the milliseconds).
    public var successor: HLC { HLC(rawValue: rawValue &+ 1) }

    public static func < (lhs: HLC, rhs: HLC) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `2026-11-25T11:41:13.123Z/3`: the UTC time of the milliseconds, then the counter.
    public var description: String { "\(HLC.iso8601(millis: millis))/\(counter)" }

    /// UTC ISO 8601 with milliseconds, computed without Foundation's calendars (days from civil).
    public static func iso8601(millis: UInt64) -> String {
        let ms = Int64(millis % 1000)
        let secs = Int64(millis / 1000)
        let days = secs / 86_400
        let rem = secs % 86_400
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func p(_ n: Int64, _ w: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(p(y, 4))-\(p(m, 2))-\(p(d, 2))T\(p(rem / 3600, 2)):\(p(rem / 60 % 60, 2)):\(p(rem % 60, 2)).\(p(ms, 3))Z"
    }
}

/// The source of wall-clock time, in milliseconds since the Unix epoch. Injected so that tests
/// and benchmarks control time (a field laptop's clock may be days off).
public protocol WallClock: Sendable {
    func nowMillis() -> UInt64
}

/// The hybrid logical clock rules of DESIGN §3: local ticks and the receive rule with a drift bound.
public struct HybridClock: Sendable, Hashable {
    /// The greatest value this replica has issued or accepted.
    public private(set) var last: HLC
    /// How far ahead of the local wall clock a received stamp may drag the clock (default 24 h).
    public let maxAheadMillis: UInt64

    public static let defaultMaxAheadMillis: UInt64 = 24 * 3600 * 1000

    public init(last: HLC = .zero, maxAheadMillis: UInt64 = HybridClock.defaultMaxAheadMillis) {
        self.last = last
        self.maxAheadMillis = maxAheadMillis
    }

    /// The stamp of a local write: `max(wall clock, last + 1)`.
    public mutating func tick(wallMillis: UInt64) -> HLC {
        let next = max(HLC(millis: wallMillis), last.successor)
        last = next
        return next
    }

    /// Takes in a received stamp: `last = max(last, received)`, but never more than the bound past the
    /// wall clock. Returns how far ahead of the wall clock the stamp runs when that is beyond the bound.
    @discardableResult
    public mutating func receive(_ received: HLC, wallMillis: UInt64) -> UInt64? {
        let limit = HLC(millis: wallMillis &+ maxAheadMillis)
        if received > limit {
            last = max(last, limit)
            return received.millis - wallMillis
        }
        last = max(last, received)
        return nil
    }
}

/// The rules of protocol.md §3.1 that keep a wrong clock from winning: how far ahead of the
/// receiver's clock a received change may be, and when a site's own clock is too doubtful to write.
public enum ClockRule {
    /// A received change more than this ahead of the receiver's wall clock is refused (7 days): far
    /// enough that a laptop a few days behind still takes in what others write, near enough that a
    /// clock running ahead wins nothing for long. (The receiver's own clock is never dragged more
    /// than `HybridClock.defaultMaxAheadMillis`, 24 h, past its wall clock.)
    public static let receiveBoundMillis: UInt64 = 7 * 24 * 3600 * 1000
    /// A site whose wall clock is more than this past everything it knows to be true (its creation,
    /// its own clock `last`: the newest stamp it wrote or took in, the last confirmation) asks for
    /// confirmation before it writes (30 days).
    public static let silenceBoundMillis: UInt64 = 30 * 24 * 3600 * 1000

    /// Refuses a delivery whose newest change of some origin runs more than the bound ahead of
    /// `wallMillis`: the first such origin in byte order, with how far ahead it runs.
    public static func checkReceived(newest: [SiteName: HLC], wallMillis: UInt64) throws(SyncRefusal) {
        let limit = wallMillis &+ receiveBoundMillis
        for (origin, hlc) in newest.sorted(by: { $0.key < $1.key }) where hlc.millis > limit {
            throw .clockAhead(origin: origin, aheadMillis: hlc.millis - wallMillis)
        }
    }

    /// The newest HLC of each origin among `changes`.
    public static func newest<C: Collection>(_ changes: C) -> [SiteName: HLC] where C.Element == Change {
        var newest: [SiteName: HLC] = [:]
        var lastOrigin: SiteName? = nil, lastNewest = HLC.zero
        for change in changes {
            if change.origin != lastOrigin {
                if let o = lastOrigin { newest[o] = max(newest[o] ?? .zero, lastNewest) }
                lastOrigin = change.origin
                lastNewest = newest[change.origin] ?? .zero
            }
            if change.hlc > lastNewest { lastNewest = change.hlc }
        }
        if let o = lastOrigin { newest[o] = max(newest[o] ?? .zero, lastNewest) }
        return newest
    }

    /// What a site's own clock says before a local write.
    public enum Verdict: Sendable, Equatable {
        case trusted
        /// The wall clock is more than the receive bound behind the site's clock: this site wrote
        /// (or took in) changes dated later than now, so its clock ran ahead and was put back. Its
        /// changes dated in the future must be restamped (`jonction clock --restamp`) before it writes.
        case behindOwnClock(wallMillis: UInt64, lastMillis: UInt64)
        /// The wall clock is more than the silence bound past everything the site knows to be true.
        case farAhead(wallMillis: UInt64, referenceMillis: UInt64)
    }

    /// `last`: the site's HLC (greatest issued or accepted); `reference`: the latest of its creation,
    /// `last`, and the last time a person confirmed the clock.
    public static func verdict(wallMillis: UInt64, last: HLC, referenceMillis: UInt64) -> Verdict {
        if last.millis > wallMillis &+ receiveBoundMillis { return .behindOwnClock(wallMillis: wallMillis, lastMillis: last.millis) }
        if wallMillis > referenceMillis &+ silenceBoundMillis { return .farAhead(wallMillis: wallMillis, referenceMillis: referenceMillis) }
        return .trusted
    }
}
