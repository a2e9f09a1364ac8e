import Jonction
import JonctionBundle

/// Bundle files made to cost a receiver as much memory as possible (issue 11), each with a correct
/// checksum so that it reaches the decoder: what the limits of protocol.md §5.2 must stop.
public enum HostileBundle: String, CaseIterable, Sendable {
    /// A block that declares 2⁴⁰ changes, in a small honest body.
    case declares2p40Changes = "declare-2p40-changements"
    /// A 400 KB file whose body inflates to 400 MB: one block declaring as many changes as it has
    /// bytes, with columns that end at once. The decoder of old reserved room for all of them (50 GB).
    case countBomb = "bombe-de-compte"
    /// A 1 MB zlib stream that inflates to 1 GiB, announcing 1 GiB.
    case zlibBomb = "bombe-zlib"
    /// The same bomb announcing the largest plain body (16 MiB), within the limit: inflating stops there.
    case boundedZlibBomb = "bombe-zlib-au-plafond"
    /// Valid: as many changes as a bundle may carry, six bytes each — deletes of one record.
    case mostChanges = "valide-max-changements"
    /// Valid: as many deletes, of as many records, each id 128 bytes (front-coded: two or three bytes).
    case mostRecords = "valide-max-enregistrements"

    /// Valid: as many changes, each setting the notes of its own record (a 128-byte id) to random
    /// letters, as many as fill the plain body: what hardly compresses, the most bytes to hold.
    case mostBytes = "valide-max-octets"

    /// Whether a receiver must merge it (the largest valid bundles) or refuse it.
    public var isValid: Bool { [.mostChanges, .mostRecords, .mostBytes].contains(self) }

    /// The file's bytes. The bombs take a few seconds to compress.
    public func bytes() -> [UInt8] {
        switch self {
        case .declares2p40Changes:
            var block = ByteWriter()
            block.byte(ChangeBlock.version)
            block.varint(1 << 40)
            block.raw([1, 1, UInt8(ascii: "a"), 1, 1, UInt8(ascii: "t"), 0, 1, 0, 1, UInt8(ascii: "x")])
            block.raw([UInt8](repeating: 0, count: 64))
            return HostileBundle.file(changes: 1, plain: BundleAnatomy.plain(of: [block.bytes]))
        case .countBomb:
            let size = 400_000_000
            let block = HostileBundle.shortColumnsBlock(changes: size - 64, padding: size - 64)
            return HostileBundle.bomb(changes: 1, prefix: block.prefix, zeros: block.zeros, declaring: nil)
        case .zlibBomb:
            return HostileBundle.bomb(changes: 1, prefix: [1, 0x80, 0x80, 0x80, 0x80, 0x04], zeros: 1 << 30, declaring: 1 << 30)
        case .boundedZlibBomb:
            var prefix = ByteWriter()
            prefix.varint(1)
            prefix.varint(UInt64(ChangeBundle.maximumPlainLength - 8))
            return HostileBundle.bomb(changes: 1, prefix: prefix.bytes, zeros: 1 << 30,
                                      declaring: ChangeBundle.maximumPlainLength)
        case .mostChanges:
            return HostileBundle.deletes(ChangeBundle.maximumChangeCount, records: 1)
        case .mostRecords:
            let n = ChangeBundle.maximumChangeCount
            return HostileBundle.deletes(n, records: n)
        case .mostBytes:
            let n = ChangeBundle.maximumChangeCount
            return HostileBundle.deletes(n, records: n, notes: ChangeBundle.maximumPlainLength / n - 16)
        }
    }

