import Jonction
import Testing

@Suite("Bloc de changements : l’exemple de protocol.md §4.3")
struct GoldenBlockTests {
    /// The worked example of protocol.md §4.3.
    static let changes: [Change] = {
        let kayes = SiteName(unchecked: "kayes")
        let t0 = HLC(millis: 1_790_000_000_000)
        return [
            Change(origin: kayes, seq: 1, hlc: t0, table: "candidate", id: "kayes-c01",
                   operation: .set(field: "family_name", value: .text("Traoré"))),
            Change(origin: kayes, seq: 2, hlc: t0.successor, table: "candidate", id: "kayes-c01",
                   operation: .set(field: "birth_year", value: .integer(1999))),
            Change(origin: kayes, seq: 3, hlc: HLC(millis: 1_790_000_060_000), table: "candidate", id: "kayes-c01",
                   operation: .set(field: "family_name", value: .text("Traore")),
                   previous: Stamp(hlc: t0, site: kayes)),
            Change(origin: kayes, seq: 4, hlc: HLC(millis: 1_790_000_120_000), table: "candidate", id: "kayes-c02",
                   operation: .delete, previous: Stamp(hlc: HLC(millis: 1_789_999_000_000), site: SiteName(unchecked: "gao"))),
        ]
    }()

    static let hex = "01 04 02 03 67 61 6f 05 6b 61 79 65 73 01 09 63 61 6e 64 69 64 61 74 65 02 0a 62 69 72 74 68 5f 79 65 61 72 0b 66 61 6d 69 6c 79 5f 6e 61 6d 65 02 00 09 6b 61 79 65 73 2d 63 30 31 08 01 32 01 01 01 04 04 00 00 00 00 04 00 00 00 02 04 02 01 02 00 0d 80 b0 83 c5 98 68 00 c0 a9 07 c0 a9 07 04 00 01 00 00 0a 00 00 01 02 80 dc 88 01 00 00 05 00 01 01 9e 1f 13 00 02 02 07 54 72 61 6f 72 c3 a9 02 06 54 72 61 6f 72 65"

    /// Bytes as two-digit lowercase hex, separated by spaces, as protocol.md writes them.
    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined(separator: " ")
    }

    @Test("l’encodage est exactement celui de la spécification")
    func golden() throws {
        let bytes = ChangeBlock.encode(Self.changes)
        let hex = Self.hex(bytes)
        #expect(hex == Self.hex)
        #expect(try ChangeBlock.decode(bytes) == Self.changes)
    }

    /// The worked example of protocol.md §4.3.1: the same changes in layout 2, as a site holds them
    /// once record kayes-c01 is erased (its values gone) and kayes-c02 erased rather than deleted,
    /// the first three made by user awa.diarra.
    static let changes2: [Change] = {
        var changes = Self.changes
        let awa = UserName(unchecked: "awa.diarra")
        for i in 0..<3 {
            changes[i].author = awa
            changes[i].operation = .set(field: changes[i].field!, value: .erased)
        }
        changes[3].operation = .erase
        return changes
    }()

    static let hex2 = "02 04 02 03 67 61 6f 05 6b 61 79 65 73 01 09 63 61 6e 64 69 64 61 74 65 02 0a 62 69 72 74 68 5f 79 65 61 72 0b 66 61 6d 69 6c 79 5f 6e 61 6d 65 02 00 09 6b 61 79 65 73 2d 63 30 31 08 01 32 01 0a 61 77 61 2e 64 69 61 72 72 61 01 01 01 04 04 00 00 00 00 04 00 00 00 02 04 03 02 03 01 0d 80 b0 83 c5 98 68 00 c0 a9 07 c0 a9 07 04 00 01 00 00 0a 00 00 01 02 80 dc 88 01 00 00 04 01 01 01 00 03 00 01 03 04 00 02 03 03"

    @Test("la version 2 (effacement, valeurs effacées, auteurs) est exactement celle de la spécification")
    func golden2() throws {
        let bytes = ChangeBlock.encode(Self.changes2)
        let hex = Self.hex(bytes)
        #expect(hex == Self.hex2)
        #expect(try ChangeBlock.decode(bytes) == Self.changes2)
        // Version 1 cannot say any of it: an erased value or an erase op there is damage.
        var v1 = bytes
        v1[0] = 1
        #expect(throws: ByteDecodingError.self) { try ChangeBlock.decode(v1) }
    }

    @Test("un bloc sans effacement ni auteur reste en version 1")
    func staysVersion1() {
        #expect(ChangeBlock.version(for: Self.changes) == 1)
        #expect(ChangeBlock.encode(Self.changes).first == 1)
        #expect(ChangeBlock.version(for: Self.changes2) == 2)
    }
}
