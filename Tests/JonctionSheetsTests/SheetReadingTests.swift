import Foundation
import Jonction
@testable import JonctionSheets
import Testing
import ZIPFoundation

/// The fixture folder of the package.
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures")

func fixture(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: fixtures.appendingPathComponent(name)))
}

/// Windows-1252 bytes of a text made of Latin-1 characters (what French Excel's « CSV » writes).
func windows1252(_ text: String) -> [UInt8] {
    text.unicodeScalars.map { s in s == "œ" ? 0x9C : s == "’" ? 0x92 : UInt8(s.value) }
}

@Suite("Lecture des tableurs : encodages, séparateurs, guillemets, dates")
struct SheetReadingTests {
    @Test("le séparateur est reconnu, même quand les cellules contiennent l’autre", arguments: [
        ("nom;prénoms;notes\r\nDiarra;Awa;\"a, b, c\"\r\nTraoré;Moussa;x\r\n", Character(";")),
        ("nom,prénoms,notes\nDiarra,Awa,\"a; b; c\"\nTraoré,Moussa,x\n", Character(",")),
        ("nom\tprénoms\tnotes\nDiarra\tAwa\t\"a, b; c\"\n", Character("\t")),
    ])
    func separator(text: String, expected: Character) throws {
        #expect(CSVDialect.separator(of: text) == expected)
        let sheet = try Sheet.csv(Array(text.utf8))
        #expect(sheet.headers == ["nom", "prénoms", "notes"])
        #expect(sheet.rows.first?.cells.count == 3)
        #expect(sheet.dialect.separator == expected)
    }

    @Test("UTF-8 avec BOM, sans BOM, Windows-1252 : les accents arrivent intacts")
    func encodings() throws {
        let text = "nom;prénoms;commune\r\nKeïta;Fatoumata;Diéma\r\nCœur;Éloïse;Ségou\r\n"
        for (bytes, encoding) in [([0xEF, 0xBB, 0xBF] + Array(text.utf8), Sheet.Dialect.Encoding.utf8WithBOM),
                                  (Array(text.utf8), .utf8), (windows1252(text), .windows1252)] {
            let sheet = try Sheet.csv(bytes)
            #expect(sheet.dialect.encoding == encoding)
            #expect(sheet.headers == ["nom", "prénoms", "commune"])
            #expect(sheet.rows.map(\.cells) == [["Keïta", "Fatoumata", "Diéma"], ["Cœur", "Éloïse", "Ségou"]])
        }
    }

    @Test("fin de ligne Windows : aucun « \\r » ne reste dans la dernière colonne")
    func crlf() throws {
        let sheet = try Sheet.csv(Array("nom;consentement\r\nDiarra;Oui\r\nTraoré;Non\r\n".utf8))
        #expect(sheet.rows.map { $0[1] } == ["Oui", "Non"])
        #expect(sheet.dialect.crlf)
        #expect(SheetText.cleanCell("Oui\r") == "Oui")
    }

    @Test("cellules entre guillemets : séparateur, guillemets doublés, retours à la ligne ; numéros de ligne du tableur")
    func quoted() throws {
        let text = "nom;notes;x\r\n\"Diarra\";\"Deux lignes\r\nde notes; avec \"\"guillemets\"\"\";1\r\nTraoré;;2\r\n\r\n"
        let sheet = try Sheet.csv(Array(text.utf8))
        #expect(sheet.rows.count == 2)
        #expect(sheet.rows[0].cells == ["Diarra", "Deux lignes\r\nde notes; avec \"guillemets\"", "1"])
        #expect(sheet.rows[0].line == 2)
        #expect(sheet.rows[1].line == 3)
    }

    @Test("la ligne de balises HXL de Kobo et les lignes vides ne sont pas des données")
    func hxl() throws {
        let sheet = try Sheet.csv(Array("\"nom\";\"région\"\r\n\"#name\";\"#adm1\"\r\n\"Diarra\";\"Kayes\"\r\n;\r\n".utf8))
        #expect(sheet.rows.map(\.cells) == [["Diarra", "Kayes"]])
    }

