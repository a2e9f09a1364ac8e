import Foundation
import Jonction
@testable import JonctionBundle
@testable import JonctionStore
import JonctionTestSupport
import Testing

@Suite("Paquets : format v1, vérification complète avant usage")
struct BundleFormatTests {
    static let kayes = SiteName(unchecked: "kayes"), gao = SiteName(unchecked: "gao"), hub = SiteName(unchecked: "hub")

    /// The bundle pinned by Fixtures/golden-v1.jnb (protocol.md §5.5), written under data model 1.
    static let golden: ChangeBundle = {
        let t0 = HLC(millis: 1_790_000_000_000)
        return ChangeBundle(
            sender: kayes, addressee: hub, network: "0123456789abcdef0123456789abcdef", createdAt: 1_790_000_200_000,
            schemaVersion: 1, senderVector: VersionVector([kayes: 3, gao: 7]),
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

    @Test("un numéro au-delà de 2⁶³ − 1 (vecteur, plage, date, numéro d’un changement) est refusé, sans planter")
    func numbersAreBounded() throws {
        let huge = UInt64(Int64.max) + 1
        var vector = Self.golden
        vector.senderVector = VersionVector([Self.kayes: huge])
        var created = Self.golden
        created.createdAt = huge
        for bundle in [vector, created] {
            #expect(throws: BundleError.damaged) { try ChangeBundle(decoding: bundle.encodedFormat1()) }
        }
        // A change numbered past the bound: its block does not decode.
        let change = Change(origin: Self.kayes, seq: huge, hlc: HLC(millis: 1), table: "candidate", id: "kayes-c01",
                            operation: .set(field: "status", value: .text("trained")))
        #expect(throws: ByteDecodingError.self) { try ChangeBlock.decode(ChangeBlock.encode([change])) }
        let last = Change(origin: Self.kayes, seq: UInt64(Int64.max), hlc: HLC(millis: 1), table: "candidate",
                          id: "kayes-c01", operation: .set(field: "status", value: .text("trained")))
        #expect(try ChangeBlock.decode(ChangeBlock.encode([last])) == [last])
        // Imported, such a bundle is refused with nothing changed.
        let dir = TemporaryDirectory("bounds")
        let hub = try Replica.create(at: dir.path("hub.sqlite"), site: .hub)
        var bytes = ChangeBundle(sender: Self.kayes, addressee: .hub, network: nil, createdAt: 1,
                                 senderVector: VersionVector([Self.kayes: huge]), changes: [change]).encodedFormat1()
        #expect(throws: BundleError.self) { try hub.importBundle(ChangeBundle(decoding: bytes)) }
        bytes = ChangeBundle(sender: Self.kayes, addressee: .hub, network: nil, createdAt: 1,
                             senderVector: VersionVector([Self.kayes: 1]), changes: [change]).encodedFormat1()
        #expect(throws: BundleError.self) { try hub.importBundle(ChangeBundle(decoding: bytes)) }
        #expect(try hub.read { try $0.vector() } == VersionVector())
    }

    @Test("le paquet de référence de Fixtures/ se relit à l’identique")
    func goldenFile() throws {
        let bytes = try Mailbag.read(Self.goldenURL)
        let decoded = try ChangeBundle(decoding: bytes)
        #expect(decoded == Self.golden)
        // The header and the body (once inflated) are byte for byte what this code writes; the
        // compressed bytes may differ between zlib versions, so they are not compared.
        let ours = Self.golden.encodedFormat1()
        let theirs = try ChangeBundle.readHeader(bytes), mine = try ChangeBundle.readHeader(ours)
        #expect(Array(bytes[..<(theirs.next - varintSize(theirs.length))])
                == Array(ours[..<(mine.next - varintSize(mine.length))]))
        let body = Zlib.decompress(bytes[theirs.next..<(theirs.next + theirs.length)], size: theirs.plainLength)
        let block = ChangeBlock.encode(Self.golden.changes)
        var expected = ByteWriter()
        expected.varint(1)
        expected.varint(UInt64(block.count))
        expected.raw(block)
        #expect(body == expected.bytes)
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
        #expect(try ChangeBundle(decoding: Self.golden.encodedFormat1(level: level)) == Self.golden)
    }

    @Test("un fichier tronqué est refusé comme tel, à toute longueur")
    func truncated() throws {
        let bytes = Self.golden.encodedFormat1()
        for cut in 1..<bytes.count {
            #expect(throws: BundleError.truncated, "cut at \(cut)") { try ChangeBundle(decoding: Array(bytes.prefix(cut))) }
        }
    }

    @Test("un octet abîmé n’importe où est détecté")
    func damaged() throws {
        let bytes = Self.golden.encodedFormat1()
        for i in 9..<bytes.count {
            var copy = bytes
            copy[i] ^= 0x5A
            #expect(throws: BundleError.self, "byte \(i)") { try ChangeBundle(decoding: copy) }
        }
        var body = bytes
        body[bytes.count - 40] ^= 1
        #expect(throws: BundleError.damaged) { try ChangeBundle(decoding: body) }
        #expect(throws: BundleError.damaged) { try ChangeBundle(decoding: bytes + [0]) }
    }

    @Test("autre fichier, version inconnue, modèle plus récent : refus nommés")
    func foreign() throws {
        #expect(throws: BundleError.notABundle) { try ChangeBundle(decoding: []) }
        #expect(throws: BundleError.notABundle) { try ChangeBundle(decoding: Array("Nom;Prénom\nTraoré;Awa\n".utf8)) }
        #expect(throws: BundleError.notABundle) { try ChangeBundle(decoding: [0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0, count: 100)) }
        var future = Self.golden.encodedFormat1()
        future[8] = 4
        let error = #expect(throws: BundleError.unknownVersion(4)) { try ChangeBundle(decoding: future) }
        #expect(error?.message(.fr).contains("version 4") == true)
        var newer = Self.golden
        newer.schemaVersion = Schema.current.version + 1
        #expect(throws: BundleError.newerSchema(Schema.current.version + 1)) { try ChangeBundle(decoding: newer.encodedFormat1()) }
        newer.schemaVersion = 0
        #expect(throws: BundleError.self) { try ChangeBundle(decoding: newer.encodedFormat1()) }
    }

    @Test("un paquet cohérent mais hors schéma est refusé à l’import, sans rien changer")
    func outsideSchema() throws {
        var changes = Self.golden.changes
        changes[0].seq = 1  // gao 1…1: no gap on a fresh hub
        changes[0].operation = .set(field: "status", value: .text("archived"))
        let bad = ChangeBundle(sender: Self.kayes, addressee: Self.hub, network: nil, createdAt: 0,
                         senderVector: Self.golden.senderVector, changes: Array(changes.prefix(1)))
        let dir = TemporaryDirectory("schema")
        let hub = try Replica.create(at: dir.path("hub.sqlite"), site: .hub)
        let error = #expect(throws: StoreError.self) { try hub.importBundle(ChangeBundle(decoding: bad.encodedFormat1())) }
        #expect(error?.message(.fr).contains("« archived »") == true, "\(String(describing: error?.message(.fr)))")
        #expect(try hub.read { try $0.vector() } == VersionVector())
    }

    @Test("plusieurs blocs : chaque numéro une fois, sinon refus")
    func blocksTileRanges() throws {
        let changes = Self.golden.changes
        func bundle(_ blocks: [[Change]], ranges: [SiteName: ClosedRange<UInt64>]) -> ChangeBundle {
            ChangeBundle(sender: Self.kayes, addressee: Self.hub, network: nil, createdAt: 0, senderVector: VersionVector(),
                   ranges: ranges, changeCount: blocks.reduce(0) { $0 + $1.count }, blocks: blocks.map(ChangeBlock.encode))
        }
        let ok = bundle([[changes[0]], [changes[2]], [changes[1]]], ranges: Self.golden.ranges)
        #expect(try ChangeBundle(decoding: ok.encodedFormat1()).changes.count == 3)
        let twice = bundle([[changes[0]], [changes[1]], [changes[1]]], ranges: [Self.gao: 7...7, Self.kayes: 2...3])
        #expect(throws: BundleError.self) { try ChangeBundle(decoding: twice.encodedFormat1()) }
        let missing = bundle([[changes[0]], [changes[2]]], ranges: [Self.gao: 7...7, Self.kayes: 2...3])
        #expect(throws: BundleError.self) { try ChangeBundle(decoding: missing.encodedFormat1()) }
    }

    @Test("le nom de fichier dit qui, pour qui, quelles plages")
    func fileName() {
        #expect(Mailbag.fileName(for: Self.golden.header) == "kayes_pour_hub_gao.7-7_kayes.2-3.jnb")
    }
}
