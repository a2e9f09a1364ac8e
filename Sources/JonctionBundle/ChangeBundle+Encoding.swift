import Crypto
import Jonction

extension ChangeBundle {
    /// The first 8 bytes of every bundle file: "JONCTION".
    public static let magic: [UInt8] = Array("JONCTION".utf8)
    /// Bundles larger than this are refused unread.
    public static let maximumSize = 1 << 30
    /// The largest seq or time a bundle may carry (protocol.md §3.2): it fits a signed 64-bit integer.
    public static let largestNumber = UInt64(Int64.max)

    /// The file bytes (protocol.md §5.1): magic, version, header, zlib body, SHA-256.
    public func encoded(level: Int32 = 6) -> [UInt8] {
        var plain = ByteWriter(capacity: blocks.reduce(8) { $0 + $1.count + 5 })
        plain.varint(UInt64(blocks.count))
        for block in blocks {
            plain.varint(UInt64(block.count))
            plain.raw(block)
        }
        let block = plain.bytes
        let body = Zlib.compress(block, level: level)
        var out = ByteWriter(capacity: body.count + 256)
        out.raw(ChangeBundle.magic)
        out.byte(ChangeBundle.formatVersion)
        out.string(header.sender.rawValue)
        out.string(header.addressee.rawValue)
        out.string(header.network ?? "")
        out.varint(header.createdAt)
        out.varint(UInt64(header.schemaVersion))
        out.varint(UInt64(header.senderVector.sorted.count))
        for (site, seq) in header.senderVector.sorted {
            out.string(site.rawValue)
            out.varint(seq)
        }
        out.varint(UInt64(header.ranges.count))
        for (origin, seqs) in header.sortedRanges {
            out.string(origin.rawValue)
            out.varint(seqs.lowerBound)
            out.varint(seqs.upperBound)
        }
        out.varint(UInt64(header.changeCount))
        out.varint(UInt64(block.count))
        out.varint(UInt64(body.count))
        out.raw(body)
        out.raw(Array(SHA256.hash(data: out.bytes)))
        return out.bytes
    }

    /// Reads and verifies a bundle completely: format, lengths, checksum, body, and that the
    /// changes are exactly those the header announces. (The replica checks each change against the
    /// data model when it merges them.)
    public init(decoding bytes: [UInt8], schema: Schema = .current) throws(BundleError) {
        let (header, bodyStart, bodyLength, blockLength) = try ChangeBundle.readHeader(bytes)
        let end = bodyStart + bodyLength
        guard bytes.count >= end + 32 else { throw .truncated }
        guard bytes.count == end + 32 else { throw .damaged }
        let digest = SHA256.hash(data: bytes[..<end])
        guard digest.elementsEqual(bytes[end...]) else { throw .damaged }
        guard header.schemaVersion <= schema.version else { throw .newerSchema(header.schemaVersion) }
        guard header.schemaVersion >= 1 else { throw .malformed("data model version 0") }
        guard blockLength <= ChangeBundle.maximumSize, blockLength <= bodyLength * 1100 + 64 else {
            throw .malformed("announced size \(blockLength)")
        }
        guard let plain = Zlib.decompress(bytes[bodyStart..<end], size: blockLength) else {
            throw .malformed("zlib body")
        }
        var blocks: [[UInt8]] = [], decoded: [[Change]] = []
        var r = ByteReader(plain)
        do {
            let n = try r.count(max: plain.count)
            for _ in 0..<n {
                let block = Array(try r.raw(r.count(max: r.remaining)))
                decoded.append(try ChangeBlock.decode(block))
                blocks.append(block)
            }
        } catch { throw .malformed("change block: \(error)") }
        guard r.isAtEnd else { throw .malformed("bytes after the last block") }
        guard decoded.reduce(0, { $0 + $1.count }) == header.changeCount else { throw .malformed("change count") }
        try ChangeBundle.checkRanges(decoded, header.ranges)
        self.init(sender: header.sender, addressee: header.addressee, network: header.network,
                  createdAt: header.createdAt, schemaVersion: header.schemaVersion, senderVector: header.senderVector,
                  ranges: header.ranges, changeCount: header.changeCount, blocks: blocks, decoded: decoded)
    }

