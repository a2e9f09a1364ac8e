import Foundation
import Jonction
import JonctionTestSupport
import Testing

/// protocol.md §2.2: one normal form, produced by every writer and checked by every receiver.
@Suite("Formes normales : ce que l’écrivain accepte, tout destinataire l’accepte")
struct NormalFormTests {
    let candidate = try! Schema.current.table(named: "candidate")
    let employer = try! Schema.current.table(named: "employer")

    func field(_ table: TableSchema, _ name: String) -> Field { try! table.field(named: name) }

    @Test("un caractère est une valeur scalaire Unicode : 100 drapeaux passent, 101 non, partout")
    func charactersAreScalars() throws {
        let name = field(employer, "name")
        let hundred = String(repeating: "🇲🇱", count: 100) // 200 scalars, 100 graphemes, 800 bytes
        #expect(try name.parse(hundred, table: "employer") == .text(hundred))
        #expect(name.accepts(.text(hundred)))
        let more = String(repeating: "🇲🇱", count: 101)
        #expect(throws: SchemaError.self) { try name.parse(more, table: "employer") }
        #expect(!name.accepts(.text(more)))
        // A grapheme of many scalars counts each of them.
        let stacked = "e" + String(repeating: "\u{301}", count: 200)
        #expect(!name.accepts(.text(stacked)))
    }

    @Test("blancs, NFC, contrôles : le destinataire refuse ce que l’écrivain n’aurait pas écrit")
    func receiversRefuse() throws {
        let family = field(candidate, "family_name")
        for bad in [" Diarra", "Diarra ", "Diarra\u{00A0}", "\u{3000}Keïta", "Kei\u{0308}ta", "Dia\u{0}rra", "Dia\u{1B}[31mrra",
                    "Dia\u{85}rra", "Dia\nrra", "Dia\trra", "", "\u{0378}", "a\u{1FAE0}", String(repeating: "a", count: 101)] {
            #expect(!family.accepts(.text(bad)), "accepté : \(bad.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        for good in ["Diarra", "Keïta", "N’Diaye", "Maïga Touré", "🇲🇱", "q\u{303}"] {
            #expect(family.accepts(.text(good)), "refusé : \(good)")
        }
        let notes = field(candidate, "notes")
        #expect(notes.accepts(.text("ligne 1\nligne 2")))
        #expect(!notes.accepts(.text("ligne 1\r\nligne 2")))
        #expect(!notes.accepts(.text("ligne 1\n")))

        let skills = field(candidate, "skills")
        for bad in ["Couture", " couture", "couture ;vente", "vente;couture", "couture;couture", "couture;", ";couture",
                    "coupe  couture", "coupe\u{00A0}couture", String(repeating: "x", count: 101), String(repeating: "x", count: 1 << 20)] {
            #expect(!skills.accepts(.text(bad)), "accepté : \(bad.prefix(20))")
        }
        #expect(skills.accepts(.text("couture;vente")))
        #expect(skills.accepts(.text("coupe couture;électricité")))

        let phone = field(candidate, "phone")
        for bad in ["    ", " 76 12 34 56", "76  12 34 56", "76 12 34 56 ", "12", "76-12-34-5a"] {
            #expect(!phone.accepts(.text(bad)), "accepté : «\(bad)»")
        }
        #expect(phone.accepts(.text("+223 76 12 34 56")))
        #expect(!field(candidate, "sex").accepts(.text("f")))
    }

    @Test("l’écrivain normalise : retours à la ligne, tabulations, NFC, minuscules, et nomme le caractère refusé")
    func writerNormalises() throws {
        #expect(try field(candidate, "family_name").parse("  Kei\u{0308}ta\t", table: "candidate") == .text("Keïta"))
        #expect(try field(candidate, "family_name").parse("Keïta\r\nTraoré", table: "candidate") == .text("Keïta Traoré"))
        #expect(try field(candidate, "notes").parse("a\r\nb\rc\u{2028}d\n", table: "candidate") == .text("a\nb\nc\nd"))
        #expect(try field(candidate, "skills").parse(" Coupe   Couture ; VENTE;;vente ", table: "candidate") == .text("coupe couture;vente"))
        #expect(try field(candidate, "skills").parse("ΟΔΟΣ", table: "candidate") == .text("οδοσ"))
        #expect(try field(candidate, "phone").parse(" +223  76\t12 34 56 ", table: "candidate") == .text("+223 76 12 34 56"))
        do {
            _ = try field(candidate, "family_name").parse("Dia\u{1B}[31mrra", table: "candidate")
            Issue.record("un caractère de contrôle a été accepté")
        } catch {
            let message = error.message(.fr)
            #expect(message.contains("U+001B"))
            #expect(!message.contains("\u{1B}"))
        }
        #expect(throws: SchemaError.self) { try field(candidate, "family_name").parse("Dia\u{0}rra", table: "candidate") }
        #expect(throws: SchemaError.self) { try field(candidate, "family_name").parse("a\u{1FAE0}", table: "candidate") }
    }

