import Jonction
import Testing

@Suite("Schéma v1 typé : poignées de champs et codes")
struct SchemaV1FieldsTests {
    @Test("chaque poignée désigne le champ à sa position, et toutes les tables et tous les champs en ont une")
    func handlesMatchTheSchema() throws {
        try Schema.V1.check(Schema.current)
        for handle in Schema.V1.fields {
            let table = try Schema.current.table(named: handle.table)
            #expect(table.position(of: handle.name) == handle.position, "\(handle)")
        }
        let tables = [Schema.V1.candidate.table, Schema.V1.employer.table, Schema.V1.opportunity.table,
                      Schema.V1.proposal.table, Schema.V1.placement.table]
        #expect(tables == Schema.current.tables.map(\.name))
        #expect(Schema.V1.fields.map(\.description) == Schema.current.tables.flatMap { t in t.fields.map { "\(t.name).\($0.name)" } })
    }

    @Test("les cas de chaque énumération sont exactement les codes du schéma, dans leur ordre")
    func codesMatchTheSchema() throws {
        #expect(Schema.V1.codeFields.count == 5)
        for (handle, codes) in Schema.V1.codeFields {
            let field = try Schema.current.table(named: handle.table).field(named: handle.name)
            #expect(field.type == .enumeration(codes), "\(handle)")
        }
        #expect(ProposalStatus.allCases.map(\.rawValue) == ["proposed", "accepted", "declined", "expired"])
        #expect(Consent.nobody.rawValue == "none")
    }

    @Test("une poignée ou un code qui ne correspond plus au schéma est signalé")
    func mismatchIsReported() {
        let shuffled = Schema(version: 1, tables: Schema.current.tables.map { t in
            t.name == "proposal" ? TableSchema(t.name, t.fields.reversed()) : t
        })
        #expect(throws: SchemaError.self) { try Schema.V1.check(shuffled) }
        let renamed = Schema(version: 1, tables: Schema.current.tables.map { t in
            t.name != "opportunity" ? t : TableSchema(t.name, t.fields.map { f in
                f.name == "status" ? Field("status", .enumeration(["open", "closed"])) : f
            })
        })
        #expect(throws: SchemaError.self) { try Schema.V1.check(renamed) }
    }

    @Test("lire un champ par poignée ne plante jamais : hors limites ou code inconnu donnent null")
    func readingNeverCrashes() {
        var values = [Value](repeating: .null, count: 17)
        values[Schema.V1.candidate.status.position] = .text("placed")
        values[Schema.V1.candidate.birthYear.position] = .integer(1999)
        values[Schema.V1.candidate.consent.position] = .text("someday")
        #expect(values[Schema.V1.candidate.status] == .placed)
        #expect(values[Schema.V1.candidate.status.field] == .text("placed"))
        #expect(values[Schema.V1.candidate.birthYear].integer == 1999)
        #expect(values[Schema.V1.candidate.birthYear].text == nil)
        #expect(values[Schema.V1.candidate.consent] == nil)
        #expect(values[Schema.V1.candidate.notes].isNull)
        let short: [Value] = [.text("x")]
        #expect(short[Schema.V1.candidate.status] == nil)
        #expect(short[Schema.V1.candidate.notes] == .null)
        let state = RecordState(fieldCount: 6)
        #expect(state[Schema.V1.proposal.status] == nil)
    }

    @Test("accesseurs de valeur : texte, entier, éléments de liste, code")
    func accessors() {
        #expect(Value.text("a").text == "a" && Value.integer(3).text == nil && Value.null.text == nil)
        #expect(Value.integer(3).integer == 3 && Value.integer(3).int == 3 && Value.text("3").integer == nil)
        #expect(Value.text("bm;fr").listItems == ["bm", "fr"] && Value.null.listItems.isEmpty)
        // The items are those of cutting at `;` characters, ASCII or not.
        for text in ["", ";", "a", ";a;;b;", "couture;soudure", "maçonnerie;soudure", "x;\u{301}y", "é;;e\u{301}"] {
            #expect(Value.text(text).listItems == text.split(separator: ";"), "\(text)")
        }
        #expect(Value.text("accepted").code(ProposalStatus.self) == .accepted)
        #expect(Value.text("Accepted").code(ProposalStatus.self) == nil)
        #expect(ProposalStatus.declined.value == .text("declined"))
    }
}
