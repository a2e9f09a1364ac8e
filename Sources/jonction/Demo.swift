import ArgumentParser
import Foundation
import Jonction
import JonctionStore

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Démonstration sur le jeu de données Fixtures/ : un bureau enregistre, corrige, supprime.",
        discussion: "Les fichiers de la démonstration restent dans le dossier indiqué (par défaut ./jonction-demo).")

    @Option(help: "Dossier de la démonstration (recréé s’il contient une démonstration précédente).")
    var dir: String = "jonction-demo"

    @Option(help: "Jeu de données (par défaut Fixtures/dataset.json du dépôt).")
    var fixtures: String?

    @Option(help: "Langue des messages : fr (par défaut) ou en.")
    var lang: Lang?

    func run() throws {
        let lang = lang ?? Lang.fromEnvironment(arguments: [])
        try running(lang) {
            let folder = try DemoFolder.prepare(dir)
            let dataset = try Dataset.load(contentsOf: DemoFolder.locateFixtures(fixtures))
            func say(_ fr: String, _ en: String) { print(lang.pick(fr, en)) }

            say("Jonction — démonstration. Fichiers dans \(folder.path)\n",
                "Jonction — demonstration. Files in \(folder.path)\n")
            let kayes = try Replica.create(at: folder.appendingPathComponent("kayes.sqlite").path, site: SiteName("kayes"))
            defer { try? kayes.close() }
            say("1. Le bureau de Kayes crée son réplica local (kayes.sqlite), sans réseau.",
                "1. The Kayes office creates its local replica (kayes.sqlite), offline.")

            let written = try kayes.write { try $0.insert(dataset) { $0.table == "candidate" && $0.id.hasPrefix("kayes-") } }
            let count = dataset.records.filter { $0.table == "candidate" && $0.id.hasPrefix("kayes-") }.count
            say("2. Il enregistre \(count) candidats : \(written) changements de champ, chacun dans le journal.",
                "2. It registers \(count) candidates: \(written) field changes, each in the log.")

            let edit = try kayes.put(table: "candidate", id: "kayes-c03", fields: [("status", "trained"), ("notes", "A suivi la formation en soudure.")])
            say("3. Une conseillère corrige kayes-c03 (statut « trained ») : \(edit.count) changements, n° \(edit.first!.seq)–\(edit.last!.seq).",
                "3. A counsellor updates kayes-c03 (status “trained”): \(edit.count) changes, #\(edit.first!.seq)–\(edit.last!.seq).")

            let deletion = try kayes.delete(table: "candidate", id: "kayes-c14")
            say("4. kayes-c14 demande l’effacement de son dossier : suppression définitive (n° \(deletion.seq)).",
                "4. kayes-c14 asks for their file to be erased: final delete (#\(deletion.seq)).")

            let record = try kayes.get(table: "candidate", id: "kayes-c03")
            say("\n   jonction get candidate kayes-c03 :", "\n   jonction get candidate kayes-c03:")
            for entry in record.fields { print("     \(entry.field.name) = \(entry.value.display)") }

            let status = try kayes.status()
            let live = status.tables.first { $0.table == "candidate" }!
            say("\n5. État : site \(status.site), vecteur \(status.vector), \(live.live) candidats vivants, \(live.deleted) supprimé.",
                "\n5. Status: site \(status.site), vector \(status.vector), \(live.live) live candidates, \(live.deleted) deleted.")
            say("\nÀ essayer : jonction status --db \(folder.path)/kayes.sqlite ; jonction log --db \(folder.path)/kayes.sqlite --id kayes-c03",
                "\nTry: jonction status --db \(folder.path)/kayes.sqlite ; jonction log --db \(folder.path)/kayes.sqlite --id kayes-c03")
        }
    }
}

/// The demo's folder and data set.
enum DemoFolder {
    static let marker = ".jonction-demo"

    /// Creates the folder, or empties it if it holds an earlier demo; refuses any other non-empty folder.
    static func prepare(_ path: String) throws -> URL {
        let fm = FileManager.default
        let url = URL(fileURLWithPath: path).standardizedFileURL
        if fm.fileExists(atPath: url.path) {
            let contents = (try? fm.contentsOfDirectory(atPath: url.path)) ?? []
            guard contents.isEmpty || contents.contains(marker) else { throw DemoError.folderInUse(url.path) }
            try fm.removeItem(at: url)
        }
        try fm.createDirectory(at: url, withIntermediateDirectories: true)
        _ = fm.createFile(atPath: url.appendingPathComponent(marker).path, contents: Data("jonction demo\n".utf8))
        return url
    }

    static func locateFixtures(_ explicit: String?) throws -> URL {
        if let explicit { return URL(fileURLWithPath: explicit) }
        let candidates = [
            URL(fileURLWithPath: "Fixtures/dataset.json"),
            // The repository this binary was built from.
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Fixtures/dataset.json"),
        ]
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw DemoError.noFixtures
        }
        return found
    }
}

enum DemoError: Error, UserFacingError {
    case folderInUse(String)
    case noFixtures

    func message(_ lang: Lang) -> String {
        switch self {
        case .folderInUse(let path):
            return lang.pick(
                "Le dossier \(path) existe et contient autre chose qu’une démonstration : il n’a pas été touché. Choisissez un autre dossier avec --dir.",
                "The folder \(path) exists and holds something other than a demo: it was left untouched. Choose another folder with --dir.")
        case .noFixtures:
            return lang.pick(
                "Jeu de données introuvable : lancez la démonstration depuis le dépôt Jonction, ou indiquez --fixtures CHEMIN/dataset.json.",
                "Data set not found: run the demo from the Jonction repository, or give --fixtures PATH/dataset.json.")
        }
    }
}
