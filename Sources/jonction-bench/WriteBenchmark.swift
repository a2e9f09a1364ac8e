import ArgumentParser
import Foundation
import Jonction
import JonctionStore

/// Local writes through the library into a fresh replica: log segment, stamps and materialized
/// rows, in transactions of `--batch` field writes.
struct WriteBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "N field writes into a fresh replica: ops= seconds= ops_per_s= peak_rss_mib=")

    @Argument(help: "Number of field writes.")
    var n: Int = 1_000_000

    @Option(help: "Field writes per transaction.")
    var batch: Int = 12_000

    @Option(help: "Keep the replica at this path.")
    var keep: String?

    func run() throws {
        let work = try planWrites(n)
        let directory = try temporaryDirectory("write")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = keep ?? directory.appendingPathComponent("office.sqlite").path
        let replica = try Replica.create(at: path, site: SiteName("kayes"))

        let start = monotonicSeconds()
        var done = 0
        var i = 0
        while i < work.count {
            var inBatch = 0
            let first = i
            while i < work.count && inBatch < batch {
                inBatch += work[i].fields.count
                i += 1
            }
            done += try replica.write { writer in
                try work[first..<i].reduce(0) { $0 + (try writer.set(table: "candidate", id: $1.id, fields: $1.fields).count) }
            }
        }
        let seconds = monotonicSeconds() - start
        let held = try replica.read { try $0.vector() }[replica.site]
        try replica.close()
        guard held == UInt64(done), done > n * 99 / 100 else {
            throw ValidationError("the replica holds \(held) changes, \(done) were recorded")
        }
        print("ops=\(done) seconds=\(format(seconds)) ops_per_s=\(Int(Double(done) / seconds)) peak_rss_mib=\(format(peakRSSMiB(), 1))")
    }

    struct Write {
        var id: String
        var fields: [(String, Value)]
    }

    /// Candidates as an office registers them (12 fields each), then edits of existing ones
    /// (status, phone, skills, relocate), about 15 % of the writes.
    func planWrites(_ n: Int) throws -> [Write] {
        var rng = SeededGenerator(seed: 49)
        let family = ["Traoré", "Keïta", "Coulibaly", "Diarra", "Koné", "Touré", "Diallo", "Sangaré", "Cissé", "Maïga"]
        let given = ["Aminata", "Moussa", "Fatoumata", "Oumar", "Awa", "Seydou", "Mariam", "Ibrahim", "Kadiatou"]
        let isco = ["7112", "7126", "7231", "7411", "7522", "6111", "6121", "5120", "5141", "8322"]
        let skills = ["maçonnerie", "plomberie", "mécanique auto", "électricité bâtiment", "menuiserie", "cuisine", "couture"]
        let langs = ["bm", "ff", "fr", "snk", "son"]
        let status = ["registered", "trained", "placed", "withdrawn"]
        func phone() -> Value { .text("+223 \(Int.random(in: 60_000_000...79_999_999, using: &rng))") }
        func list(_ items: [String], _ k: Int) -> Value {
            .text(Field.joinList(Set((0..<k).map { _ in items.randomElement(using: &rng)! })))
        }
        var writes: [Write] = []
        var total = 0
        var created = 0
        while total < n {
            if created > 100 && Int.random(in: 0..<100, using: &rng) < 15 {
                let id = "kayes-\(Int.random(in: 0..<created, using: &rng))"
                let edit: (String, Value)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: edit = ("status", .text(status.randomElement(using: &rng)!))
                case 1: edit = ("phone", phone())
                case 2: edit = ("skills", list(skills, 2))
                default: edit = ("relocate", .integer(Int64.random(in: 0...1, using: &rng)))
                }
                writes.append(Write(id: id, fields: [edit]))
                total += 1
                continue
            }
            var fields: [(String, Value)] = [
                ("family_name", .text(family.randomElement(using: &rng)!)),
                ("given_names", .text(given.randomElement(using: &rng)!)),
                ("sex", .text(Bool.random(using: &rng) ? "F" : "M")),
                ("birth_year", .integer(Int64.random(in: 1975...2008, using: &rng))),
                ("phone", phone()),
                ("region", .text("Kayes")),
                ("isco", .text(isco.randomElement(using: &rng)!)),
                ("skills", list(skills, Int.random(in: 1...3, using: &rng))),
                ("languages", list(langs, Int.random(in: 1...3, using: &rng))),
                ("education", .text(Schema.educationLevels.randomElement(using: &rng)!)),
                ("status", .text("registered")),
                ("relocate", .integer(Int64.random(in: 0...1, using: &rng))),
            ]
            if fields.count > n - total { fields.removeLast(fields.count - (n - total)) }
            writes.append(Write(id: "kayes-\(created)", fields: fields))
            created += 1
            total += fields.count
        }
        return writes
    }
}
