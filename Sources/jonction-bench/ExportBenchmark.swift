import ArgumentParser
import Foundation
import Jonction
import JonctionBundle
import JonctionHub
import JonctionSheets
import JonctionStore

/// What leaves an office: `jonction export` (its changes signed, sealed for the hub and written to a
/// folder, as on a USB stick) and `jonction csv export` (a table as CSV and as .xlsx).
struct ExportBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "An office's exports: records= changes= bundles= bundle_mib= bundle_s= resend_s= csv_s= xlsx_s= peak_rss_mib=",
        discussion: """
            bundle_s: the first export of the office's changes to the hub (signing included); resend_s: \
            the same again with --full (segments already signed); csv_s, xlsx_s: the candidate table read \
            and written as jonction csv export writes it.
            """)

    @Option(help: "Candidates the office registers (ten fields each), a thousand per transaction.")
    var records: Int = 100_000

    func run() throws {
        let work = try temporaryDirectory("export")
        defer { try? FileManager.default.removeItem(at: work) }
        let hub = try Replica.create(at: work.appendingPathComponent("hub.sqlite").path, site: .hub)
        let office = try Replica.create(at: work.appendingPathComponent("kayes.sqlite").path, site: SiteName(unchecked: "kayes"))
        try LocalEnrolment.enrol([office], at: hub)
        var rng = SeededGenerator(seed: 7)
        let names = ["Traoré", "Keïta", "Diarra", "Maïga", "Coulibaly", "Sissoko", "Touré", "Cissé"]
        let given = ["Awa", "Moussa", "Fatoumata", "Ibrahim", "Aminata", "Oumar", "Mariam", "Seydou"]
        let skills = ["maçonnerie", "soudure", "couture", "boulangerie", "électricité", "menuiserie", "vente"]
        var start = 0
        while start < records {
            try office.write { tx in
                for k in start..<min(records, start + 1000) {
                    let r = rng.next()
                    try tx.set(table: "candidate", id: "kayes-c\(k)", fields: [
                        ("family_name", .text(names[Int(r % 8)])), ("given_names", .text(given[Int(r / 8 % 8)])),
                        ("sex", .text(r % 2 == 0 ? "F" : "M")), ("birth_year", .integer(Int64(1975 + Int(r / 64 % 30)))),
                        ("phone", .text("+223 7\(r % 10) \(10 + k % 90) \(10 + k / 90 % 90) \(10 + k / 8100 % 90)")),
                        ("region", .text("Kayes")), ("isco", .text("7112")),
                        ("skills", .text(Field.joinList(Set([skills[Int(r / 2048 % 7)], skills[Int(r / 16384 % 7)]])))),
                        ("education", .text("DEF")), ("status", .text("registered")),
                    ])
                }
            }
            start += 1000
        }
        let changes = try office.read { try $0.vector() }[office.site]

        let stick = work.appendingPathComponent("JONCTION")
        try FileManager.default.createDirectory(at: stick, withIntermediateDirectories: true)
        func export(full: Bool) throws -> (seconds: Double, bundles: Int, bytes: Int) {
            let t0 = monotonicSeconds()
            var bytes = 0
            let sealed = try office.sealedBundles(for: .hub, full: full)
            for bundle in sealed {
                _ = try FolderTransport(stick).post(bundle.bytes)
                bytes += bundle.bytes.count
            }
            return (monotonicSeconds() - t0, sealed.count, bytes)
        }
        let first = try export(full: false)
        let again = try export(full: true)
        guard first.bundles > 0, again.bundles == first.bundles else {
            throw ValidationError("FAILED: \(first.bundles) bundle(s) first, \(again.bundles) with --full")
        }

        let table = try office.schema.table(named: "candidate")
        func sheet(_ name: String, _ encode: ([[String]]) throws -> [UInt8]) throws -> Double {
            let t0 = monotonicSeconds()
            let rows = SheetExport.rows(table, records: try office.read { try $0.liveRecords(table: table.name) }.sorted { $0.id < $1.id },
                                        lang: .fr)
            try Data(try encode(rows)).write(to: work.appendingPathComponent(name), options: .atomic)
            guard rows.count == records + 1 else { throw ValidationError("FAILED: \(rows.count - 1) rows in \(name)") }
            return monotonicSeconds() - t0
        }
        let csv = try sheet("candidats.csv") { SheetCSV.encode($0) }
        let xlsx = try sheet("candidats.xlsx") { try SheetXLSX.encode($0, sheetName: table.name) }
        try office.close()
        try hub.close()
        print("records=\(records) changes=\(changes) bundles=\(first.bundles) bundle_mib=\(format(Double(first.bytes) / 1_048_576, 2)) bundle_s=\(format(first.seconds, 2)) resend_s=\(format(again.seconds, 2)) csv_s=\(format(csv, 2)) xlsx_s=\(format(xlsx, 2)) peak_rss_mib=\(format(peakRSSMiB(), 1))")
    }
}