    @Test("les bornes : trop de lignes, trop de colonnes, une cellule trop longue")
    func limits() throws {
        var limits = SheetLimits()
        limits.rows = 3
        limits.columns = 4
        limits.cellCharacters = 10
        #expect(throws: SheetError.tooManyRows(limit: 3)) { try Sheet.csv(Array("a\n1\n2\n3\n4\n".utf8), limits: limits) }
        #expect(throws: SheetError.tooManyColumns(count: 5, limit: 4)) { try Sheet.csv(Array("a;b;c;d;e\n".utf8), limits: limits) }
        #expect(throws: SheetError.cellTooLong(line: 2, limit: 10)) { try Sheet.csv(Array("a;b\n\"12345678901\";x\n".utf8), limits: limits) }
    }

    @Test("dates de tableur", arguments: [
        ("05/03/2027", "2027-03-05"), ("5/3/2027", "2027-03-05"), ("05-03-2027", "2027-03-05"), ("05.03.2027", "2027-03-05"),
        ("2027-03-05", "2027-03-05"), ("2027/03/05", "2027-03-05"), ("2027-03-05T10:00:09.772+06:00", "2027-03-05"),
        ("2027-03-05 08:30", "2027-03-05"), ("46451", "2027-03-05"), ("46451.75", "2027-03-05"), ("1", "1900-01-01"),
        ("61", "1900-03-01"),
    ])
    func dates(input: String, expected: String) {
        #expect(SheetDate.normalise(input) == expected)
    }

    @Test("ce qui n’est pas une date", arguments: ["", "demain", "05/03/27", "2027-03", "0", "99999", "1/2/3"])
    func notDates(input: String) {
        #expect(SheetDate.normalise(input) == nil)
    }

    @Test("l’écrivain CSV : BOM, « ; », CRLF, guillemets, formules neutralisées ; relu à l’identique")
    func writer() throws {
        let rows = [["Nom", "Notes", "Téléphone"], ["Diarra", "a;b \"c\"\nd", "+223 76 12 34 56"], ["=HYPERLINK(\"x\")", "@SUM(1)", "-12"]]
        let bytes = SheetCSV.encode(rows)
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix("Nom;Notes;Téléphone\r\nDiarra;\"a;b \"\"c\"\"\nd\";+223 76 12 34 56\r\n\"'=HYPERLINK(\"\"x\"\")\";'@SUM(1);-12\r\n"))
        let back = try Sheet.csv(bytes)
        #expect(back.headers == rows[0])
        #expect(back.rows.map(\.cells) == Array(rows.dropFirst()))
    }
}

@Suite("Fichier de correspondance et plan d’import")
struct SheetMappingTests {
    let table = try! Schema.current.table(named: "candidate")

    @Test("l’exemple Kobo de Fixtures/ : 5 lignes valides, 3 refusées avec leur raison")
    func koboFixture() throws {
        let mapping = try SheetMapping.read(try fixture("kobo-inscription.mapping.toml"), path: "kobo-inscription.mapping.toml")
        #expect(mapping.table == "candidate")
        #expect(mapping.key == "_uuid")
        #expect(mapping.lists["skills"] == " ")
        let sheet = try Sheet.csv(try fixture("kobo-inscription.csv"))
        #expect(sheet.dialect.separator == ";")
        #expect(sheet.dialect.crlf)
        let plan = try SheetImport(sheet: sheet, table: table, mapping: mapping, site: "kayes")
        #expect(plan.records.map(\.line) == [2, 3, 4, 6, 9])
        #expect(plan.rejects.map(\.row.line) == [5, 7, 8])
        #expect(plan.records.allSatisfy { $0.id.hasPrefix("kayes-k-") && $0.id.count == "kayes-k-".count + 12 })
        func value(_ line: Int, _ field: String) -> Value? {
            plan.records.first { $0.line == line }?.fields.first { $0.field == field }?.value
        }
        #expect(value(2, "consent") == .text("employers"))
        #expect(value(3, "consent") == .text("none"))
        #expect(value(2, "sex") == .text("F"))
        #expect(value(2, "skills") == .text("couture;vente"))
        #expect(value(2, "languages") == .text("bm;fr"))
        #expect(value(2, "available_from") == .text("2027-03-05"))
        #expect(value(3, "region") == .text("Kayes"))
        #expect(value(3, "skills") == .text("maçonnerie"))
        #expect(value(3, "notes") == .text("Deux lignes\nde notes"))
        #expect(value(4, "available_from") == .text("2027-03-05"))
        #expect(value(4, "origin_status") == .text("host_youth"))
        #expect(value(9, "region") == .text("Tombouctou"))
        #expect(value(2, "relocate") == .integer(1))
        let reasons = plan.rejects.flatMap { r in r.problems.map { $0.message(line: r.row.line, .fr) } }
        #expect(reasons.count == 4)
        #expect(reasons[0].hasPrefix("ligne 5, colonne « groupe_identite/sexe », valeur « Inconnu » : Valeurs possibles"))
        #expect(reasons[1].hasPrefix("ligne 5, colonne « groupe_identite/annee_naissance », valeur « 19x5 » : Attendu : un nombre entier"))
        #expect(reasons[2].hasPrefix("ligne 7, colonne « _uuid » : la colonne clé est vide"))
        #expect(reasons[3].hasPrefix("ligne 8, colonne « groupe_profil/disponible », valeur « 31/02/2027 » : Attendu : une date"))
        // Stable: the same file gives the same ids.
        let again = try SheetImport(sheet: sheet, table: table, mapping: mapping, site: "kayes")
        #expect(again.records == plan.records)
    }

