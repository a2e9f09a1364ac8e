import Foundation
import Jonction
import JonctionSheets
import JonctionTestSupport
import Testing
import ZIPFoundation

@Suite("csv import et csv export : les tableurs des bureaux, aller et retour")
struct CsvCommandTests {
    let dir = TemporaryDirectory("csv")
    var cli: CLI { CLI(directory: dir) }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Copies a fixture into the test's folder.
    func copyFixture(_ name: String, as target: String? = nil) throws {
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent(name),
                                         to: dir.url.appendingPathComponent(target ?? name))
    }

    func write(_ bytes: [UInt8], _ name: String) throws {
        try Data(bytes).write(to: dir.url.appendingPathComponent(name))
    }

    func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: dir.url.appendingPathComponent(name))) }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: dir.path(name)) }

    /// What a replica holds: its records and its log.
    func snapshot(_ db: String) throws -> String {
        try cli.run("dump", "--db", db).stdout + cli.run("log", "--db", db, "--json").stdout
    }

    func changeCount(_ db: String) throws -> Int {
        let log = try JSONSerialization.jsonObject(with: Data(cli.run("log", "--db", db, "--json").stdout.utf8)) as? [Any]
        return log?.count ?? -1
    }

    func kobo(_ db: String, _ file: String = "kobo-inscription.csv", _ extra: [String] = []) throws -> CLI.Result {
        try cli.run(["csv", "import", "--db", db, "--table", "candidate", file, "--map", "kobo-inscription.mapping.toml"] + extra)
    }

    init() throws {
        try copyFixture("kobo-inscription.csv")
        try copyFixture("kobo-inscription.mapping.toml")
    }

    @Test("--dry-run affiche le rapport (ligne, colonne, valeur, raison) et ne change rien")
    func dryRun() throws {
        try cli.succeed(["init", "--db", "kayes.sqlite", "--site", "kayes"])
        let before = try snapshot("kayes.sqlite")
        let bytesBefore = try bytes("kayes.sqlite")
        let r = try kobo("kayes.sqlite", "kobo-inscription.csv", ["--dry-run"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Fichier : kobo-inscription.csv (UTF-8, séparateur « ; », 8 ligne(s) de données) → table candidate"))
        #expect(r.stdout.contains("Lignes refusées : 3"))
        #expect(r.stdout.contains("ligne 5, colonne « groupe_identite/sexe », valeur « Inconnu » : Valeurs possibles : Femme (F)"))
        #expect(r.stdout.contains("ligne 5, colonne « groupe_identite/annee_naissance », valeur « 19x5 » : Attendu : un nombre entier"))
        #expect(r.stdout.contains("ligne 7, colonne « _uuid » : la colonne clé est vide"))
        #expect(r.stdout.contains("ligne 8, colonne « groupe_profil/disponible », valeur « 31/02/2027 » : Attendu : une date"))
        #expect(r.stdout.contains("Essai (--dry-run), rien n’a été écrit. L’import donnerait : 5 fiche(s) créée(s), 0 modifiée(s), 0 inchangée(s)"))
        #expect(try snapshot("kayes.sqlite") == before)
        #expect(try bytes("kayes.sqlite") == bytesBefore)
        #expect(!exists("kobo-inscription.rejets.csv"))
    }

    @Test("import réel : les lignes valides en une fois, les refusées dans FICHIER.rejets.csv ; deux fois le même fichier ne change rien")
    func importTwice() throws {
        try cli.succeed(["init", "--db", "kayes.sqlite", "--site", "kayes"])
        var r = try kobo("kayes.sqlite")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Import terminé : 5 fiche(s) créée(s), 0 modifiée(s), 0 inchangée(s)"))
        #expect(r.stdout.contains("kobo-inscription.rejets.csv"))
        let rejects = try Sheet.csv(try bytes("kobo-inscription.rejets.csv"))
        #expect(rejects.headers.last == "raison")
        #expect(rejects.headers.dropLast() == (try Sheet.csv(try bytes("kobo-inscription.csv"))).headers[...])
        #expect(rejects.rows.map { $0[2] } == ["Sangaré", "Doumbia", "Sissoko"])
        #expect(rejects.rows[0].cells.last?.contains("ligne 5, colonne « groupe_identite/sexe »") == true)
        let dump = try JSONSerialization.jsonObject(with: Data(cli.run("dump", "--db", "kayes.sqlite").stdout.utf8)) as? [String: Any]
        let people = (dump?["candidate"] as? [String: [String: Any]]) ?? [:]
        #expect(people.count == 5)
        #expect(people.keys.allSatisfy { $0.hasPrefix("kayes-k-") })
        let awa = people.values.first { $0["given_names"] as? String == "Awa" }
        #expect(awa?["consent"] as? String == "employers")
        #expect(awa?["available_from"] as? String == "2027-03-05")
        #expect(people.values.first { $0["given_names"] as? String == "Moussa" }?["consent"] as? String == "none")

        let changes = try changeCount("kayes.sqlite")
        let before = try snapshot("kayes.sqlite")
        r = try kobo("kayes.sqlite")
        #expect(r.stdout.contains("Import terminé : 0 fiche(s) créée(s), 0 modifiée(s), 5 inchangée(s), 0 changement(s)"))
        #expect(try changeCount("kayes.sqlite") == changes)
        #expect(try snapshot("kayes.sqlite") == before)

        // A value changed in the spreadsheet: only that field is written.
        let text = String(decoding: try bytes("kobo-inscription.csv"), as: UTF8.self).replacingOccurrences(of: "\"Markala\"", with: "\"Ségou\"")
        try write(Array(text.utf8), "kobo-inscription.csv")
        r = try kobo("kayes.sqlite", "kobo-inscription.csv", ["--json"])
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(json?["updated"] as? Int == 1 && json?["changes"] as? Int == 1 && json?["unchanged"] as? Int == 4)
        #expect((json?["rejected"] as? [Any])?.count == 3)
    }

    @Test("--all-or-nothing : une ligne refusée, rien n’est écrit, code non nul")
    func allOrNothing() throws {
        try cli.succeed(["init", "--db", "kayes.sqlite", "--site", "kayes"])
        let before = try snapshot("kayes.sqlite")
        let r = try kobo("kayes.sqlite", "kobo-inscription.csv", ["--all-or-nothing"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("Rien n’a été écrit (--all-or-nothing)."))
        #expect(r.stderr.contains("3 ligne(s) refusée(s) et --all-or-nothing demandé : rien n’a été écrit."))
        #expect(try snapshot("kayes.sqlite") == before)
        #expect(!exists("kobo-inscription.rejets.csv"))
    }

    @Test("le même export Kobo réenregistré par Excel (Windows-1252, « , », LF ; ou BOM, « ; », CRLF) donne les mêmes fiches")
    func quirks() throws {
        try cli.succeed(["init", "--db", "ref.sqlite", "--site", "kayes"])
        try cli.succeed(["csv", "import", "--db", "ref.sqlite", "--table", "candidate", "kobo-inscription.csv", "--map", "kobo-inscription.mapping.toml"])
        let sheet = try Sheet.csv(try bytes("kobo-inscription.csv"))
        let rows = [sheet.headers] + sheet.rows.map(\.cells)
        // French Excel's « CSV (séparateur : point-virgule) » : BOM, `;`, CRLF.
        try write(SheetCSV.encode(rows), "excel-bom.csv")
        // An old Excel: Windows-1252, commas, Unix line ends.
        let text = String(decoding: SheetCSV.encode(rows, separator: ",").dropFirst(3), as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        try write(text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }, "excel-1252.csv")
        let reference = try cli.run("dump", "--db", "ref.sqlite").stdout
        for (file, format) in [("excel-bom.csv", "UTF-8 avec BOM, séparateur « ; »"), ("excel-1252.csv", "Windows-1252, séparateur « , »")] {
            let db = file + ".sqlite"
            try cli.succeed(["init", "--db", db, "--site", "kayes"])
            let r = try kobo(db, file)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.contains("(\(format), 8 ligne(s) de données)"), "\(r.stdout)")
            #expect(try cli.run("dump", "--db", db).stdout == reference, "\(file)")
        }
    }

    @Test("export CSV pour Excel : BOM, « ; », CRLF, libellés français, dates JJ/MM/AAAA ; réimporté, il ne change rien")
    func exportRoundTrip() throws {
        try cli.succeed(["init", "--db", "kayes.sqlite", "--site", "kayes"])
        try cli.succeed(["csv", "import", "--db", "kayes.sqlite", "--table", "candidate", "kobo-inscription.csv", "--map", "kobo-inscription.mapping.toml"])
        try cli.succeed(["put", "--db", "kayes.sqlite", "candidate", "kayes-c99", "family_name==HYPERLINK(\"http://x\")", "given_names=Test",
                         "status=trained", "notes=Première ligne\nseconde ; « guillemets » \"doubles\""])
        let changes = try changeCount("kayes.sqlite")
        var r = try cli.run("csv", "export", "--db", "kayes.sqlite", "--table", "candidate", "--to", "candidats.csv")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("6 fiche(s) de candidate écrite(s) dans candidats.csv."))
        #expect(r.stdout.contains("Attention : 2 personne(s) sans consentement (consent=none)"))
        let exported = try bytes("candidats.csv")
        #expect(Array(exported.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: exported.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix("Identifiant;Nom de famille;Prénoms;Sexe;Année de naissance;Téléphone;Région;Commune;Situation;Métier (code CITP);Compétences;Langues parlées;Niveau d’études;Accepte de déménager;Disponible à partir du;Étape;Consentement au partage;Notes\r\n"))
        #expect(text.contains(";Femme;1999;76 12 34 56;Kayes;Kayes;Migrant(e) de retour;;couture, vente;bambara, français;primaire;Oui;05/03/2027;;Employeurs;Revenue de Libye en 2026\r\n"))
        #expect(text.contains("'=HYPERLINK"))
        #expect(text.contains("\"Première ligne\nseconde ; « guillemets » \"\"doubles\"\"\""))
        // Opened back: nothing changes.
        r = try cli.run("csv", "import", "--db", "kayes.sqlite", "--table", "candidate", "candidats.csv")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("0 fiche(s) créée(s), 0 modifiée(s), 6 inchangée(s), 0 changement(s)"), "\(r.stdout)")
        #expect(try changeCount("kayes.sqlite") == changes)
        // As an Excel workbook too.
        try cli.succeed(["csv", "export", "--db", "kayes.sqlite", "--table", "candidate", "--to", "candidats.xlsx"])
        let workbook = try Sheet.xlsx(try bytes("candidats.xlsx"), path: "candidats.xlsx")
        #expect(workbook.headers == (try Sheet.csv(exported)).headers)
        r = try cli.run("csv", "import", "--db", "kayes.sqlite", "--table", "candidate", "candidats.xlsx")
        #expect(r.stdout.contains("0 fiche(s) créée(s), 0 modifiée(s), 6 inchangée(s), 0 changement(s)"), "\(r.stdout) \(r.stderr)")
        // In English too.
        try cli.succeed(["csv", "export", "--db", "kayes.sqlite", "--table", "candidate", "--to", "candidates.csv", "--lang", "en"])
        #expect(String(decoding: try bytes("candidates.csv"), as: UTF8.self).contains("Id;Family name;Given names;Sex;"))
        r = try cli.run("csv", "import", "--db", "kayes.sqlite", "--table", "candidate", "candidates.csv", "--lang", "en")
        #expect(r.stdout.contains("Import done: 0 record(s) created, 0 updated, 6 unchanged, 0 change(s)."), "\(r.stdout) \(r.stderr)")
        #expect(try changeCount("kayes.sqlite") == changes)
    }

    @Test("un classeur .xlsx s’importe comme le CSV")
    func xlsx() throws {
        try cli.succeed(["init", "--db", "kayes.sqlite", "--site", "kayes"])
        let sheet = try Sheet.csv(try bytes("kobo-inscription.csv"))
        try write(try XLSXFixture.workbook(rows: [sheet.headers] + sheet.rows.map(\.cells)), "kobo.xlsx")
        let r = try kobo("kayes.sqlite", "kobo.xlsx")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("(Excel .xlsx, 8 ligne(s) de données)"))
        #expect(r.stdout.contains("5 fiche(s) créée(s)"))
        #expect(exists("kobo.rejets.csv"))
        try cli.succeed(["init", "--db", "ref.sqlite", "--site", "kayes"])
        try cli.succeed(["csv", "import", "--db", "ref.sqlite", "--table", "candidate", "kobo-inscription.csv", "--map", "kobo-inscription.mapping.toml"])
        #expect(try cli.run("dump", "--db", "kayes.sqlite").stdout == cli.run("dump", "--db", "ref.sqlite").stdout)
    }

    @Test("refus clairs : fichier absent, table inconnue, correspondance fausse, ancien .xls, trop gros")
    func refusals() throws {
        try cli.succeed(["init", "--db", "kayes.sqlite", "--site", "kayes"])
        var r = try cli.run("csv", "import", "--db", "kayes.sqlite", "--table", "candidate", "absent.csv")
        #expect(r.status == 1 && r.stderr.contains("Impossible de lire le fichier absent.csv"))
        r = try cli.run("csv", "import", "--db", "kayes.sqlite", "kobo-inscription.csv")
        #expect(r.status == 1 && r.stderr.contains("Indiquez la table avec --table"))
        r = try cli.run("csv", "import", "--db", "kayes.sqlite", "--table", "personne", "kobo-inscription.csv")
        #expect(r.status == 1 && r.stderr.hasPrefix("Erreur : "))
        try write(Array("[columns]\nnom = \"nom_de_famille\"\n".utf8), "faux.toml")
        r = try cli.run("csv", "import", "--db", "kayes.sqlite", "--table", "candidate", "kobo-inscription.csv", "--map", "faux.toml")
        #expect(r.status == 1 && r.stderr.contains("Le champ « nom_de_famille » n’existe pas dans la table candidate"))
        try write([0xD0, 0xCF, 0x11, 0xE0, 0, 0], "ancien.xls")
        r = try cli.run("csv", "import", "--db", "kayes.sqlite", "--table", "candidate", "ancien.xls")
        #expect(r.status == 1 && r.stderr.contains("Un ancien .xls s’enregistre en .xlsx"))
        try write(Array("x;y\n1;2\n".utf8), "rien.csv")
        r = try cli.run("csv", "import", "--db", "kayes.sqlite", "--table", "candidate", "rien.csv")
        #expect(r.status == 1 && r.stderr.contains("Aucune colonne du tableau ne correspond à un champ de candidate"))
        #expect(try changeCount("kayes.sqlite") == 0)
    }

    @Test("les exports Kobo/ODK réels de shared/, s’ils sont là, se lisent sans erreur")
    func realWorld() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data/real-world")
        let files = [("kobo/kpi_export_default_labels.csv", Character(";")), ("kobo/formpack_export_quote_escaping.csv", ";"),
                     ("kobo/kobocat_legacy_transportation_quoted.csv", ","), ("odk/odk_central_all_data_types.csv", ","),
                     ("kobo/paleocore-sss_artifact-form_-_all_versions_-_False_-_2022-08-01-05-36-18.csv", ";")]
        let present = files.filter { FileManager.default.fileExists(atPath: folder.appendingPathComponent($0.0).path) }
        guard !present.isEmpty else { return }   // the folder is not beside this clone: nothing to try
        for (file, separator) in present {
            let sheet = try Sheet.csv([UInt8](try Data(contentsOf: folder.appendingPathComponent(file))))
            #expect(sheet.dialect.separator == separator, "\(file)")
            #expect(!sheet.rows.isEmpty, "\(file)")
            #expect(sheet.rows.allSatisfy { $0.cells.allSatisfy { !$0.hasSuffix("\r") } }, "\(file)")
        }
        if let paleo = present.first(where: { $0.0.contains("paleocore") }) {
            let sheet = try Sheet.csv([UInt8](try Data(contentsOf: folder.appendingPathComponent(paleo.0))))
            #expect(sheet.rows.count == 3203 && sheet.headers.count == 88)
        }
    }
}

