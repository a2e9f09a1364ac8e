import Jonction

// The limits of one bundle (protocol.md §5.2). A receiver refuses a bundle above them before it
// allocates anything for its body, so receiving one costs at most the file, its plain body and its
// changes, whatever its counts declare. A writer never writes one: it splits what it sends.

extension ChangeBundle {
    /// The largest bundle file: a larger file is refused unread.
    public static let maximumSize = 16 << 20
    /// The largest plain body (the change blocks, once decompressed): six times what the most
    /// changes take in the reference workload (about 10 bytes each).
    public static let maximumPlainLength = 16 << 20
    /// The most changes one bundle carries.
    public static let maximumChangeCount = 1 << 18
    /// The largest header, from the magic to `bodyLength`: room for thousands of sites.
    public static let maximumHeaderLength = 256 << 10

    /// How much one bundle may carry: `.standard` (protocol.md §5.2), smaller in tests.
    public struct Limits: Sendable, Equatable {
        public var fileSize: Int
        public var plainLength: Int
        public var changeCount: Int

        public init(fileSize: Int, plainLength: Int, changeCount: Int) {
            self.fileSize = fileSize
            self.plainLength = plainLength
            self.changeCount = changeCount
        }

        public static let standard = Limits(fileSize: maximumSize, plainLength: maximumPlainLength,
                                            changeCount: maximumChangeCount)
    }

    /// Whether this bundle, once encoded, stays within `limits` whatever zlib makes of its body
    /// (checked before compressing it).
    public func fits(_ limits: Limits) -> Bool {
        let plain = plainLength
        guard header.changeCount <= limits.changeCount, plain <= limits.plainLength else { return false }
        var head = ByteWriter()
        writeHeader(to: &head)
        // The two lengths, the body at zlib's worst, the checksum.
        let worstFile = head.bytes.count + 20 + Zlib.worstCompressedSize(plain) + 32
        return worstFile <= limits.fileSize
    }

    /// `ranges` cut, in origin then seq order, into pieces of at most `maximum` changes each.
    static func split(_ ranges: [SiteName: ClosedRange<UInt64>], maximum: Int) -> [[SiteName: ClosedRange<UInt64>]] {
        precondition(maximum >= 1)
        var parts: [[SiteName: ClosedRange<UInt64>]] = []
        var part: [SiteName: ClosedRange<UInt64>] = [:], room = maximum
        for (origin, seqs) in ranges.sorted(by: { $0.key < $1.key }) {
            var first = seqs.lowerBound
            while first <= seqs.upperBound {
                let last = seqs.upperBound - first < UInt64(room) ? seqs.upperBound : first + UInt64(room) - 1
                part[origin] = first...last
                room -= Int(last - first + 1)
                if room == 0 {
                    parts.append(part)
                    part = [:]
                    room = maximum
                }
                if last == seqs.upperBound { break }
                first = last + 1
            }
        }
        if !part.isEmpty { parts.append(part) }
        return parts
    }
}
