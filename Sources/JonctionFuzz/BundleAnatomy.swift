import Crypto
import Jonction
import JonctionBundle

/// A bundle file taken apart without verifying it, so that one layer can be mutated and the file
/// put back together around it: the body recompressed, its lengths rewritten, the checksum
/// recomputed. Without that, nearly every mutant would stop at the checksum and the decoders
/// behind it would never see a damaged byte.
struct BundleAnatomy {
    /// From the magic to `changeCount` (protocol.md §5.1).
    var header: [UInt8]
    var plain: [UInt8]

    /// Nil if the header does not read or the body does not inflate.
    init?(_ file: [UInt8]) {
        guard let parts = try? ChangeBundle.readHeader(file), parts.format == 1 else { return nil }
        let (bodyStart, bodyLength, plainLength) = (parts.next, parts.length, parts.plainLength)
        guard bodyStart + bodyLength <= file.count, plainLength <= ChangeBundle.maximumPlainLength,
              let plain = Zlib.decompress(file[bodyStart..<(bodyStart + bodyLength)], size: plainLength)
        else { return nil }
        let lengths = ByteWriter.varintSize(UInt64(plainLength)) + ByteWriter.varintSize(UInt64(bodyLength))
        header = Array(file[..<(bodyStart - lengths)])
        self.plain = plain
    }

    /// The change blocks of the plain body, if it splits into them.
    var blocks: [[UInt8]]? {
        var r = ByteReader(plain)
        guard let n = try? r.count(max: r.remaining) else { return nil }
        var blocks: [[UInt8]] = []
        for _ in 0..<n {
            guard let length = try? r.count(max: r.remaining), let block = try? r.raw(length) else { return nil }
            blocks.append(Array(block))
        }
        return r.isAtEnd ? blocks : nil
    }

    static func plain(of blocks: [[UInt8]]) -> [UInt8] {
        var w = ByteWriter()
        w.varint(UInt64(blocks.count))
        for block in blocks {
            w.varint(UInt64(block.count))
            w.raw(block)
        }
        return w.bytes
    }

    /// The file: header, lengths (the plain length as given, true by default), compressed body, checksum.
    func assembled(declaringPlainLength declared: Int? = nil) -> [UInt8] {
        let body = Zlib.compress(plain, level: 1)
        var out = ByteWriter(capacity: header.count + body.count + 64)
        out.raw(header)
        out.varint(UInt64(declared ?? plain.count))
        out.varint(UInt64(body.count))
        out.raw(body)
        return BundleAnatomy.withChecksum(out.bytes)
    }

    /// `bytes` followed by their SHA-256, as a bundle ends.
    static func withChecksum(_ bytes: [UInt8]) -> [UInt8] {
        bytes + Array(SHA256.hash(data: bytes))
    }

    /// `file` with its last 32 bytes replaced by the checksum of the others.
    static func rechecksummed(_ file: [UInt8]) -> [UInt8] {
        guard file.count > 32 else { return file }
        return withChecksum(Array(file[..<(file.count - 32)]))
    }
}
