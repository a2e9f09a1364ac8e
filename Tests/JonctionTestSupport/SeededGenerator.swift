import Foundation

/// SplitMix64: a tiny seeded generator. Property tests print their seed on failure; set
/// `JONCTION_SEED` to replay one.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Seeds for `count` runs of a property: `JONCTION_SEED` alone if set, else `base`, `base+1`, …
    public static func seeds(_ count: Int, base: UInt64) -> [UInt64] {
        if let s = ProcessInfo.processInfo.environment["JONCTION_SEED"], let seed = UInt64(s) { return [seed] }
        return (0..<UInt64(count)).map { base &+ $0 }
    }
}
