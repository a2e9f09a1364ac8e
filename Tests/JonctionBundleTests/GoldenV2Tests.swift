import Crypto
import Foundation
import Jonction
@testable import JonctionBundle
import JonctionTestSupport
import Testing

/// The worked example of protocol.md §5.7: a format 2 bundle from `kayes` to `hub`, with keys fixed
/// for the example, pinned by `Fixtures/golden-v2.jnb`. Everything but the sealed body is
/// deterministic (Ed25519 signs deterministically; HPKE draws a fresh ephemeral key): those bytes are
/// recomputed here and compared; the sealed body is opened with the hub's key and compared once inflated.
@Suite("Exemple du protocole : paquet au format 2, clés fixées")
struct GoldenV2Tests {
    static let network = "0123456789abcdef0123456789abcdef"
    static let kayes = SiteName(unchecked: "kayes"), hub = SiteName.hub

    /// Private keys of the example: 32 consecutive byte values each (protocol.md §5.7).
    static func bytes(from first: UInt8) -> [UInt8] { (0..<32).map { first &+ UInt8($0) } }
    static let kayesKeys = SiteKeys(
        site: kayes, signing: try! .init(rawRepresentation: bytes(from: 0x00)), agreement: try! .init(rawRepresentation: bytes(from: 0x60)))
    static let hubKeys = SiteKeys(
        site: hub, signing: try! .init(rawRepresentation: bytes(from: 0x20)), agreement: try! .init(rawRepresentation: bytes(from: 0x40)))

    static let roster: SignedRoster = {
        let roster = Roster(network: network, issuedAt: 1_790_000_100_000, hub: hubKeys.identity,
                            offices: [Roster.Entry(identity: kayesKeys.identity, enrolledAt: 1_790_000_000_000)])
        return SignedRoster(roster: roster, bytes: try! roster.signed(with: hubKeys))
    }()

    static let changes: [Change] = {
        let t0 = HLC(millis: 1_790_000_000_000)
        return [
            Change(origin: kayes, seq: 1, hlc: t0, table: "candidate", id: "kayes-c01",
                   operation: .set(field: "family_name", value: .text("Traoré"))),
            Change(origin: kayes, seq: 2, hlc: t0.successor, table: "candidate", id: "kayes-c01",
                   operation: .set(field: "birth_year", value: .integer(1999))),
        ]
    }()

    static let block = ChangeBlock.encode(changes)
    static let bundle = ChangeBundle(
        sender: kayes, addressee: hub, network: network, createdAt: 1_790_000_200_000, senderVector: VersionVector([kayes: 2]),
        ranges: [kayes: 1...2], changeCount: 2, blocks: [block],
        signatures: [SegmentSignature(signer: kayes, bytes: ChangeBundle.signSegment(block, with: kayesKeys))])

    static var url: URL { fixturesDirectory.appendingPathComponent("golden-v2.jnb") }

