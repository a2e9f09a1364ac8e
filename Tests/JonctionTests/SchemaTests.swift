import Jonction
import Testing

@Suite("Schéma v1 : valeurs normalisées et refus précis")
struct SchemaTests {
    let schema = Schema.current

    func parse(_ table: String, _ field: String, _ raw: String) throws -> Value {
        try schema.table(named: table).field(named: field).parse(raw, table: table)
    }

    @Test("les valeurs sont normalisées", arguments: [
        ("candidate", "sex", "f", Value.text("F")),
        ("candidate", "region", "segou", .text("Ségou")),
        ("candidate", "region", "  TOMBOUCTOU ", .text("Tombouctou")),
        ("candidate", "region", "Dioila", .text("Dioïla")),
        ("candidate", "education", "def", .text("DEF")),
        ("candidate", "birth_year", " 1999 ", .integer(1999)),
        ("candidate", "relocate", "oui", .integer(1)),
        ("candidate", "relocate", "0", .integer(0)),
        ("candidate", "available_from", "05/03/2027", .text("2027-03-05")),
        ("candidate", "available_from", "2028-02-29", .text("2028-02-29")),
        ("candidate", "skills", "Maçonnerie; cuisine;;maçonnerie ", .text("cuisine;maçonnerie")),
        ("candidate", "skills", "électricité  bâtiment;vente", .text("vente;électricité bâtiment")),
        ("candidate", "languages", "FR;bm;fr", .text("bm;fr")),
        ("candidate", "phone", "+223  76 12 34 56", .text("+223 76 12 34 56")),
        ("candidate", "notes", "  a=b \"c\" é ", .text("a=b \"c\" é")),
        ("candidate", "notes", "", .null),
        ("opportunity", "places", "10", .integer(10)),
        ("opportunity", "employer_id", "emp-01", .text("emp-01")),
        ("opportunity", "isco", "7112", .text("7112")),
    ])
    func normalised(table: String, field: String, raw: String, expected: Value) throws {
        #expect(try parse(table, field, raw) == expected)
    }

    @Test("les mauvaises valeurs sont refusées en nommant le champ", arguments: [
        ("candidate", "birth_year", "abc"),
        ("candidate", "birth_year", "1850"),
        ("candidate", "sex", "Z"),
        ("candidate", "region", "Paris"),
        ("candidate", "relocate", "peut-être"),
        ("candidate", "available_from", "2027-02-30"),
        ("candidate", "available_from", "demain"),
        ("candidate", "isco", "71"),
        ("candidate", "languages", "klingonais"),
        ("candidate", "phone", "appelez-moi"),
        ("opportunity", "places", "-1"),
        ("proposal", "score", "101"),
    ])
    func refused(table: String, field: String, raw: String) {
        #expect {
            try parse(table, field, raw)
        } throws: { error in
            guard case SchemaError.invalidValue(let t, let f, let v, _) = error else { return false }
            return t == table && f == field && v == raw
        }
    }

    @Test("table et champ inconnus : le message français donne les noms possibles")
    func unknownNames() throws {
        #expect(throws: SchemaError.unknownTable("candidat", known: schema.tables.map(\.name))) {
            try schema.table(named: "candidat")
        }
        let error = #expect(throws: SchemaError.self) { try schema.table(named: "candidate").field(named: "sexe") }
        #expect(error?.message(.fr).contains("Champ inconnu « sexe » dans la table candidate") == true)
        #expect(error?.message(.fr).contains("sex") == true)
        #expect(error?.message(.en).hasPrefix("Unknown field “sexe”") == true)
    }

    @Test("les noms de site et d’enregistrement sont vérifiés")
    func names() {
        for good in ["kayes", "mopti-2", "hub", "a", String(repeating: "x", count: 32)] { #expect(SiteName.isValid(good)) }
        for bad in ["", "Kayes", "ségou", "-kayes", "kayes mopti", String(repeating: "x", count: 33)] {
            #expect(!SiteName.isValid(bad))
        }
        #expect(Schema.isValidRecordID("kayes-0191b7e2-7c1e-7abc-8def-0123456789ab"))
        #expect(!Schema.isValidRecordID("avec espace"))
        #expect(!Schema.isValidRecordID(""))
    }

    @Test("une valeur reçue doit être sous forme normale")
    func receivedValues() throws {
        let candidate = try schema.table(named: "candidate")
        #expect(try candidate.field(named: "sex").accepts(.text("F")))
        #expect(try !candidate.field(named: "sex").accepts(.text("f")))
        #expect(try !candidate.field(named: "sex").accepts(.integer(1)))
        #expect(try candidate.field(named: "skills").accepts(.text("cuisine;maçonnerie")))
        #expect(try !candidate.field(named: "skills").accepts(.text("maçonnerie;cuisine")))
        #expect(try !candidate.field(named: "skills").accepts(.text("cuisine;;vente")))
        #expect(try !candidate.field(named: "birth_year").accepts(.text("1999")))
        #expect(try !candidate.field(named: "available_from").accepts(.text("2027-2-1")))
        // Whatever parse produces, accepts takes.
        for field in candidate.fields {
            for raw in ["F", "Kayes", "1999", "2027-01-31", "bm;fr", "7112", "+223 70 00 00 00", "x"] {
                if let v = try? field.parse(raw, table: "candidate") { #expect(field.accepts(v), "\(field.name)=\(raw)") }
            }
        }
    }

    @Test("les champs identifiants sont ceux de protocol.md §2.1 : noms, téléphone, commune, textes libres sur une personne")
    func identifyingFields() throws {
        let identifying = Schema.current.tables.flatMap { table in
            table.fields.filter(\.identifying).map { "\(table.name).\($0.name)" }
        }
        #expect(identifying == ["candidate.family_name", "candidate.given_names", "candidate.phone", "candidate.commune",
                                "candidate.notes", "placement.outcome"])
        // Every free text about a candidate is identifying; what the matching reads is not.
        let candidate = try Schema.current.table(named: "candidate")
        for field in candidate.fields {
            if case .text = field.type { #expect(field.identifying, "\(field.name)") }
        }
        for name in ["region", "sex", "birth_year", "origin_status", "status", "skills", "education", "consent"] {
            #expect(try candidate.field(named: name).identifying == false, "\(name)")
        }
    }
}

