/// The bridge from the round's arcs to the exact assignment solver (`Solver/`).
extension Matcher {
    /// The indexes in `arcs` of the chosen arcs: each candidate at most once, each opportunity at
    /// most its capacity, the total score as large as possible.
    static func solveAssignment(candidates: Int, capacities: [Int32], arcs: [(c: Int32, o: Int32, s: Int32)]) -> [Int] {
        guard !arcs.isEmpty else { return [] }
        // The arcs come from the scorer: in range, scores 1–100. A failure here is a bug, not input.
        let problem = try! AssignmentProblem(
            candidateCount: candidates, capacities: capacities,
            arcCandidate: arcs.map(\.c), arcOpportunity: arcs.map(\.o), arcScore: arcs.map(\.s))
        return AssignmentSolver.solve(problem).arcOf.filter { $0 >= 0 }.map(Int.init)
    }
}
