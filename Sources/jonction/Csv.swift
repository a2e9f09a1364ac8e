import ArgumentParser

struct Csv: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "csv",
        abstract: "Tableurs : importer un CSV ou un .xlsx (Excel, exports Kobo/ODK), exporter une table en CSV pour Excel.",
        discussion: """
            jonction csv import --table candidate inscriptions.csv [--map correspondance.toml] [--dry-run]
            jonction csv export --table candidate --to candidats.csv
            Voir le README, « Tableurs et exports Kobo ».
            """,
        subcommands: [CsvImport.self, CsvExport.self])
}
