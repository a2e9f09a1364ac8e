import ArgumentParser
import Foundation
import Jonction
import JonctionSheets
import JonctionStore

struct CsvExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Exporter une table en CSV (ou .xlsx) pour Excel : en-têtes et valeurs en français, dates JJ/MM/AAAA.",
        discussion: """
            Le fichier s’ouvre d’un double clic dans un Excel français : UTF-8 avec BOM (accents \
            intacts), séparateur « ; », fins de ligne Windows. La première colonne est l’identifiant : \
            le même fichier, corrigé dans le tableur, se réimporte avec « jonction csv import » (seules \
            les cellules changées sont écrites). Un nom de fichier en .xlsx donne un classeur Excel. Le \
            réplica n’est pas modifié.
            Vie privée : au bureau, les noms et téléphones des personnes sans consentement \
            (consent=none) sont dans le fichier, qui ne doit pas quitter le bureau ; au pôle, ils ne \
            sont pas connus.
            Exemple : jonction csv export --db kayes.sqlite --table candidate --to candidats-kayes.csv
            """)

    @OptionGroup var options: CommonOptions

    @Option(help: "Table : candidate, employer, opportunity, proposal, placement.")
    var table: String

    @Option(help: "Fichier à écrire, .csv ou .xlsx (remplacé s’il existe).")
    var to: String

    @Flag(help: "Sortie JSON.")
    var json = false

    func run() throws {
        let lang = options.language
        try options.withReplica(.readOnly) { replica in
            let schema = try replica.schema.table(named: table)
            let progress = ProgressLine(lang.pick("Lecture du réplica…", "Reading the replica…"))
            progress.relabel(lang.pick("Lecture du réplica…", "Reading the replica…"))
            let records = try replica.read { try $0.liveRecords(table: schema.name) }.sorted { $0.id < $1.id }
            progress.finish()
            let rows = SheetExport.rows(schema, records: records, lang: lang)
            do {
                let bytes = to.lowercased().hasSuffix(".xlsx") ? try SheetXLSX.encode(rows, sheetName: schema.name) : SheetCSV.encode(rows)
                try Data(bytes).write(to: URL(fileURLWithPath: to), options: .atomic)
            } catch {
                throw SheetError.reportNotWritten(path: to)
            }
            // People without consent whose identity is in the file (only their own office holds it).
            var withheld = 0
            if schema.name == Schema.V1.candidate.table {
                let c = Schema.V1.candidate
                withheld = records.filter { record in
                    record.values[c.consent.position].text == Consent.nobody.rawValue
                        && schema.fields.indices.contains { schema.fields[$0].identifying && !record.values[$0].isNull }
                }.count
            }
            if json {
                var out = CanonicalJSON()
                out.beginObject()
                out.key("path"); out.string(to)
                out.key("records"); out.integer(records.count)
                out.key("table"); out.string(schema.name)
                out.key("without_consent"); out.integer(withheld)
                out.endObject()
                print(out.output)
                return
            }
            print(lang.pick("\(records.count) fiche(s) de \(schema.name) écrite(s) dans \(to).",
                            "\(records.count) \(schema.name) record(s) written to \(to)."))
            if withheld > 0 {
                print(lang.pick(
                    "Attention : \(withheld) personne(s) sans consentement (consent=none) y figurent avec leur nom et leur téléphone : ce fichier ne doit pas quitter le bureau.",
                    "Warning: \(withheld) person(s) without consent (consent=none) are in it with their name and phone: this file must not leave the office."))
            }
        }
    }
}
