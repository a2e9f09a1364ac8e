import Jonction
import Testing

/// Counts a block declares are checked against what its bytes can hold before anything is
/// allocated for them (issue 11): the memory of decoding follows the bytes, not the counts.
@Suite("Bloc de changements : les comptes annoncés sont bornés par les octets avant toute allocation")
struct ChangeBlockLimitsTests {
    /// A block of `count` changes: sites "a", tables, no fields, ids, one run, then `columns`.
    func block(count: UInt64, tables: [String] = ["t"], ids: [(shared: Int, suffix: String)] = [(0, "x")],
               columns: [[UInt8]]) -> [UInt8] {
        var w = ByteWriter()
        w.byte(ChangeBlock.version)
        w.varint(count)
        w.varint(1)
        w.string("a")
        w.varint(UInt64(tables.count))
        for t in tables { w.string(t) }
        w.varint(0)
        w.varint(UInt64(ids.count))
        for id in ids {
            w.varint(UInt64(id.shared))
            w.string(id.suffix)
        }
        w.varint(1)
        w.raw([0, 1])
        w.varint(count)
        for column in columns {
            w.varint(UInt64(column.count))
            w.raw(column)
        }
        return w.bytes
    }

    @Test("des deletes d’un octet par colonne se décodent : la borne est exacte")
    func smallestChanges() throws {
        let n = 1000
        let bytes = block(count: UInt64(n), columns: Array(repeating: [UInt8](repeating: 0, count: n), count: 6))
        let changes = try ChangeBlock.decode(bytes)
        #expect(changes.count == n && changes.allSatisfy { $0.operation == .delete })
        #expect(changes.last?.seq == UInt64(n))
    }

    @Test("un bloc qui annonce 2⁴⁰ changements, ou plus que ses octets n’en tiennent, est refusé d’emblée")
    func declaredCount() throws {
        let padding = [UInt8](repeating: 0, count: 6000)
        let huge = block(count: 1 << 40, columns: [padding])
        // A sixth of what follows the version byte.
        let most = (huge.count - 1) / 6
        #expect(throws: ByteDecodingError.malformed("count \(1 << 40) above \(most)")) { try ChangeBlock.decode(huge) }
        // 5,000 changes in 6,000 bytes: fewer than one byte per column each.
        #expect(throws: ByteDecodingError.self) { try ChangeBlock.decode(block(count: 5000, columns: [padding])) }
        // 900 fit the bytes, but the columns are empty but one: refused before room is made for them.
        let short = block(count: 900, columns: [padding, [], [], [], [], []])
        #expect(throws: ByteDecodingError.malformed("column shorter than 900 changes")) { try ChangeBlock.decode(short) }
    }

    @Test("au plus autant d’entrées de dictionnaire que de changements, des ids d’au plus 128 octets")
    func dictionaries() throws {
        let one = Array(repeating: [UInt8(0)], count: 6)
        #expect(try ChangeBlock.decode(block(count: 1, columns: one)).count == 1)
        #expect(throws: ByteDecodingError.self) {
            try ChangeBlock.decode(block(count: 1, tables: ["t", "u"], columns: one))
        }
        // Front coding: each id may repeat its predecessor whole for two bytes. 128 bytes is the
        // longest id (protocol.md §2.3); longer ones are refused.
        let long = String(repeating: "k", count: 128)
        #expect(try ChangeBlock.decode(block(count: 1, ids: [(0, long)], columns: one)).first?.id == long)
        #expect(throws: ByteDecodingError.self) {
            try ChangeBlock.decode(block(count: 1, ids: [(0, long + "k")], columns: one))
        }
        #expect(throws: ByteDecodingError.self) {
            try ChangeBlock.decode(block(count: 2, ids: [(0, long), (128, "k")], columns: Array(repeating: [0, 0], count: 6)))
        }
        // Ten thousand ids repeating a 128-byte one, for one change: refused at their count.
        let repeated = [(0, long)] + Array(repeating: (128, ""), count: 10_000)
        #expect(throws: ByteDecodingError.malformed("count 10001 above 1")) {
            try ChangeBlock.decode(block(count: 1, ids: repeated, columns: one))
        }
        // What the encoder writes stays readable: an id of 128 bytes, edited twice.
        let change = Change(origin: SiteName(unchecked: "a"), seq: 1, hlc: HLC(millis: 1), table: "t", id: long,
                            operation: .set(field: "f", value: .text("v")))
        #expect(try ChangeBlock.decode(ChangeBlock.encode([change])) == [change])
    }

    @Test("un flux de valeurs ne tient pas plus de valeurs que de changements")
    func valueStreams() throws {
        // One set of field "f", whose stream announces 3,000 values (and holds their bytes).
        var w = ByteWriter()
        w.byte(ChangeBlock.version)
        w.varint(1)
        w.raw([1, 1, UInt8(ascii: "a"), 1, 1, UInt8(ascii: "t"), 1, 1, UInt8(ascii: "f"), 1, 0, 1, UInt8(ascii: "x")])
        w.raw([1, 0, 1, 1])
        for column: [UInt8] in [[0], [0], [1], [2], [0], [0]] {
            w.varint(UInt64(column.count))
            w.raw(column)
        }
        var stream = ByteWriter()
        stream.byte(0)
        stream.varint(3000)
        for _ in 0..<3000 { stream.byte(0) }
        w.varint(UInt64(stream.bytes.count))
        w.raw(stream.bytes)
        #expect(throws: ByteDecodingError.malformed("count 3000 above 1")) { try ChangeBlock.decode(w.bytes) }
        // With one value, it decodes.
        var good = Array(w.bytes.prefix(w.bytes.count - stream.bytes.count - 2))
        good += [3, 0, 1, 0]
        #expect(try ChangeBlock.decode(good).first?.operation == .set(field: "f", value: .null))
    }

    @Test("un bloc peut être limité au nombre de changements qu’annonce le paquet")
    func maximumCount() throws {
        let bytes = block(count: 10, columns: Array(repeating: [UInt8](repeating: 0, count: 10), count: 6))
        #expect(try ChangeBlock.decode(bytes, maximumCount: 10).count == 10)
        #expect(throws: ByteDecodingError.malformed("count 10 above 9")) { try ChangeBlock.decode(bytes, maximumCount: 9) }
    }
}
