/// The blind byte mutations of classic fuzzers (AFL, libFuzzer), stacked a few at a time.
public enum Mutation: String, CaseIterable, Sendable {
    case flipBit, interestingByte, randomByte, truncate, insertSlice, duplicateSlice, deleteSlice
    case inflateVarint, splice
}

enum Mutator {
    /// Bytes fuzzers find bugs with: zero, all ones, the sign and continuation bits.
    static let interestingBytes: [UInt8] = [0x00, 0xFF, 0x80, 0x7F, 0x01, 0xFE]
    /// Numbers that overflow sizes, signed conversions and capacity computations.
    static let interestingNumbers: [UInt64] = [
        0, 1, 2, 0x7F, 0x80, 0xFF, 0xFFFF, 1 << 20, 1 << 30, 1 << 31, 1 << 32, 1 << 40, 1 << 48,
        1 << 62, UInt64(Int64.max), UInt64(Int64.max) + 1, UInt64.max,
    ]

    /// One to four mutations of `input`; `other` is the partner of a splice. Output stays below
    /// `maximumLength`.
    static func mutate(_ input: [UInt8], other: [UInt8], maximumLength: Int, using rng: inout FuzzRandom)
        -> (bytes: [UInt8], mutations: [Mutation])
    {
        var bytes = input
        var applied: [Mutation] = []
        for _ in 0...rng.below(4) {
            let mutation = Mutation.allCases[rng.below(Mutation.allCases.count)]
            apply(mutation, to: &bytes, other: other, using: &rng)
            applied.append(mutation)
            if bytes.count > maximumLength { bytes.removeLast(bytes.count - maximumLength) }
        }
        return (bytes, applied)
    }

    static func apply(_ mutation: Mutation, to bytes: inout [UInt8], other: [UInt8], using rng: inout FuzzRandom) {
        guard !bytes.isEmpty else {
            bytes = Array(other.prefix(rng.below(other.count + 1)))
            return
        }
        let i = rng.below(bytes.count)
        switch mutation {
        case .flipBit:
            bytes[i] ^= 1 << UInt8(rng.below(8))
        case .interestingByte:
            bytes[i] = interestingBytes[rng.below(interestingBytes.count)]
        case .randomByte:
            bytes[i] = UInt8(truncatingIfNeeded: rng.next())
        case .truncate:
            bytes.removeLast(bytes.count - i)
        case .insertSlice:
            let length = 1 + rng.below(16)
            bytes.insert(contentsOf: (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: i)
        case .duplicateSlice:
            let start = rng.below(bytes.count), length = 1 + rng.below(min(256, bytes.count - start))
            bytes.insert(contentsOf: bytes[start..<(start + length)], at: i)
        case .deleteSlice:
            let length = 1 + rng.below(min(64, bytes.count - i))
            bytes.removeSubrange(i..<(i + length))
        case .inflateVarint:
            inflateVarint(at: i, in: &bytes, using: &rng)
        case .splice:
            guard !other.isEmpty else { return }
            let cut = rng.below(other.count)
            bytes = Array(bytes[..<i]) + other[cut...]
        }
    }

    /// Replaces the varint that starts at `i` by a large or surprising number, or by the same
    /// number written too long (continuation bytes of zero).
    static func inflateVarint(at i: Int, in bytes: inout [UInt8], using rng: inout FuzzRandom) {
        var end = i, value: UInt64 = 0, shift: UInt64 = 0
        while end < bytes.count, end - i < 10 {
            value |= UInt64(bytes[end] & 0x7F) << shift
            shift += 7
            end += 1
            if bytes[end - 1] < 0x80 { break }
        }
        let replacement: UInt64
        switch rng.below(4) {
        case 0: replacement = value &+ 1
        case 1: replacement = value &* 2 &+ UInt64(rng.below(3))
        case 2: replacement = value &- 1
        default: replacement = interestingNumbers[rng.below(interestingNumbers.count)]
        }
        var encoded: [UInt8] = []
        var v = replacement
        while v >= 0x80 {
            encoded.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        encoded.append(UInt8(v))
        if rng.oneIn(4) {  // overlong: the same number with padding groups of zero
            encoded[encoded.count - 1] |= 0x80
            encoded += Array(repeating: 0x80, count: rng.below(3)) + [0]
        }
        bytes.replaceSubrange(i..<end, with: encoded)
    }
}
