/// SplitMix64: the fuzzer's only source of randomness, so a run is the same for the same seed, and
/// any one execution can be replayed from its seed and index.
public struct FuzzRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// The generator of execution `index` of a run seeded `seed`.
    public init(seed: UInt64, index: Int) {
        var mixer = FuzzRandom(seed: seed ^ 0xA076_1D64_78BD_642F)
        for _ in 0..<2 { _ = mixer.next() }
        state = mixer.next() &+ UInt64(bitPattern: Int64(index)) &* 0x9E37_79B9_7F4A_7C15
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<n` (`n` ≥ 1).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }

    /// True once in `n`.
    mutating func oneIn(_ n: Int) -> Bool { below(n) == 0 }
}
