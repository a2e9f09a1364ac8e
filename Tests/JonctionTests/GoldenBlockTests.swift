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

    @Test("l’encodage est exactement celui de la spécification")
    func golden() throws {
        let bytes = ChangeBlock.encode(Self.changes)
        let hex = bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined(separator: " ")
        #expect(hex == Self.hex)
        #expect(try ChangeBlock.decode(bytes) == Self.changes)
    }
}