    /// Random text from a pool of troublesome characters: whatever `parse` writes, `accepts` takes,
    /// and parsing it again gives the same bytes.
    @Test("propriété : tout ce que parse écrit, accepts l’accepte, et parse est idempotent", arguments: 0..<4)
    func writerIsSubsetOfReceiver(seed: UInt64) throws {
        var rng = SeededGenerator(seed: 0x6E6F_726D + seed)
        let pool: [String] = ["a", "Z", "é", "e\u{301}", "I\u{307}", "İ", "Σ", "ß", "ﬁ", " ", "  ", "\t", "\n", "\r\n", "\r", "\u{85}",
                              "\u{A0}", "\u{2028}", "\u{3000}", ";", " ; ", "\u{1B}", "\u{0}", "\u{7F}", "🇲🇱", "👩🏽‍🌾", "\u{E0001}",
                              "\u{1FAE0}", "ǅ", "Å", "\u{212B}", "0", "9", "+", "(", "-", "Ségou", "KAYES", "oui", "2027-03-05",
                              "5/3/2027", "fr", "BM", "1999", "x"]
        let fields = Schema.current.tables.flatMap { t in t.fields.map { (t.name, $0) } }
        for _ in 0..<3000 {
            var raw = ""
            for _ in 0..<Int.random(in: 0...12, using: &rng) { raw += pool.randomElement(using: &rng)! }
            let (table, field) = fields.randomElement(using: &rng)!
            guard let value = try? field.parse(raw, table: table) else { continue }
            #expect(field.accepts(value), "\(table).\(field.name) : \(raw.unicodeScalars.map { String($0.value, radix: 16) })")
            if case .text(let s) = value {
                #expect(try field.parse(s, table: table) == value)
                if case .text(let again) = try field.parse(s, table: table) { #expect(Array(again.utf8) == Array(s.utf8)) }
            }
        }
    }

    @Test("sous U+0300, tout caractère est assigné, de classe combinatoire 0, et un texte de ces seuls caractères est en NFC")
    func fastPathHolds() {
        for v in 0..<0x300 {
            guard let scalar = Unicode.Scalar(v) else { continue }
            #expect(scalar.properties.canonicalCombiningClass.rawValue == 0, "U+\(String(v, radix: 16))")
            #expect(NormalText.isAssigned(scalar), "U+\(String(v, radix: 16))")
            for next in [0x41, 0xE9, 0x17E, 0x2B0] {
                let text = String(String.UnicodeScalarView([scalar, Unicode.Scalar(UInt32(next))!]))
                #expect(text.utf8.elementsEqual(text.precomposedStringWithCanonicalMapping.utf8), "U+\(String(v, radix: 16))")
            }
        }
    }

    @Test("au-delà de U+0300, les caractères inertes (ponctuation, monnaies, flèches, moins) : sans décomposition, classe 0, et en NFC avec leurs voisins")
    func inertRangesHold() {
        var checked = 0
        for v in UInt32(0x300)..<0x3000 where NormalText.isInert(v) {
            guard let scalar = Unicode.Scalar(v), NormalText.isAssigned(scalar) else { continue }
            checked += 1
            let alone = String(scalar)
            #expect(scalar.properties.canonicalCombiningClass.rawValue == 0, "U+\(String(v, radix: 16))")
            #expect(alone.decomposedStringWithCanonicalMapping.unicodeScalars.elementsEqual([scalar]), "U+\(String(v, radix: 16))")
            // Never the second of a composition (it may be the first, with a combining mark that is
            // not inert: such a text takes the slow path anyway).
            for other in [0x41, 0x65, 0xE9, 0x2B0, 0x3B1, 0x438, 0x928, 0x1100, 0xAC00, 0x2192] {
                let text = String(String.UnicodeScalarView([Unicode.Scalar(UInt32(other))!, scalar]))
                #expect(text.precomposedStringWithCanonicalMapping.unicodeScalars.contains(scalar), "U+\(String(v, radix: 16))")
            }
            for other in [0x41, 0xE9, 0x2019, 0x2212] {
                let text = String(String.UnicodeScalarView([scalar, Unicode.Scalar(UInt32(other))!]))
                #expect(text.utf8.elementsEqual(text.precomposedStringWithCanonicalMapping.utf8), "U+\(String(v, radix: 16))")
            }
        }
        #expect(checked > 150)
        // A score card's text, with ’ − → and « », is normal as written and kept as it is.
        let card = "compétence requise : boulangerie ; pas d’emploi avant → stage (−20) « oui »"
        #expect(NormalText.isNormal(card, maxLength: 2000, multiline: true) && NormalText.normalise(card, multiline: true) == card)
        #expect(NormalText.flaw("e\u{301} → x", maxLength: 100) == .notNFC)
    }

    @Test("un identifiant vide est refusé même en tête de bloc")
    func emptyIDFirstOfBlock() throws {
        let kayes = try SiteName("kayes")
        let change = Change(origin: kayes, seq: 1, hlc: HLC(millis: 1_790_000_000_000), table: "candidate", id: "",
                            operation: .set(field: "family_name", value: .text("Diarra")))
        #expect(throws: SyncRefusal.self) { try MergePlan([ReceivedBlock(changes: [change])], schema: .current) }
    }

    @Test("données du modèle 1 : une valeur hors norme est lue comme vide, partout pareil ; un champ inconnu reste refusé")
    func legacyValuesTakenAsNull() throws {
        let kayes = try SiteName("kayes")
        let t0 = HLC(millis: 1_790_000_000_000)
        let changes = [
            Change(origin: kayes, seq: 1, hlc: t0, table: "candidate", id: "kayes-c1",
                   operation: .set(field: "notes", value: .text("tab\there"))),
            Change(origin: kayes, seq: 2, hlc: t0.successor, table: "proposal", id: "r1-kayes-c1",
                   operation: .set(field: "round", value: .integer(1_000_001))),
            Change(origin: kayes, seq: 3, hlc: t0.successor.successor, table: "candidate", id: "kayes-c1",
                   operation: .set(field: "family_name", value: .text("Diarra"))),
        ]
        #expect(throws: SyncRefusal.self) { try MergePlan([ReceivedBlock(changes: changes)], schema: .current) }
        let plan = try MergePlan([ReceivedBlock(changes: changes, encoded: ChangeBlock.encode(changes))], schema: .current,
                                 values: .lenient)
        #expect(plan.nulledValues == 2)
        #expect(plan.blocks[0].encoded == nil)
        #expect(plan.changes.map(\.operation) == [.set(field: "notes", value: .null), .set(field: "round", value: .null),
                                                  changes[2].operation])
        #expect(plan.changes.map(\.hlc) == changes.map(\.hlc))
        var unknown = changes[0]
        unknown.operation = .set(field: "surnom", value: .text("x"))
        #expect(throws: SyncRefusal.self) { try MergePlan([ReceivedBlock(changes: [unknown])], schema: .current, values: .lenient) }

        // Two receivers, any order of the same deliveries: the same state.
        var a = MemoryReplica(site: try SiteName("hub")), b = MemoryReplica(site: try SiteName("mopti"))
        try a.receive([ReceivedBlock(changes: changes)], wallMillis: t0.millis, dataModel: 1)
        try b.receive([ReceivedBlock(changes: Array(changes[..<1]))], wallMillis: t0.millis, dataModel: 1)
        try b.receive([ReceivedBlock(changes: changes)], wallMillis: t0.millis, dataModel: 1)
        var strict = MemoryReplica(site: try SiteName("gao"))
        #expect(throws: SyncRefusal.self) { try strict.receive([ReceivedBlock(changes: changes)], wallMillis: t0.millis) }
        #expect(strict.vector.total == 0)
        #expect(a.records == b.records)
        #expect(a.log == b.log)
    }
}
