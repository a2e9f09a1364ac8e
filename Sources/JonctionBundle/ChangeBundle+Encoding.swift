import Crypto
import Jonction

extension ChangeBundle {
    /// The first 8 bytes of every bundle file: "JONCTION".
    public static let magic: [UInt8] = Array("JONCTION".utf8)
    /// The largest seq or time a bundle may carry (protocol.md §3.2): it fits a signed 64-bit integer.
    public static let largestNumber = UInt64(Int64.max)

    /// The bytes of a format 1 file (protocol.md §5.5): magic, version, header, zlib body, SHA-256;
    /// unsigned and unsealed. Written no more but by tests and fuzzers: format 1 is only read, during
    /// the transition. Signatures are left out.
    public func encodedFormat1(level: Int32 = 6) -> [UInt8] {
        var plain = ByteWriter(capacity: plainLength)
        plain.varint(UInt64(blocks.count))
        for block in blocks {
            plain.varint(UInt64(block.count))
            plain.raw(block)
        }
        let block = plain.bytes
        let body = Zlib.compress(block, level: level)
        var out = ByteWriter(capacity: body.count + 256)
        writeHeader(to: &out, format: 1)
        out.varint(UInt64(block.count))
        out.varint(UInt64(body.count))
        out.raw(body)
        out.raw(Array(SHA256.hash(data: out.bytes)))
        return out.bytes
    }

    /// The length of the plain body of format 1: the blocks, each after its length, after their number.
    public var plainLength: Int {
        blocks.reduce(ByteWriter.varintSize(UInt64(blocks.count))) { $0 + ByteWriter.varintSize(UInt64($1.count)) + $1.count }
    }

    /// The header up to `changeCount` (protocol.md §5.1): what precedes the body's two lengths.
    func writeHeader(to out: inout ByteWriter, format: UInt8 = ChangeBundle.formatVersion) {
        out.raw(ChangeBundle.magic)
        out.byte(format)
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
        if format == ChangeBundle.scopedFormatVersion { out.varint(header.scopeGeneration) }
    }

    /// Reads and verifies a bundle completely: format, lengths, checksum, body, and that the
    /// changes are exactly those the header announces. (The replica checks each change against the
    /// data model when it merges them.)
    ///
    /// The body is inflated one block at a time, straight into the block's own buffer, and never
    /// past the plain length the header announces: a zlib bomb stops there. Each block is decoded
    /// as it comes, with no more changes than the header has left to announce.
    public init(decoding bytes: [UInt8], keyring: Keyring? = nil, schema: Schema = .current) throws(BundleError) {
        let layout = try ChangeBundle.readHeader(bytes)
        guard layout.format == 1 else {
            try self.init(decodingFormat2: bytes, layout: layout, keyring: keyring, schema: schema)
            return
        }
        let (header, bodyStart, bodyLength, plainLength) = (layout.header, layout.next, layout.length, layout.plainLength)
        let end = bodyStart + bodyLength
        guard bytes.count >= end + 32 else { throw .truncated }
        guard bytes.count == end + 32 else { throw .damaged }
        let digest = SHA256.hash(data: bytes[..<end])
        guard digest.elementsEqual(bytes[end...]) else { throw .damaged }
        guard header.schemaVersion <= schema.version else { throw .newerSchema(header.schemaVersion) }
        guard header.schemaVersion >= 1 else { throw .malformed("data model version 0") }
        guard header.changeCount <= ChangeBundle.maximumChangeCount, plainLength <= ChangeBundle.maximumPlainLength else {
            throw .overLimits(changes: header.changeCount, plainLength: plainLength)
        }
        // zlib cannot expand further: a larger announced length is a lie, refused before inflating.
        guard plainLength <= bodyLength * Zlib.maximumRatio + 64 else { throw .malformed("announced size \(plainLength)") }

        let body = Zlib.Inflater(bytes[bodyStart..<end], limit: plainLength)
        func varint() throws(BundleError) -> Int {
            guard let n = body.varint() else { throw .malformed("zlib body") }
            return n
        }
        // Each block takes at least three bytes: its length, its version and its count.
        let n = try varint()
        guard n <= (plainLength - body.produced) / 3 else { throw .malformed("\(n) blocks") }
        var blocks: [[UInt8]] = [], decoded: [[Change]] = []
        var total = 0
        for _ in 0..<n {
            let length = try varint()
            guard length <= plainLength - body.produced else { throw .malformed("block length \(length)") }
            guard let block = body.read(length) else { throw .malformed("zlib body") }
            let changes: [Change]
            do { changes = try ChangeBlock.decode(block, maximumCount: header.changeCount - total) } catch {
                throw .malformed("change block: \(error)")
            }
            total += changes.count
            blocks.append(block)
            decoded.append(changes)
        }
        guard body.produced == plainLength else { throw .malformed("bytes after the last block") }
        guard body.isAtEnd() else { throw .malformed("zlib body") }
        guard total == header.changeCount else { throw .malformed("change count") }
        try ChangeBundle.checkRanges(decoded, header.ranges)
        self.init(sender: header.sender, addressee: header.addressee, network: header.network,
                  createdAt: header.createdAt, schemaVersion: header.schemaVersion, senderVector: header.senderVector,
                  ranges: header.ranges, changeCount: header.changeCount, blocks: blocks, decoded: decoded)
        format = 1
    }

