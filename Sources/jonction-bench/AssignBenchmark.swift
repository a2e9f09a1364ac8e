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

    func run() throws {
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
}