/// The labels a writer may type instead of codes (README « Utilisation au bureau »): the code is
/// what is stored, so no receiver ever sees a label.
@Suite("Libellés français des valeurs")
struct LabelsTests {
    @Test("libellés, sans majuscules ni accents, listes séparées par des virgules, langues par leur nom",
          arguments: [
              ("candidate", "sex", "femme", Value.text("F")), ("candidate", "sex", "HOMME", .text("M")),
              ("candidate", "consent", "employeurs", .text("employers")), ("candidate", "consent", "Aucun", .text("none")),
              ("candidate", "origin_status", "Migrant(e) de retour", .text("returnee")),
              ("candidate", "origin_status", "déplacée", .text("displaced")),
              ("candidate", "status", "formée", .text("trained")), ("opportunity", "kind", "Stage", .text("internship")),
              ("opportunity", "status", "pourvue", .text("filled")),
              ("candidate", "languages", "bambara,Français; soninké", .text("bm;fr;snk")),
              ("candidate", "languages", "peul, bm", .text("bm;ff")),
              ("candidate", "skills", "Couture, vente;couture", .text("couture;vente")),
          ] as [(String, String, String, Value)])
    func labels(table: String, field: String, raw: String, expected: Value) throws {
        let f = try Schema.current.table(named: table).field(named: field)
        #expect(try f.parse(raw, table: table) == expected)
    }

    @Test("ce qui n’est ni un code ni un libellé reste refusé, avec les libellés dans le message")
    func refused() throws {
        let f = try Schema.current.table(named: "candidate").field(named: "consent")
        #expect(throws: SchemaError.self) { try f.parse("oui", table: "candidate") }
        do { _ = try f.parse("peut-être", table: "candidate") } catch {
            #expect(error.message(.fr).contains("Employeurs (employers)"))
        }
        #expect(Labels.value("candidate", "sex", "F", .fr) == "Femme")
        #expect(Labels.value("candidate", "sex", "F", .en) == "Woman")
        #expect(Labels.language("snk", .fr) == "soninké")
        // Every code of every enumeration has a French label.
        for table in Schema.current.tables {
            for field in table.fields {
                guard case .enumeration(let codes) = field.type, field.name != "education", field.name != "min_education" else { continue }
                for code in codes { #expect(Labels.value(table.name, field.name, code, .fr) != code, "\(table.name).\(field.name) \(code)") }
                #expect(Labels.field(table.name, field.name, .fr) != field.name)
            }
        }
    }
}