    static func hex(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test("Fixtures/golden-v2.jnb : chaque octet hors du corps scellé est celui du protocole ; le corps s’ouvre avec la clé du pôle")
    func goldenFile() throws {
        if ProcessInfo.processInfo.environment["JONCTION_WRITE_FIXTURES"] == "1" {
            try Data(Self.bundle.sealed(by: Self.kayesKeys, for: Self.hubKeys.identity, roster: Self.roster)).write(to: Self.url)
        }
        let file = try Mailbag.read(Self.url)
        // The keys and signatures protocol.md §5.7 prints (Ed25519 and X25519 are deterministic).
        #expect(Self.hex(Self.kayesKeys.signing.publicKey.rawRepresentation)
                == "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8")
        #expect(Self.hex(Self.kayesKeys.agreement.publicKey.rawRepresentation)
                == "675dd574ed7789310b3d2e7681f3790b466c773b1521fecf36577958371ea52f")
        #expect(Self.hex(Self.hubKeys.signing.publicKey.rawRepresentation)
                == "29acbae141bccaf0b22e1a94d34d0bc7361e526d0bfe12c89794bc9322966dd7")
        #expect(Self.hex(Self.hubKeys.agreement.publicKey.rawRepresentation)
                == "79a631eede1bf9c98f12032cdeadd0e7a079398fc786b88cc846ec89af85a51a")
        #expect(Self.hex(Self.bundle.signatures[0]!.bytes)
                == "3c4b253653a0ea96040c8261569cd6ec6890da6c8b3ea6d7bf5aadb998c9ebae99e47e716dc8713bc0fc9bf07f091f0681da2448d8b84d71ab8a9df563d5e108")
        #expect(Self.hex(Self.roster.bytes.suffix(64))
                == "742f4f396e253c4888490604a17466e0333828809f1b1f2afbb24433428c8dccd0c57cd86273edc7a82c83d148c1bd1b81770f2ba520528f5e7b5f9f6335a501")
        #expect(Self.roster.bytes.count == 260 && Self.block.count == 101)

        // Header, plain length, roster: exactly as written now.
        var head = ByteWriter()
        Self.bundle.writeHeader(to: &head, format: 2)
        var plain = ByteWriter()
        plain.varint(1)
        plain.string("kayes")
        plain.varint(UInt64(Self.block.count))
        plain.raw(Self.block)
        plain.raw(Self.bundle.signatures[0]!.bytes)
        head.varint(UInt64(plain.bytes.count))
        head.varint(UInt64(Self.roster.bytes.count))
        head.raw(Self.roster.bytes)
        #expect(Array(file.prefix(head.bytes.count)) == head.bytes)
        // The sealed body: its length, the encapsulated key, the ciphertext; then Kayes's signature.
        var r = ByteReader(file, offset: head.bytes.count)
        let sealedLength = try r.count(max: 1 << 24)
        let sealedStart = r.offset
        #expect(file.count == sealedStart + sealedLength + 64)
        let signed = file[..<(sealedStart + sealedLength)]
        #expect(Self.kayesKeys.signing.publicKey.isValidSignature(file.suffix(64), for: signed))
        var recipient = try HPKE.Recipient(privateKey: Self.hubKeys.agreement, ciphersuite: .Curve25519_SHA256_ChachaPoly,
                                           info: Data("jonction paquet v2".utf8),
                                           encapsulatedKey: Data(file[sealedStart..<(sealedStart + 32)]))
        let body = try recipient.open(file[(sealedStart + 32)..<(sealedStart + sealedLength)], authenticating: file[..<sealedStart])
        #expect(Zlib.decompress(Array(body)[...], size: plain.bytes.count) == plain.bytes)
        // And the reader takes it, with the hub's keyring.
        let decoded = try ChangeBundle(decoding: file, keyring: Keyring(keys: Self.hubKeys, roster: Self.roster))
        #expect(decoded.changes == Self.changes && decoded.format == 2 && decoded.signatures == Self.bundle.signatures)
        #expect(throws: BundleError.notForThisSite(.hub)) {
            try ChangeBundle(decoding: file, keyring: Keyring(keys: Self.kayesKeys, roster: Self.roster))
        }
        if ProcessInfo.processInfo.environment["JONCTION_PRINT_EXAMPLE"] == "1" {
            print("kayes signing public", Self.hex(Self.kayesKeys.signing.publicKey.rawRepresentation))
            print("kayes agreement public", Self.hex(Self.kayesKeys.agreement.publicKey.rawRepresentation))
            print("hub signing public", Self.hex(Self.hubKeys.signing.publicKey.rawRepresentation))
            print("hub agreement public", Self.hex(Self.hubKeys.agreement.publicKey.rawRepresentation))
            print("header", Self.hex(head.bytes.prefix(head.bytes.count - Self.roster.bytes.count)))
            print("roster", Self.hex(Self.roster.bytes))
            print("block", Self.hex(Self.block))
            print("segment signature", Self.hex(Self.bundle.signatures[0]!.bytes))
            print("plain", Self.hex(plain.bytes))
            print("file", file.count, "sealed", sealedLength)
        }
    }
}