    /// A valid bundle of `count` deletes by kayes, one a millisecond, of `records` records of the
    /// candidate table (ids of 128 bytes when there are several), written column by column; or,
    /// with `notes`, as many sets of each record's notes to that many random letters.
    static func deletes(_ count: Int, records: Int, notes: Int? = nil) -> [UInt8] {
        var block = ByteWriter(capacity: count * (10 + (notes ?? 0)))
        block.byte(ChangeBlock.version)
        block.varint(UInt64(count))
        block.varint(1)
        block.string("kayes")
        block.varint(1)
        block.string("candidate")
        if notes == nil {
            block.varint(0)
        } else {
            block.varint(1)
            block.string("notes")
        }
        block.varint(UInt64(records))
        var previous: [UInt8] = []
        for k in 0..<records {
            let id = records == 1 ? Array("kayes-c1".utf8)
                : Array(String(repeating: "k", count: 120).utf8) + Array(String(100_000_000 + k).dropFirst().utf8)
            var shared = 0
            while shared < min(previous.count, id.count), previous[shared] == id[shared] { shared += 1 }
            block.varint(UInt64(shared))
            block.varint(UInt64(id.count - shared))
            block.raw(id[shared...])
            previous = id
        }
        block.raw([1, 0, 1])  // one run: kayes from seq 1…
        block.varint(UInt64(count))
        func column(_ first: [UInt8], _ next: UInt8) {
            block.varint(UInt64(first.count + count - 1))
            block.raw(first)
            block.raw(repeatElement(next, count: count - 1))
        }
        column([0], 0)  // table 0
        column([0], records == 1 ? 0 : 2)  // the same id, or the next (+1)
        column(notes == nil ? [0] : [1], notes == nil ? 0 : 1)  // deletes, or sets of the notes
        var t0 = ByteWriter()
        t0.signed(1_790_000_000_000)
        column(t0.bytes, 2)  // a millisecond apart (+1)
        column([0], 0)  // counters
        column([0], 0)  // no previous stamps
        if let notes {
            var stream = ByteWriter(capacity: count * (notes + 3))
            var rng = FuzzRandom(seed: 11)
            stream.byte(0)
            stream.varint(UInt64(count))
            for _ in 0..<count {
                stream.byte(2)
                stream.varint(UInt64(notes))
                for _ in 0..<notes { stream.byte(UInt8(ascii: "a") + UInt8(rng.below(26))) }
            }
            block.varint(UInt64(stream.bytes.count))
            block.raw(stream.bytes)
        }
        return file(changes: count, plain: BundleAnatomy.plain(of: [block.bytes]))
    }

    /// A block of `changes` changes whose six columns are empty but the first, `padding` zeros
    /// long: the plain body's head, then how many zeros follow (the padding, the empty columns).
    static func shortColumnsBlock(changes: Int, padding: Int) -> (prefix: [UInt8], zeros: Int) {
        var block = ByteWriter()
        block.byte(ChangeBlock.version)
        block.varint(UInt64(changes))
        block.raw([1, 1, UInt8(ascii: "a")])  // sites: "a"
        block.raw([1, 1, UInt8(ascii: "t")])  // tables: "t"
        block.raw([0])  // no fields
        block.raw([1, 0, 1, UInt8(ascii: "x")])  // ids: "x"
        block.raw([1, 0, 1])  // one run: site 0 from seq 1…
        block.varint(UInt64(changes))  // …for all the changes
        block.varint(UInt64(padding))  // the tables column: zeros
        let length = block.bytes.count + padding + 5  // and five empty columns after it
        var plain = ByteWriter()
        plain.varint(1)
        plain.varint(UInt64(length))
        plain.raw(block.bytes)
        return (plain.bytes, padding + 5)
    }

    /// A bundle from kayes for the hub announcing `changes` changes, whose body is `prefix`, then
    /// `zeros` zero bytes, compressed; its plain length announced as `declaring` (else the truth).
    static func bomb(changes: Int, prefix: [UInt8], zeros: Int, declaring: Int?) -> [UInt8] {
        let body = Zlib.compress(prefix, thenZeros: zeros)
        var out = ByteWriter()
        out.raw(header(changes: changes))
        out.varint(UInt64(declaring ?? prefix.count + zeros))
        out.varint(UInt64(body.count))
        out.raw(body)
        return BundleAnatomy.withChecksum(out.bytes)
    }

    /// A bundle file with an honest compressed body.
    static func file(changes: Int, plain: [UInt8]) -> [UInt8] {
        var anatomy = BundleAnatomy(ChangeBundle(
            sender: SiteName(unchecked: "kayes"), addressee: .hub, network: nil, createdAt: 1_790_000_000_000,
            senderVector: VersionVector([SiteName(unchecked: "kayes"): UInt64(changes)]),
            ranges: [SiteName(unchecked: "kayes"): 1...UInt64(changes)], changeCount: changes, blocks: [[]]).encodedFormat1())!
        anatomy.plain = plain
        return anatomy.assembled()
    }

    /// The header of a bundle from kayes for the hub of `changes` changes, up to `changeCount`.
    static func header(changes: Int) -> [UInt8] {
        BundleAnatomy(file(changes: changes, plain: [0]))!.header
    }
}
