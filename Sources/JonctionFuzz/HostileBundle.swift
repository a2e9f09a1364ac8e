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
    /// The same bomb announcing 64 MiB, within the limit: inflating stops there.
    case boundedZlibBomb = "bombe-zlib-64mio"

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
        }
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
            ranges: [SiteName(unchecked: "kayes"): 1...UInt64(changes)], changeCount: changes, blocks: [[]]).encoded())!
        anatomy.plain = plain
        return anatomy.assembled()
    }

    /// The header of a bundle from kayes for the hub of `changes` changes, up to `changeCount`.
    static func header(changes: Int) -> [UInt8] {
        BundleAnatomy(file(changes: changes, plain: [0]))!.header
    }
}
