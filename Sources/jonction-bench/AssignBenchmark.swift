import ArgumentParser
import Foundation
import JonctionMatch

/// The hub's global matching on an instance of `shared/bench/assign_graph.py`: read, build the
/// solver's graph, solve exactly, check the result. Compare with the script's OR-Tools figures.
struct AssignBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign",
        abstract: "Exact capacitated assignment of an assign_graph.py file: total_score= placed= build_s= solve_s=")

    @Argument(help: "Instance written by shared/bench/assign_graph.py (or in its format).")
    var file: String

    @Option(help: "Minimum share of every opportunity's places for a group, GROUP=PERCENT (repeatable; needs --groups).")
    var minimum: [String] = []

    @Option(help: "The candidates' groups, one line \"origin sex\" per candidate (bench/assign_quotas.py groups).")
    var groups: String?

    @Option(help: "With --minimum: write the places each share kept, \"j group places\" per line (for bench/assign_quotas.py check).")
    var reservedOut: String?

    func run() throws {
        if !minimum.isEmpty {
            try runWithQuotas()
            return
        }
        let t0 = monotonicSeconds()
        let problem = try AssignmentProblem(contentsOf: URL(fileURLWithPath: file))
        let t1 = monotonicSeconds()
        let graph = AssignmentGraph(problem)
        let t2 = monotonicSeconds()
        let (assignment, work) = AssignmentSolver.solveWithStatistics(graph)
        let t3 = monotonicSeconds()
        try problem.check(assignment)
        print("C=\(problem.candidateCount) O=\(problem.opportunityCount) arcs=\(problem.arcCount) places=\(problem.placeCount) read_s=\(format(t1 - t0)) peak_rss_mib=\(format(peakRSSMiB(), 1))")
        print("scales=\(work.scales) bids=\(work.bids) reverse_steps=\(work.reverseSteps) global_updates=\(work.globalUpdates) optimality_tests=\(work.optimalityTests)")
        print("total_score=\(assignment.totalScore) placed=\(assignment.placed) build_s=\(format(t2 - t1)) solve_s=\(format(t3 - t2))")
    }

    /// Minimum shares on every opportunity (`Matcher.solveWithQuotas`), checked: each candidate
    /// once, each opportunity within its places, each share kept met.
    func runWithQuotas() throws {
        guard let groups else { throw AssignGroups.Failure(description: "--minimum demande --groups FICHIER.") }
        let minimums = try minimum.map(AssignGroups.minimum)
        guard minimums.reduce(0, { $0 + $1.percent }) <= 100 else {
            throw AssignGroups.Failure(description: "Les parts minimales font plus de 100 % au total.")
        }
        let t0 = monotonicSeconds()
        let problem = try AssignmentProblem(contentsOf: URL(fileURLWithPath: file))
        let members = try AssignGroups.read(groups, candidates: problem.candidateCount)
        let arcs = (0..<problem.arcCount).map { (c: problem.arcCandidate[$0], o: problem.arcOpportunity[$0], s: problem.arcScore[$0]) }
        let rules = Array(repeating: minimums, count: problem.opportunityCount)
        let t1 = monotonicSeconds()
        let solved = Matcher.solveWithQuotas(candidates: members, capacities: problem.capacities, arcs: arcs, rules: rules,
                                             quotas: MatchQuotas())
        let t2 = monotonicSeconds()
        var load = [Int32](repeating: 0, count: problem.opportunityCount), seen = [Bool](repeating: false, count: problem.candidateCount)
        var count = [[Int]](repeating: [Int](repeating: 0, count: minimums.count), count: problem.opportunityCount)
        var total = 0
        for a in solved.chosen {
            let (c, o, s) = arcs[a]
            guard !seen[Int(c)] else { throw AssignGroups.Failure(description: "candidat \(c) placé deux fois (bogue)") }
            seen[Int(c)] = true
            load[Int(o)] += 1
            guard load[Int(o)] <= problem.capacities[Int(o)] else { throw AssignGroups.Failure(description: "offre \(o) au-delà de ses places (bogue)") }
            for (r, rule) in minimums.enumerated() where rule.group.contains(members[Int(c)]) { count[Int(o)][r] += 1 }
            total += Int(s)
        }
        var wanted = 0, kept = 0, reservable = 0, unmet = 0
        var out = ""
        for o in 0..<problem.opportunityCount {
            for (r, rule) in minimums.enumerated() {
                let want = rule.places(of: Int(problem.capacities[o]))
                wanted += want
                reservable += solved.initial[o][r]
                kept += solved.reserved[o][r]
                guard count[o][r] >= solved.reserved[o][r] else { throw AssignGroups.Failure(description: "part non tenue (bogue)") }
                if count[o][r] < want { unmet += 1 }
                out += "\(o) \(rule.group.code) \(solved.reserved[o][r])\n"
            }
        }
        if let reservedOut { try out.write(toFile: reservedOut, atomically: true, encoding: .utf8) }
        print("C=\(problem.candidateCount) O=\(problem.opportunityCount) arcs=\(problem.arcCount) places=\(problem.placeCount) shares=\(minimum.joined(separator: ",")) read_s=\(format(t1 - t0)) peak_rss_mib=\(format(peakRSSMiB(), 1))")
        print("wanted=\(wanted) reservable=\(reservable) kept=\(kept) unmet_shares=\(unmet)")
        print("total_score=\(total) placed=\(solved.chosen.count) solve_s=\(format(t2 - t1))")
    }
}
