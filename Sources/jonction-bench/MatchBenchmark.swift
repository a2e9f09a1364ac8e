import ArgumentParser
import Foundation
import Jonction
import JonctionHub
import JonctionMatch
import JonctionStore

/// A matching round end to end on a hub replica of synthetic candidates and opportunities: read,
/// score, solve, write the proposals.
struct MatchBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "jonction match on a synthetic hub: candidates= opportunities= arcs= pairs_scored= proposals= total_score= seconds= (score_s= solve_s= read_s= write_s=) peak_rss_mib=")

    @Option(help: "Candidates in the replica.")
    var candidates: Int = 100_000

    @Option(help: "Opportunities in the replica.")
    var opportunities: Int = 10_000

    @Option(help: "Keep the hub replica at this path (before the round).")
    var keep: String?

    @Option(help: "Run the round on a copy of a replica kept before (--keep), instead of a new one.")
    var from: String?

    @Option(help: "Before the round, write the network it solves (assign_graph.py's format) to this file, for jonction-bench assign and OR-Tools.")
    var graphOut: String?

    func run() throws {
        let work = try temporaryDirectory("match")
        defer { try? FileManager.default.removeItem(at: work) }
        let path = work.appendingPathComponent("hub.sqlite").path
        if let from {
            try FileManager.default.copyItem(atPath: from, toPath: path)
            try runRound(try Replica.open(at: path))
            return
        }
        let hub = try Replica.create(at: path, site: .hub)
        var rng = SeededGenerator(seed: 6)
        let regions = Schema.regions
        // ISCO unit groups clustered in families, as trades are.
        let families = [7, 7, 7, 6, 5, 8, 9, 4, 3, 2]
        let isco: [String] = (0..<120).map { (i: Int) -> String in
            let a = families[i % 10], b = i % 7 + 1, c = i % 4 + 1, d = i % 9 + 1
            return "\(a)\(b)\(c)\(d)"
        }
        let skills = ["maçonnerie", "plomberie", "mécanique auto", "électricité bâtiment", "menuiserie", "maraîchage", "élevage",
                      "cuisine", "coiffure", "conduite poids lourd", "couture", "soudure", "informatique", "comptabilité", "vente",
                      "transformation agroalimentaire", "boulangerie", "panneaux solaires", "gestion de stock", "carrelage",
                      "peinture bâtiment", "froid et climatisation", "pêche", "apiculture", "teinture", "cordonnerie"]
        let languages = ["fr", "bm", "ff", "son", "snk", "tmh", "dgo"]
        func pick<T>(_ items: [T], _ n: Int) -> [T] { Array(items.shuffled(using: &rng).prefix(n)) }
        func list(_ items: [String]) -> Value { .text(Field.joinList(Set(items))) }

        try hub.write { w in
            for o in 0..<opportunities {
                try w.set(table: "opportunity", id: "opp-\(o)", fields: [
                    ("kind", .text(["job", "training", "internship"][o % 3])),
                    ("title", .text("Poste \(o)")), ("isco", .text(isco.randomElement(using: &rng)!)),
                    ("skills_required", list(pick(skills, Int.random(in: 1...3, using: &rng)))),
                    ("languages", list(pick(languages, Int.random(in: 1...2, using: &rng)))),
                    ("min_education", .text(Schema.educationLevels[Int.random(in: 0...4, using: &rng)])),
                    ("region", .text(regions.randomElement(using: &rng)!)),
                    ("places", .integer(Int64([1, 1, 2, 3, 5, 5, 8, 10, 15].randomElement(using: &rng)!))),
                    ("starts_on", .text("2027-0\(Int.random(in: 1...9, using: &rng))-01")), ("status", .text("open")),
                ])
            }
        }
        var c = 0
        while c < candidates {
            try hub.write { w in
                for _ in 0..<min(20_000, candidates - c) {
                    try w.set(table: "candidate", id: "hub-c\(c)", fields: [
                        ("family_name", .text("Traoré")), ("given_names", .text("Awa")),
                        ("region", .text(regions.randomElement(using: &rng)!)),
                        ("isco", .text(isco.randomElement(using: &rng)!)),
                        ("skills", list(pick(skills, Int.random(in: 1...4, using: &rng)))),
                        ("languages", list(pick(languages, Int.random(in: 1...3, using: &rng)))),
                        ("education", .text(Schema.educationLevels.randomElement(using: &rng)!)),
                        ("relocate", .integer(Int.random(in: 0..<10, using: &rng) < 3 ? 1 : 0)),
                        ("available_from", .text("2026-1\(Int.random(in: 0...2, using: &rng))-01")),
                        ("status", .text(Int.random(in: 0..<20, using: &rng) == 0 ? "placed" : "registered")),
                        ("consent", .text(Int.random(in: 0..<10, using: &rng) == 0 ? "programme" : "employers")),
                    ])
                    c += 1
                }
            }
        }

        try hub.close()
        if let keep {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(atPath: path, toPath: keep)
        }
        try runRound(try Replica.open(at: path))
    }

    private func runRound(_ hub: Replica) throws {
        if let graphOut {
            try MatchingRound(replica: hub).assignmentGraph().write(toFile: graphOut, atomically: true, encoding: .utf8)
        }
        let t0 = monotonicSeconds()
        // When each phase starts: reading and planning until the first scoring step, writing from
        // the first write.
        var scoringStarts: Double?, writingStarts: Double?
        let outcome = try MatchingRound(replica: hub).run { phase in
            switch phase {
            case .scoring: if scoringStarts == nil { scoringStarts = monotonicSeconds() }
            case .writing: if writingStarts == nil { writingStarts = monotonicSeconds() }
            default: break
            }
        }
        let seconds = monotonicSeconds() - t0
        let readSeconds = (scoringStarts ?? t0) - t0, writeSeconds = writingStarts.map { t0 + seconds - $0 } ?? 0
        let peak = peakRSSMiB()
        // Check the proposals written against the capacities and the hard filters' basics.
        var perOpportunity: [String: Int] = [:]
        for p in outcome.result.proposals { perOpportunity[p.opportunity.id, default: 0] += 1 }
        for p in outcome.result.proposals where perOpportunity[p.opportunity.id]! > p.opportunity.placesLeft {
            throw ValidationError("FAILED: \(p.opportunity.id) over capacity")
        }
        guard try hub.read({ try $0.liveRecords(table: "proposal") }).count == outcome.result.proposals.count else {
            throw ValidationError("FAILED: proposals not all written")
        }
        try hub.close()
        print("candidates=\(outcome.candidates) opportunities=\(outcome.opportunities) arcs=\(outcome.result.arcs) pairs_scored=\(outcome.result.pairsScored) proposals=\(outcome.result.proposals.count) total_score=\(outcome.result.totalScore) seconds=\(format(seconds, 2)) score_s=\(format(outcome.result.seconds.score, 2)) solve_s=\(format(outcome.result.seconds.solve, 2)) read_s=\(format(readSeconds, 2)) write_s=\(format(writeSeconds, 2)) peak_rss_mib=\(format(peak, 1))")
    }
}
