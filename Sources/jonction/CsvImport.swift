import ArgumentParser
import Foundation
import Jonction
import JonctionSheets
import JonctionStore

struct CsvImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Importer les lignes d’un tableur (CSV ou .xlsx) dans une table, chacune vérifiée comme une saisie.",
        discussion: """
            Le fichier peut venir d’Excel ou de Kobo/ODK : UTF-8 avec ou sans BOM ou Windows-1252, \
            séparateur « ; », « , » ou tabulation (reconnu), fins de ligne Windows, cellules entre \
            guillemets sur plusieurs lignes, dates 05/03/2027, 2027-03-05 ou numéros de série Excel, \
            en-têtes Kobo avec groupe (groupe_identite/nom). Sans fichier de correspondance, les colonnes \
            sont reconnues par le nom du champ ou son libellé (« Nom de famille »), et une colonne \
            « Identifiant » donne les identifiants ; sinon ils sont tirés de la colonne clé ou des noms, \
            toujours les mêmes : importer deux fois le même fichier ne change rien. Une cellule vide \
            n’efface rien.
            Les lignes valides sont écrites en une seule fois ; les lignes refusées sont écrites dans \
            FICHIER.rejets.csv à côté du fichier, avec une colonne « raison ». --dry-run affiche le \
            rapport sans rien écrire ; --all-or-nothing n’écrit rien si une ligne est refusée.
            Exemple : jonction csv import --db kayes.sqlite --table candidate export-kobo.csv \
            --map Fixtures/kobo-inscription.mapping.toml --dry-run
            """)

    @OptionGroup var options: CommonOptions
    @OptionGroup var author: AuthorOptions

    @Option(help: "Table : candidate, employer, opportunity, proposal, placement (ou celle du fichier de correspondance).")
    var table: String?

    @Option(name: .customLong("map"), help: "Fichier de correspondance TOML ou JSON (colonnes → champs, valeurs → codes, colonne clé).")
    var mapping: String?

    @Flag(help: "Afficher le rapport sans rien écrire.")
    var dryRun = false

    @Flag(help: "N’écrire aucune ligne si une seule est refusée.")
    var allOrNothing = false

    @Flag(help: "Sortie JSON.")
    var json = false

    @Argument(help: "Le fichier à importer (.csv, .txt ou .xlsx).")
    var file: String

    func run() throws {
        let lang = options.language
        try running(lang) {
            let limits = SheetLimits()
            var map: SheetMapping?
            if let mapping { map = try SheetMapping.read(try readBounded(mapping, limit: 1_048_576), path: mapping) }
            guard let tableName = table ?? map?.table else { throw CommandError.tableNeeded }
            let schema = try Schema.current.table(named: tableName)
            let bytes = try readBounded(file, limit: limits.fileBytes)
            let sheet: Sheet
            do {
                if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
                    sheet = try Sheet.xlsx(bytes, path: file, limits: limits)
                } else if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
                    throw SheetError.unknownFormat(path: file)
                } else {
                    sheet = try Sheet.csv(bytes, limits: limits)
                }
            } catch SheetError.empty {
                throw SheetError.empty(path: file)
            }
            let replica = try options.openReplica(dryRun ? .readOnly : .readWrite)
            defer { try? replica.close() }
            let plan = try SheetImport(sheet: sheet, table: schema, mapping: map, site: replica.site.rawValue)
            let user = try author.author()
            let progress = ProgressLine(lang.pick("Import", "Import"))
            // First without writing: the whole report, and the rejected rows' file before anything is written.
            var outcome = try plan.apply(to: replica, author: user, dryRun: true, allOrNothing: allOrNothing) { progress.update($0, $1) }
            progress.finish()
            let refused = outcome.plan.rejects
            var rejectsPath: String?
            if !dryRun && !(allOrNothing && !refused.isEmpty) {
                let path = CsvImport.rejectsPath(file)
                if refused.isEmpty {
                    try? FileManager.default.removeItem(atPath: path)
                } else {
                    do {
                        try Data(outcome.plan.rejectsCSV(lang)).write(to: URL(fileURLWithPath: path), options: .atomic)
                    } catch {
                        throw SheetError.reportNotWritten(path: path)
                    }
                    rejectsPath = path
                }
                outcome = try plan.apply(to: replica, author: user, dryRun: false, allOrNothing: allOrNothing) { progress.update($0, $1) }
                progress.finish()
            }
            if json {
                printJSON(outcome, sheet: sheet, rejectsPath: rejectsPath, written: !dryRun && !(allOrNothing && !refused.isEmpty))
            } else {
                printText(outcome, sheet: sheet, rejectsPath: rejectsPath, lang: lang)
            }
            if allOrNothing && !refused.isEmpty { throw SheetError.refusedRows(count: refused.count) }
        }
    }

    /// `dossier/inscriptions.csv` → `dossier/inscriptions.rejets.csv`.
    static func rejectsPath(_ file: String) -> String {
        let url = URL(fileURLWithPath: file)
        return url.deletingPathExtension().path + ".rejets.csv"
    }

    private func printText(_ outcome: SheetImportOutcome, sheet: Sheet, rejectsPath: String?, lang: Lang) {
        let plan = outcome.plan
        let encoding: String = switch sheet.dialect.encoding {
        case .utf8: "UTF-8"
        case .utf8WithBOM: lang.pick("UTF-8 avec BOM", "UTF-8 with BOM")
        case .windows1252: "Windows-1252"
        case .utf16: "UTF-16"
        case .xlsx: "Excel .xlsx"
        }
        let separator = sheet.dialect.separator == "\t" ? lang.pick("tabulation", "tab") : "« \(sheet.dialect.separator) »"
        let format = sheet.dialect.encoding == .xlsx ? encoding : lang.pick("\(encoding), séparateur \(separator)", "\(encoding), separator \(separator)")
        print(lang.pick("Fichier : \(file) (\(format), \(sheet.rows.count) ligne(s) de données) → table \(plan.table.name)",
                        "File: \(file) (\(format), \(sheet.rows.count) data row(s)) → table \(plan.table.name)"))
        print(lang.pick("Colonnes lues : ", "Columns read: ") + lang.list(plan.mappedColumns.map { $0.header == $0.field ? $0.field : "\($0.header) → \($0.field)" }, limit: 40))
        if !plan.ignoredColumns.isEmpty {
            print(lang.pick("Colonnes ignorées : ", "Columns ignored: ") + lang.list(plan.ignoredColumns, limit: 15))
        }
        if !plan.rejects.isEmpty {
            print(lang.pick("Lignes refusées : \(plan.rejects.count)", "Rows refused: \(plan.rejects.count)"))
            for reject in plan.rejects {
                for problem in reject.problems { print("  " + problem.message(line: reject.row.line, lang)) }
            }
        }
        let counts = lang.pick(
            "\(outcome.created) fiche(s) créée(s), \(outcome.updated) modifiée(s), \(outcome.unchanged) inchangée(s), \(outcome.changes) changement(s)",
            "\(outcome.created) record(s) created, \(outcome.updated) updated, \(outcome.unchanged) unchanged, \(outcome.changes) change(s)")
        if dryRun {
            print(lang.pick("Essai (--dry-run), rien n’a été écrit. L’import donnerait : \(counts).",
                            "Trial (--dry-run), nothing was written. The import would give: \(counts)."))
        } else if allOrNothing && !plan.rejects.isEmpty {
            print(lang.pick("Rien n’a été écrit (--all-or-nothing).", "Nothing was written (--all-or-nothing)."))
        } else {
            print(lang.pick("Import terminé : \(counts).", "Import done: \(counts)."))
        }
        if let rejectsPath {
            print(lang.pick(
                "Les lignes refusées sont dans \(rejectsPath) (colonne « raison » en plus) : corrigez-les dans le tableur et importez ce fichier.",
                "The refused rows are in \(rejectsPath) (with a “reason” column): fix them in the spreadsheet and import that file."))
        }
    }

    private func printJSON(_ outcome: SheetImportOutcome, sheet: Sheet, rejectsPath: String?, written: Bool) {
        var out = CanonicalJSON()
        out.beginObject()
        out.key("changes"); out.integer(outcome.changes)
        out.key("created"); out.integer(outcome.created)
        out.key("dry_run"); out.bool(dryRun)
        out.key("encoding"); out.string(sheet.dialect.encoding.rawValue)
        out.key("ignored_columns"); out.beginArray(); for c in outcome.plan.ignoredColumns { out.string(c) }; out.endArray()
        out.key("rejected"); out.beginArray()
        for reject in outcome.plan.rejects {
            out.beginObject()
            out.key("line"); out.integer(reject.row.line)
            out.key("problems"); out.beginArray()
            for p in reject.problems {
                out.beginObject()
                out.key("column"); out.string(p.column)
                out.key("reason"); out.string(p.reasonText(options.language))
                out.key("value"); out.string(p.value)
                out.endObject()
            }
            out.endArray()
            out.endObject()
        }
        out.endArray()
        out.key("rejects_file"); if let rejectsPath { out.string(rejectsPath) } else { out.null() }
        out.key("rows"); out.integer(sheet.rows.count)
        out.key("separator"); out.string(String(sheet.dialect.separator))
        out.key("table"); out.string(outcome.plan.table.name)
        out.key("unchanged"); out.integer(outcome.unchanged)
        out.key("updated"); out.integer(outcome.updated)
        out.key("written"); out.bool(written)
        out.endObject()
        print(out.output)
    }
}

/// Reads a file of at most `limit` bytes: its size is checked before it is read.
func readBounded(_ path: String, limit: Int) throws -> [UInt8] {
    guard let handle = FileHandle(forReadingAtPath: path) else { throw SheetError.unreadable(path: path) }
    defer { try? handle.close() }
    let data: Data
    do {
        data = try handle.read(upToCount: limit + 1) ?? Data()
    } catch {
        throw SheetError.unreadable(path: path)
    }
    if data.count > limit {
        let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int
        throw SheetError.tooLarge(path: path, bytes: size ?? data.count, limit: limit)
    }
    return [UInt8](data)
}