    /// Each origin's changes must be exactly the announced range, each seq once: the contiguous
    /// pieces the blocks hold must tile it.
    private static func checkRanges(_ blocks: [[Change]], _ ranges: [SiteName: ClosedRange<UInt64>]) throws(BundleError) {
        var pieces: [SiteName: [ClosedRange<UInt64>]] = [:]
        for changes in blocks {
            var i = 0
            while i < changes.count {
                var j = i + 1
                while j < changes.count, changes[j].origin == changes[i].origin, changes[j].seq == changes[j - 1].seq &+ 1 { j += 1 }
                pieces[changes[i].origin, default: []].append(changes[i].seq...changes[j - 1].seq)
                i = j
            }
        }
        guard Set(pieces.keys) == Set(ranges.keys) else { throw .malformed("origins differ from the ranges") }
        for (origin, list) in pieces {
            var next = ranges[origin]!.lowerBound
            for piece in list.sorted(by: { $0.lowerBound < $1.lowerBound }) {
                guard piece.lowerBound == next else { throw .malformed("range of \(origin)") }
                next = piece.upperBound &+ 1
            }
            guard next == ranges[origin]!.upperBound &+ 1 else { throw .malformed("range of \(origin)") }
        }
    }

    /// Reads the header only (no checksum, no body): enough to sort a mailbag. `init(decoding:)`
    /// verifies everything before a bundle is used.
    public static func header(of bytes: [UInt8]) throws(BundleError) -> BundleHeader {
        try readHeader(bytes).header
    }

    static func readHeader(_ bytes: [UInt8]) throws(BundleError)
        -> (header: BundleHeader, bodyStart: Int, bodyLength: Int, blockLength: Int)
    {
        guard bytes.count <= maximumSize else { throw .tooLarge(bytes.count) }
        guard bytes.count >= magic.count else {
            throw magic.starts(with: bytes) && !bytes.isEmpty ? .truncated : .notABundle
        }
        guard bytes.starts(with: magic) else { throw .notABundle }
        guard bytes.count > magic.count else { throw .truncated }
        let version = bytes[magic.count]
        guard version == formatVersion else { throw .unknownVersion(version) }
        var r = ByteReader(bytes, offset: magic.count + 1)
        do {
            let sender = try site(r.string())
            let addressee = try site(r.string())
            let network = try r.string()
            let createdAt = try r.varint()
            guard createdAt <= ChangeBundle.largestNumber else { throw ByteDecodingError.malformed("createdAt") }
            let schemaVersion = try r.count(max: 1 << 20)
            var vector: [SiteName: UInt64] = [:]
            for _ in 0..<(try r.count(max: Int.max)) {
                let s = try site(r.string())
                let seq = try r.varint()
                guard seq <= ChangeBundle.largestNumber else { throw ByteDecodingError.malformed("vector") }
                vector[s] = seq
            }
            var ranges: [SiteName: ClosedRange<UInt64>] = [:]
            for _ in 0..<(try r.count(max: Int.max)) {
                let origin = try site(r.string())
                let first = try r.varint(), last = try r.varint()
                guard first >= 1, first <= last, last <= ChangeBundle.largestNumber, ranges[origin] == nil else {
                    throw ByteDecodingError.malformed("range")
                }
                ranges[origin] = first...last
            }
            let count = try r.count(max: Int.max)
            let blockLength = try r.count(max: Int.max)
            let bodyLength = try r.count(max: Int.max)
            guard bodyLength <= maximumSize else { throw ByteDecodingError.malformed("body length") }
            let header = BundleHeader(
                sender: sender, addressee: addressee, network: network.isEmpty ? nil : network, createdAt: createdAt,
                schemaVersion: schemaVersion, senderVector: VersionVector(vector), ranges: ranges, changeCount: count)
            return (header, r.offset, bodyLength, blockLength)
        } catch ByteDecodingError.truncated {
            throw .truncated
        } catch {
            throw .damaged
        }
    }

    private static func site(_ name: String) throws(ByteDecodingError) -> SiteName {
        guard SiteName.isValid(name) else { throw .malformed("site name") }
        return SiteName(unchecked: name)
    }
}
