/// The capacitated assignment the hub solves after scoring: candidates, opportunities with a number
/// of places, and the scored arcs kept for each (the best k per candidate and per opportunity).
///
/// Arcs are three flat `Int32` arrays so that two million of them cost 24 MB and no allocation each;
/// an arc's index in these arrays is how an ``Assignment`` names it. Duplicate arcs (the same
/// candidate and opportunity twice) are allowed: the solver uses the best of them.
public struct AssignmentProblem: Sendable, Equatable {
    /// Scores above this are refused: the solver multiplies scores by `candidateCount + 1` in 64-bit
    /// integers, which stays exact up to here for any count that fits in an `Int32`.
    public static let maxScore: Int32 = 1_000_000
    /// The bound for problems built in memory with the quota bonus of `Matcher` (protocol.md §2.5):
    /// 10⁹ · (2³¹ + 1) still fits in 63 bits, so the solver's arithmetic stays exact.
    public static let quotaScoreLimit: Int32 = 1_000_000_000

    public let candidateCount: Int
    public let opportunityCount: Int
    /// Places of each opportunity (0 closes it).
    public let capacities: [Int32]
    public let arcCandidate: [Int32]
    public let arcOpportunity: [Int32]
    /// From 0 (useless: staying unplaced scores as much) to ``maxScore``.
    public let arcScore: [Int32]

    public var arcCount: Int { arcScore.count }
    public var placeCount: Int { capacities.reduce(0) { $0 + Int($1) } }

    public init(candidateCount: Int, capacities: [Int32],
                arcCandidate: [Int32], arcOpportunity: [Int32], arcScore: [Int32],
                scoreLimit: Int32 = AssignmentProblem.maxScore) throws(AssignmentError) {
        guard (0...Int(Int32.max)).contains(candidateCount) else { throw .tooLarge("candidates") }
        guard arcCandidate.count == arcScore.count, arcOpportunity.count == arcScore.count else {
            throw .arcArraysDiffer(arcCandidate.count, arcOpportunity.count, arcScore.count)
        }
        guard arcScore.count < Int(Int32.max) else { throw .tooLarge("arcs") }
        if let j = capacities.firstIndex(where: { $0 < 0 }) { throw .negativeCapacity(opportunity: j) }
        for a in arcScore.indices {
            let i = arcCandidate[a], j = arcOpportunity[a], s = arcScore[a]
            guard i >= 0, Int(i) < candidateCount, j >= 0, Int(j) < capacities.count,
                  (0...min(scoreLimit, Self.quotaScoreLimit)).contains(s) else {
                throw .invalidArc(index: a, candidate: Int(i), opportunity: Int(j), score: Int(s))
            }
        }
        self.candidateCount = candidateCount
        self.opportunityCount = capacities.count
        self.capacities = capacities
        self.arcCandidate = arcCandidate
        self.arcOpportunity = arcOpportunity
        self.arcScore = arcScore
    }

    /// Checks that `assignment` is feasible for this problem: each placed candidate on one of its own
    /// arcs, no opportunity over its places, and the totals it announces. Cheap (one pass); the
    /// benchmark runs it on every result.
    public func check(_ assignment: Assignment) throws(AssignmentError) {
        guard assignment.arcOf.count == candidateCount, assignment.opportunityOf.count == candidateCount else {
            throw .infeasible("\(assignment.arcOf.count) candidates in the assignment, \(candidateCount) in the problem")
        }
        var load = [Int32](repeating: 0, count: opportunityCount)
        var total = 0, placed = 0
        for i in 0..<candidateCount {
            let a = Int(assignment.arcOf[i]), j = Int(assignment.opportunityOf[i])
            if a < 0 {
                guard j < 0 else { throw .infeasible("candidate \(i) has an opportunity but no arc") }
                continue
            }
            guard a < arcCount, Int(arcCandidate[a]) == i, Int(arcOpportunity[a]) == j else {
                throw .infeasible("candidate \(i) placed on arc \(a), which is not one of its arcs to \(j)")
            }
            load[j] += 1
            guard load[j] <= capacities[j] else { throw .infeasible("opportunity \(j) over its \(capacities[j]) places") }
            total += Int(arcScore[a])
            placed += 1
        }
        guard total == assignment.totalScore, placed == assignment.placed else {
            throw .infeasible("totals announced \(assignment.totalScore)/\(assignment.placed), recomputed \(total)/\(placed)")
        }
    }
}