    /// Each origin's changes must be exactly the announced range, each seq once: the contiguous
    /// pieces the blocks hold must tile it.
    static func checkRanges(_ blocks: [[Change]], _ ranges: [SiteName: ClosedRange<UInt64>]) throws(BundleError) {
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
    /// verifies everything before a bundle is used. `bytes` may be the file's first bytes only:
    /// if they end within the header, the error is `.truncated`.
    public static func header(of bytes: [UInt8]) throws(BundleError) -> BundleHeader {
        try readHeader(bytes).header
    }

    /// Where a file's parts lie, as its header says.
    package struct Layout {
        package var header: BundleHeader
        package var format: UInt8
        /// The plain body's length, as announced.
        package var plainLength: Int
        /// Format 1: the zlib body's length. Format 2: the carried roster's length.
        package var length: Int
        /// Where the header ends: the zlib body (format 1), the roster (format 2).
        package var next: Int
    }

    package static func readHeader(_ bytes: [UInt8]) throws(BundleError) -> Layout {
        guard bytes.count <= maximumSize else { throw .tooLarge(bytes.count) }
        guard bytes.count >= magic.count else {
            throw magic.starts(with: bytes) && !bytes.isEmpty ? .truncated : .notABundle
        }
        guard bytes.starts(with: magic) else { throw .notABundle }
        guard bytes.count > magic.count else { throw .truncated }
        let version = bytes[magic.count]
        guard version >= 1 && version <= ChangeBundle.scopedFormatVersion else { throw .unknownVersion(version) }
        // A header that does not end within its limit is damaged, however long the file.
        var r = ByteReader(bytes, offset: magic.count + 1, end: min(bytes.count, maximumHeaderLength))
        do {
            let sender = try site(r.string())
            let addressee = try site(r.string())
            let network = try r.string()
            let createdAt = try r.varint()
            guard createdAt <= ChangeBundle.largestNumber else { throw ByteDecodingError.malformed("createdAt") }
            let schemaVersion = try r.count(max: 1 << 20)
            // A vector entry takes at least two bytes (a site name, a seq), a range three: more
            // entries than the bytes left can hold means the file is cut short.
            func entries(ofAtLeast size: Int) throws(ByteDecodingError) -> Int {
                let n = try r.varint()
                guard n <= UInt64(r.remaining / size) else { throw .truncated }
                return Int(n)
            }
            var vector: [SiteName: UInt64] = [:]
            for _ in 0..<(try entries(ofAtLeast: 2)) {
                let s = try site(r.string())
                let seq = try r.varint()
                guard seq <= ChangeBundle.largestNumber else { throw ByteDecodingError.malformed("vector") }
                vector[s] = seq
            }
            var ranges: [SiteName: ClosedRange<UInt64>] = [:]
            for _ in 0..<(try entries(ofAtLeast: 3)) {
                let origin = try site(r.string())
                let first = try r.varint(), last = try r.varint()
                guard first >= 1, first <= last, last <= ChangeBundle.largestNumber, ranges[origin] == nil else {
                    throw ByteDecodingError.malformed("range")
                }
                ranges[origin] = first...last
            }
            let count = try r.count(max: Int.max)
            let scopeGeneration = version == ChangeBundle.scopedFormatVersion ? try r.varint() : 0
            guard scopeGeneration <= ChangeBundle.largestNumber else { throw ByteDecodingError.malformed("scope generation") }
            let plainLength = try r.count(max: Int.max)
            let length = try r.count(max: version == 1 ? maximumSize : Roster.maximumSize)
            var header = BundleHeader(
                sender: sender, addressee: addressee, network: network.isEmpty ? nil : network, createdAt: createdAt,
                schemaVersion: schemaVersion, senderVector: VersionVector(vector), ranges: ranges, changeCount: count)
            header.scopeGeneration = scopeGeneration
            return Layout(header: header, format: version, plainLength: plainLength, length: length, next: r.offset)
        } catch ByteDecodingError.truncated {
            throw bytes.count >= maximumHeaderLength ? .damaged : .truncated
        } catch {
            throw .damaged
        }
    }

    private static func site(_ name: String) throws(ByteDecodingError) -> SiteName {
        guard SiteName.isValid(name) else { throw .malformed("site name") }
        return SiteName(unchecked: name)
    }
}
