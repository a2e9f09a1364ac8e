import Jonction
import JonctionTestSupport
import Testing

@Suite("Bloc de changements : encodage colonne par colonne")
struct ChangeBlockTests {
    func history(seed: UInt64, operations: Int) -> [Change] {
        var rng = SeededGenerator(seed: seed)
        var sites = (0..<3).map { MemoryReplica(site: SiteName(unchecked: "site-\($0)")) }
        var wall: UInt64 = 1_790_000_000_000
        for _ in 0..<operations {
            wall += UInt64.random(in: 0...50, using: &rng)
            let i = Int.random(in: 0..<sites.count, using: &rng)
            if Int.random(in: 0..<6, using: &rng) == 0 {
                sites[i].takeIn(sites[(i + 1) % sites.count], wallMillis: wall)
            } else {
                let op = RandomWorkload.operation(ids: 6, using: &rng)
                sites[i].perform(op, wallMillis: wall)
            }
        }
        // As a bundle carries them: by origin, then seq.
        return sites.flatMap(\.ownChanges)
    }

    @Test("aller-retour exact", arguments: SeededGenerator.seeds(100, base: 300))
    func roundTrip(seed: UInt64) throws {
        let changes = history(seed: seed, operations: 200)
        #expect(try ChangeBlock.decode(ChangeBlock.encode(changes)) == changes, "seed \(seed)")
    }

    @Test("une chaîne se lit si ses octets sont de l’UTF-8 valide, ASCII ou non ; tout autre octet est refusé")
    func stringsAreValidUTF8() {
        func read(_ bytes: [UInt8]) -> String? {
            var r = ByteReader([UInt8(bytes.count)] + bytes)
            return try? r.string()
        }
        #expect(read(Array("bureau-7".utf8)) == "bureau-7")
        #expect(read([]) == "")
        #expect(read([0x00, 0x41]) == "\u{0}A")
        #expect(read(Array("maçonnerie".utf8)) == "maçonnerie")
        #expect(read([0x63, 0x61, 0x66, 0x65, 0xCC, 0x81])?.utf8.count == 6)
        // A lone continuation, a cut sequence, an overlong "/", a surrogate, beyond U+10FFFF, 0xFF.
        for bad: [UInt8] in [[0x80], [0x61, 0xC3], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x41, 0xFF]] {
            #expect(read(bad) == nil, "\(bad)")
        }
        // Front-coded ids go through the same check.
        #expect([UInt8]([0xE2, 0x82, 0xAC]).withUnsafeBufferPointer(ByteReader.utf8String) == "€")
    }

    @Test("des textes équivalents mais d’octets différents gardent chacun leurs octets, même en dictionnaire")
    func valuesKeptByteForByte() throws {
        let s = SiteName(unchecked: "z")
        // Twelve values, two distinct texts by their bytes (é composed, and e + combining acute):
        // Swift's String calls them equal; the block must not.
        let texts = (0..<12).map { $0 % 2 == 0 ? "caf\u{E9}" : "cafe\u{301}" }
        let changes = texts.enumerated().map { i, text in
            Change(origin: s, seq: UInt64(i + 1), hlc: HLC(millis: 1_790_000_000_000 + UInt64(i)), table: "t", id: "r\(i)",
                   operation: .set(field: "f", value: .text(text)))
        }
        let decoded = try ChangeBlock.decode(ChangeBlock.encode(changes))
        let bytes = decoded.map { change -> [UInt8] in
            guard case .set(_, .text(let t)) = change.operation else { return [] }
            return Array(t.utf8)
        }
        #expect(bytes == texts.map { Array($0.utf8) })
    }

    @Test("un bloc vide, des valeurs extrêmes")
    func edges() throws {
        #expect(try ChangeBlock.decode(ChangeBlock.encode([])) == [])
        let s = SiteName(unchecked: "z")
        let changes = [
            Change(origin: s, seq: UInt64(Int64.max) - 1, hlc: HLC(rawValue: UInt64(Int64.max)), table: "t", id: "é",
                   operation: .set(field: "f", value: .integer(.min)), previous: Stamp(hlc: .zero, site: s)),
            Change(origin: s, seq: UInt64(Int64.max), hlc: .zero, table: "t", id: "",
                   operation: .set(field: "f", value: .text(String(repeating: "ß", count: 1000)))),
        ]
        #expect(try ChangeBlock.decode(ChangeBlock.encode(changes)) == changes)
    }

    @Test("des octets abîmés ou tronqués donnent une erreur, jamais un plantage", arguments: SeededGenerator.seeds(20, base: 90))
    func damaged(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let bytes = ChangeBlock.encode(history(seed: seed, operations: 60))
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 50)) {
            #expect(throws: ByteDecodingError.self) { try ChangeBlock.decode(Array(bytes[..<cut])) }
        }
        for _ in 0..<200 {
            var damaged = bytes
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                damaged[Int.random(in: 0..<damaged.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            _ = try? ChangeBlock.decode(damaged)  // must return or throw, not trap
        }
    }

    @Test("les précédents implicites rendent le bloc compact")
    func compact() {
        let changes = history(seed: 1, operations: 400)
        let bytes = ChangeBlock.encode(changes)
        #expect(bytes.count < changes.count * 12, "\(bytes.count) bytes for \(changes.count) changes")
    }

    @Test("un long champ aux valeurs répétées s’écrit en dictionnaire ; aux valeurs toutes différentes, en clair")
    func longStreams() throws {
        let s = SiteName(unchecked: "z")
        func changes(_ value: (Int) -> String) -> [Change] {
            (0..<10_000).map { i in
                Change(origin: s, seq: UInt64(i + 1), hlc: HLC(millis: 1_790_000_000_000 + UInt64(i)), table: "candidate",
                       id: "r1", operation: .set(field: "status", value: .text(value(i))))
            }
        }
        let repeated = changes { ["registered", "trained", "placed"][$0 % 3] }
        let repeatedBytes = ChangeBlock.encode(repeated)
        #expect(try ChangeBlock.decode(repeatedBytes) == repeated)
        // Six one-byte columns and a one-byte index per change; written plain, each value would
        // take 9 to 12 bytes more.
        #expect(repeatedBytes.count < 8 * repeated.count, "\(repeatedBytes.count) bytes")
        let distinct = changes { "+223 7\($0 + 1_000_000)" }
        let distinctBytes = ChangeBlock.encode(distinct)
        #expect(try ChangeBlock.decode(distinctBytes) == distinct)
        // Plain: six one-byte columns and the value (15 bytes); an index per change would add two or three.
        #expect(distinctBytes.count < 22 * distinct.count, "\(distinctBytes.count) bytes")
    }
}
