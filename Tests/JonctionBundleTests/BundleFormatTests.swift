import Foundation
import Jonction
@testable import JonctionBundle
@testable import JonctionStore
import JonctionTestSupport
import Testing

@Suite("Paquets : format v1, vérification complète avant usage")
struct BundleFormatTests {
    static let kayes = SiteName(unchecked: "kayes"), gao = SiteName(unchecked: "gao"), hub = SiteName(unchecked: "hub")

    /// The bundle pinned by Fixtures/golden-v1.jnb (protocol.md §5.5).
    static let golden: JonctionBundle.Bundle = {
        let t0 = HLC(millis: 1_790_000_000_000)
        return Bundle(
            sender: kayes, addressee: hub, network: "0123456789abcdef0123456789abcdef", createdAt: 1_790_000_200_000,
            senderVector: VersionVector([kayes: 3, gao: 7]),
            changes: [
                Change(origin: gao, seq: 7, hlc: HLC(millis: 1_789_999_000_000), table: "candidate", id: "gao-c01",
                       operation: .set(field: "status", value: .text("trained"))),
                Change(origin: kayes, seq: 2, hlc: t0, table: "candidate", id: "kayes-c01",
                       operation: .set(field: "family_name", value: .text("Traoré"))),
                Change(origin: kayes, seq: 3, hlc: t0.successor, table: "candidate", id: "kayes-c01",
                       operation: .set(field: "birth_year", value: .integer(1999))),
            ])
    }()

    static var goldenURL: URL { fixturesDirectory.appendingPathComponent("golden-v1.jnb") }

    @Test("le paquet de référence de Fixtures/ se relit à l’identique")
    func goldenFile() throws {
        let bytes = try Mailbag.read(Self.goldenURL)
        let decoded = try Bundle(decoding: bytes)
        #expect(decoded == Self.golden)
        // The header and the body (once inflated) are byte for byte what this code writes; the
        // compressed bytes may differ between zlib versions, so they are not compared.
        let ours = Self.golden.encoded()
        let theirs = try JonctionBundle.Bundle.readHeader(bytes), mine = try JonctionBundle.Bundle.readHeader(ours)
        #expect(Array(bytes[..<(theirs.bodyStart - varintSize(theirs.bodyLength))])
                == Array(ours[..<(mine.bodyStart - varintSize(mine.bodyLength))]))
        let block = Zlib.decompress(bytes[theirs.bodyStart..<(theirs.bodyStart + theirs.bodyLength)], size: theirs.blockLength)
        #expect(block == ChangeBlock.encode(Self.golden.changes))
        #expect(Array(bytes.prefix(8)) == Array("JONCTION".utf8))
        #expect(bytes[8] == 1)
    }

    func varintSize(_ n: Int) -> Int {
        var w = ByteWriter()
        w.varint(UInt64(n))
        return w.bytes.count
    }

    @Test("aller-retour", arguments: [1, 6, 9] as [Int32])
    func roundTrip(level: Int32) throws {
        #expect(try Bundle(decoding: Self.golden.encoded(level: level)) == Self.golden)
    }

    @Test("un fichier tronqué est refusé comme tel, à toute longueur")
    func truncated() throws {
        let bytes = Self.golden.encoded()
        for cut in 1..<bytes.count {
            #expect(throws: BundleError.truncated, "cut at \(cut)") { try Bundle(decoding: Array(bytes.prefix(cut))) }
        }
    }

    @Test("un octet abîmé n’importe où est détecté")
    func damaged() throws {
        let bytes = Self.golden.encoded()
        for i in 9..<bytes.count {
            var copy = bytes
            copy[i] ^= 0x5A
            #expect(throws: BundleError.self, "byte \(i)") { try Bundle(decoding: copy) }
        }
        var body = bytes
        body[bytes.count - 40] ^= 1
        #expect(throws: BundleError.damaged) { try Bundle(decoding: body) }
        #expect(throws: BundleError.damaged) { try Bundle(decoding: bytes + [0]) }
    }

    @Test("autre fichier, version inconnue, modèle plus récent : refus nommés")
    func foreign() throws {
        #expect(throws: BundleError.notABundle) { try Bundle(decoding: []) }
        #expect(throws: BundleError.notABundle) { try Bundle(decoding: Array("Nom;Prénom\nTraoré;Awa\n".utf8)) }
        #expect(throws: BundleError.notABundle) { try Bundle(decoding: [0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0, count: 100)) }
        var future = Self.golden.encoded()
        future[8] = 2
        let error = #expect(throws: BundleError.unknownVersion(2)) { try Bundle(decoding: future) }
        #expect(error?.message(.fr).contains("version 2") == true)
        var newer = Self.golden
        newer.schemaVersion = 2
        #expect(throws: BundleError.newerSchema(2)) { try Bundle(decoding: newer.encoded()) }
    }

    @Test("un paquet cohérent mais hors schéma est refusé")
    func outsideSchema() throws {
        var bad = Self.golden
        bad.changes[0].operation = .set(field: "status", value: .text("archived"))
        #expect(throws: BundleError.self) { try Bundle(decoding: bad.encoded()) }
    }

    @Test("le nom de fichier dit qui, pour qui, quelles plages")
    func fileName() {
        #expect(Mailbag.fileName(for: Self.golden) == "kayes_pour_hub_gao.7-7_kayes.2-3.jnb")
    }
}
