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

    @Option(help: "Maximum share of every opportunity's places for a group, GROUP=PERCENT (repeatable; needs --groups).")
    var maximum: [String] = []

    @Option(help: "Minimum share of all the places together for a group, GROUP=PERCENT (repeatable; needs --groups).")
    var roundMinimum: [String] = []

    @Option(help: "Maximum share of all the places together for a group, GROUP=PERCENT (repeatable; needs --groups).")
    var roundMaximum: [String] = []

    @Option(help: "The candidates' groups, one line \"origin sex\" per candidate (bench/assign_quotas.py groups).")
    var groups: String?

    @Option(help: "With shares: write the places each share's minimum kept, \"j group places\" per line, j \"round\" for the whole round (for bench/assign_quotas.py check).")
    var reservedOut: String?

    func run() throws {
        if !(minimum + maximum + roundMinimum + roundMaximum).isEmpty {
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

    /// Shares on every opportunity and of all the places (`Matcher.solveWithQuotas`), checked: each
    /// candidate once, each opportunity within its places, each share kept met, each maximum kept.
    func runWithQuotas() throws {
        guard let groups else { throw AssignGroups.Failure(description: "Les parts demandent --groups FICHIER.") }
        // Through the configuration's own reading, so that the benchmark runs what a hub would accept.
        let perOpportunity = try AssignGroups.scope(minimums: minimum, maximums: maximum, prefix: "")
        let whole = try AssignGroups.scope(minimums: roundMinimum, maximums: roundMaximum, prefix: "round-")
        let json = try JSONSerialization.data(withJSONObject: ["round": perOpportunity, "whole_round": whole])
        let quotas: MatchQuotas
        do { quotas = try MatchQuotas(json: json) } catch { throw AssignGroups.Failure(description: error.message(.fr)) }
        let shares = quotas.round
        let t0 = monotonicSeconds()
        let problem = try AssignmentProblem(contentsOf: URL(fileURLWithPath: file))
        let members = try AssignGroups.read(groups, candidates: problem.candidateCount)
        let arcs = (0..<problem.arcCount).map { (c: problem.arcCandidate[$0], o: problem.arcOpportunity[$0], s: problem.arcScore[$0]) }
        let rules = Array(repeating: shares, count: problem.opportunityCount)
        let t1 = monotonicSeconds()
        let solved = Matcher.solveWithQuotas(candidates: members, capacities: problem.capacities, arcs: arcs, rules: rules, quotas: quotas)
        let t2 = monotonicSeconds()
        var load = [Int32](repeating: 0, count: problem.opportunityCount), seen = [Bool](repeating: false, count: problem.candidateCount)
        var count = [[Int]](repeating: [Int](repeating: 0, count: shares.count), count: problem.opportunityCount)
        var roundCount = [Int](repeating: 0, count: quotas.wholeRound.count)
        var total = 0
        for a in solved.chosen {
            let (c, o, s) = arcs[a]
            guard !seen[Int(c)] else { throw AssignGroups.Failure(description: "candidat \(c) placé deux fois (bogue)") }
            seen[Int(c)] = true
            load[Int(o)] += 1
            guard load[Int(o)] <= problem.capacities[Int(o)] else { throw AssignGroups.Failure(description: "offre \(o) au-delà de ses places (bogue)") }
            for (r, rule) in shares.enumerated() where rule.group.contains(members[Int(c)]) { count[Int(o)][r] += 1 }
            for (r, rule) in quotas.wholeRound.enumerated() where rule.group.contains(members[Int(c)]) { roundCount[r] += 1 }
            total += Int(s)
        }
        var wanted = 0, kept = 0, reservable = 0, unmet = 0
        var out = ""
        for o in 0..<problem.opportunityCount {
            let places = Int(problem.capacities[o])
            for (r, rule) in shares.enumerated() {
                let want = rule.minimumPlaces(of: places)
                wanted += want
                reservable += solved.initial[o][r]
                kept += solved.reserved[o][r]
                guard count[o][r] >= solved.reserved[o][r], count[o][r] <= rule.maximumPlaces(of: places) ?? places else {
                    throw AssignGroups.Failure(description: "part non tenue (bogue)")
                }
                if count[o][r] < want { unmet += 1 }
                out += "\(o) \(rule.group.code) \(solved.reserved[o][r])\n"
            }
        }
        var roundLine = ""
        for (r, rule) in quotas.wholeRound.enumerated() {
            let places = problem.placeCount
            guard roundCount[r] >= solved.wholeRoundReserved[r], roundCount[r] <= rule.maximumPlaces(of: places) ?? places else {
                throw AssignGroups.Failure(description: "part du tour non tenue (bogue)")
            }
            out += "round \(rule.group.code) \(solved.wholeRoundReserved[r])\n"
            roundLine += " round_\(rule.group.code)=\(roundCount[r])/\(rule.minimumPlaces(of: places))" + (rule.maximumPlaces(of: places).map { "..\($0)" } ?? "")
        }
        if let reservedOut { try out.write(toFile: reservedOut, atomically: true, encoding: .utf8) }
        let named = (minimum.map { "min:\($0)" } + maximum.map { "max:\($0)" } + roundMinimum.map { "round-min:\($0)" } + roundMaximum.map { "round-max:\($0)" })
        print("C=\(problem.candidateCount) O=\(problem.opportunityCount) arcs=\(problem.arcCount) places=\(problem.placeCount) shares=\(named.joined(separator: ",")) solver=\(quotas.needsFlow ? "flow" : "assignment") read_s=\(format(t1 - t0)) peak_rss_mib=\(format(peakRSSMiB(), 1))")
        print("wanted=\(wanted) reservable=\(reservable) kept=\(kept) unmet_shares=\(unmet)" + roundLine)
        print("total_score=\(total) placed=\(solved.chosen.count) solve_s=\(format(t2 - t1))")
    }
}