    @Test("la même correspondance en JSON")
    func json() throws {
        let text = #"{"table":"candidate","key":"_uuid","columns":{"groupe_identite/nom":"family_name","groupe_identite/prenoms":"given_names","consentement":"consent"},"values":{"consent":{"Oui":"employers","Non":"none"}}}"#
        let mapping = try SheetMapping.read(Array(text.utf8), path: "m.json")
        let plan = try SheetImport(sheet: try Sheet.csv(try fixture("kobo-inscription.csv")), table: table, mapping: mapping, site: "kayes")
        #expect(plan.records.count == 7)
        #expect(plan.records.first?.fields.map(\.field) == ["family_name", "given_names", "consent"])
    }

    /// The error a body throws, if any.
    func failure(_ body: () throws -> Void) -> (any Error)? {
        do { try body() } catch { return error }
        return nil
    }

    @Test("une correspondance fausse est refusée en disant pourquoi")
    func badMapping() throws {
        let sheet = try Sheet.csv(Array("a;b\n1;2\n".utf8))
        let wrongField = try SheetMapping.read(Array("[columns]\na = \"nom\"\n".utf8), path: "m.toml")
        let absent = try SheetMapping.read(Array("[columns]\nabsente = \"family_name\"\n".utf8), path: "m.toml")
        var error = failure { _ = try SheetImport(sheet: sheet, table: table, mapping: wrongField, site: "kayes") } as? SheetError
        #expect(error == .mappingField(table: "candidate", field: "nom", known: table.fields.map(\.name)))
        error = failure { _ = try SheetImport(sheet: sheet, table: table, mapping: absent, site: "kayes") } as? SheetError
        #expect(error == .unknownMappedColumn(column: "absente", headers: ["a", "b"]))
        error = failure { _ = try SheetMapping.read(Array("[columns\n".utf8), path: "m.toml") } as? SheetError
        #expect(error?.message(.fr).contains("TOML, ligne 1") == true, "\(String(describing: error))")
    }

    @Test("sans correspondance : colonnes par nom de champ ou libellé, préfixes de groupe ôtés, identifiant tiré des noms")
    func automatic() throws {
        let text = "groupe/family_name;Prénoms;Sexe;Année de naissance;autre\nDiarra;Awa;femme;1999;x\nDIARRA;awa;F;1999.0;y\nTraoré;;M;2000;z\n"
        let plan = try SheetImport(sheet: try Sheet.csv(Array(text.utf8)), table: table, mapping: nil, site: "kayes")
        #expect(plan.mappedColumns.map(\.field) == ["family_name", "given_names", "sex", "birth_year"])
        #expect(plan.ignoredColumns == ["autre"])
        #expect(plan.records.count == 1)
        #expect(plan.records[0].id.hasPrefix("kayes-i-"))
        // The same person written in capitals is the same record: refused as a repeat of line 2.
        #expect(plan.rejects.map(\.row.line) == [3, 4])
        #expect(plan.rejects[0].problems.first?.reason == .sameRecord(asLine: 2))
        #expect(plan.rejects[1].problems.first?.reason == .required(field: "given_names"))
    }