/// A workbook as Excel writes it, from rows of text (shared strings), numbers as numbers.
enum XLSXFixture {
    static func workbook(rows: [[String]]) throws -> [UInt8] {
        let archive = try Archive(data: Data(), accessMode: .create)
        func add(_ path: String, _ text: String) throws {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        func escaped(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        var shared: [String] = []
        var index: [String: Int] = [:]
        var sheet = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
        for (r, row) in rows.enumerated() {
            sheet += "<row r=\"\(r + 1)\">"
            for (c, cell) in row.enumerated() where !cell.isEmpty {
                let ref = String(UnicodeScalar(UInt8(65 + c % 26))) 
                let name = (c >= 26 ? String(UnicodeScalar(UInt8(64 + c / 26))) : "") + ref + "\(r + 1)"
                if r > 0, Double(cell) != nil, !cell.hasPrefix("0") {
                    sheet += "<c r=\"\(name)\"><v>\(cell)</v></c>"
                } else {
                    let i = index[cell] ?? { shared.append(cell); index[cell] = shared.count - 1; return shared.count - 1 }()
                    sheet += "<c r=\"\(name)\" t=\"s\"><v>\(i)</v></c>"
                }
            }
            sheet += "</row>"
        }
        sheet += "</sheetData></worksheet>"
        try add("[Content_Types].xml", #"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#)
        try add("xl/workbook.xml", #"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Export" sheetId="1" r:id="rId1"/></sheets></workbook>"#)
        try add("xl/_rels/workbook.xml.rels", #"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#)
        try add("xl/sharedStrings.xml", #"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
            + shared.map { "<si><t xml:space=\"preserve\">\(escaped($0))</t></si>" }.joined() + "</sst>")
        try add("xl/worksheets/sheet1.xml", sheet)
        return [UInt8](archive.data!)
    }
}