    @Test("Kobo legacy : « n/a » est une cellule vide ; les préfixes ODK « groupe-champ » sont reconnus")
    func legacy() throws {
        let text = "identite-family_name,identite-given_names,phone\nDiarra,Awa,n/a\n"
        let plan = try SheetImport(sheet: try Sheet.csv(Array(text.utf8)), table: table, mapping: nil, site: "gao")
        #expect(plan.records.first?.fields.map(\.field) == ["family_name", "given_names"])
    }
}

@Suite("Classeurs .xlsx")
struct XLSXTests {
    /// A minimal workbook as Excel writes it: shared strings, an inline string, numbers, a date serial.
    static func workbook(sheet: String, shared: [String]) throws -> [UInt8] {
        let archive = try Archive(data: Data(), accessMode: .create)
        func add(_ path: String, _ text: String) throws {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        try add("[Content_Types].xml", #"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#)
        try add("xl/workbook.xml", #"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Inscriptions" sheetId="1" r:id="rId1"/></sheets></workbook>"#)
        try add("xl/_rels/workbook.xml.rels", #"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/feuille.xml"/></Relationships>"#)
        try add("xl/sharedStrings.xml", #"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
            + shared.map { "<si><t xml:space=\"preserve\">\($0)</t></si>" }.joined() + "</sst>")
        try add("xl/worksheets/feuille.xml", sheet)
        return [UInt8](archive.data!)
    }

    static let sheetXML = #"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
        + #"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c></row>"#
        + #"<row r="2"><c r="A2" t="s"><v>5</v></c><c r="B2" t="inlineStr"><is><t>Awa</t></is></c><c r="C2"><v>1999</v></c><c r="E2"><v>46451</v></c></row>"#
        + #"<row r="4"><c r="A4" t="inlineStr"><is><r><t>Tra</t></r><r><t>oré</t></r></is></c><c r="B4" t="s"><v>6</v></c><c r="C4"><v>2001</v></c><c r="D4" t="s"><v>7</v></c></row>"#
        + "</sheetData></worksheet>"

    @Test("chaînes partagées, chaînes en ligne, nombres, dates en numéro de série, cellules absentes")
    func read() throws {
        let bytes = try Self.workbook(sheet: Self.sheetXML, shared: ["Nom de famille", "Prénoms", "Année de naissance", "Téléphone",
                                                                     "Disponible à partir du", "Keïta", "Moussa", "76 12 34 56"])
        let sheet = try Sheet.xlsx(bytes, path: "t.xlsx")
        #expect(sheet.headers == ["Nom de famille", "Prénoms", "Année de naissance", "Téléphone", "Disponible à partir du"])
        #expect(sheet.rows.map(\.line) == [2, 4])
        #expect(sheet.rows[0].cells == ["Keïta", "Awa", "1999", "", "46451"])
        #expect(sheet.rows[1].cells == ["Traoré", "Moussa", "2001", "76 12 34 56"])
        let plan = try SheetImport(sheet: sheet, table: try Schema.current.table(named: "candidate"), mapping: nil, site: "kayes")
        #expect(plan.rejects.isEmpty)
        #expect(plan.records[0].fields.first { $0.field == "available_from" }?.value == .text("2027-03-05"))
        #expect(plan.records[0].fields.first { $0.field == "birth_year" }?.value == .integer(1999))
    }

    @Test("une bombe zip est refusée sans épuiser la mémoire")
    func zipBomb() throws {
        let filler = String(repeating: " ", count: 4 * 1_048_576)
        let bomb = try Self.workbook(sheet: #"<worksheet><sheetData>"# + filler + "</sheetData></worksheet>", shared: [])
        #expect(bomb.count < 100_000)
        var limits = SheetLimits()
        limits.xlsxPartBytes = 1_048_576
        #expect(throws: SheetError.unpacksTooLarge(limit: 1_048_576)) { try Sheet.xlsx(bomb, path: "b.xlsx", limits: limits) }
    }

    @Test("un fichier qui n’est pas un classeur est refusé en le disant")
    func notXLSX() {
        #expect(throws: SheetError.notASpreadsheet(path: "x.xlsx", detail: "zip")) { try Sheet.xlsx([0x50, 0x4B, 0x03, 0x04, 0, 0], path: "x.xlsx") }
    }
}
