/// Exact capacitated assignment: each candidate on at most one arc, each opportunity within its
/// places, total score maximal. Leaving a candidate unplaced scores 0, so the solution places
/// whoever raises the total, not as many as possible.
///
/// The method is an ε-scaling auction, forward for candidates and reverse for opportunities left
/// with free places at a positive price, on scores multiplied by n + 1 so that the last scale,
/// ε = 1, is exact; an exact optimality test between scales usually stops it earlier. Integer
/// arithmetic only. See `Auction.swift` for the argument.
public enum AssignmentSolver {
    /// How much work a solve took (for benchmarks and tuning, not for decisions).
    public struct Statistics: Sendable, Equatable {
        /// ε-scales run (ε is divided by 8 from an eighth of the largest scaled score).
        public var scales = 0
        /// Forward bids by candidates.
        public var bids = 0
        /// Reverse steps by opportunities with free places at a positive price.
        public var reverseSteps = 0
        public var globalUpdates = 0
        public var optimalityTests = 0
    }

    /// Solves `problem`, building its graph first.
    public static func solve(_ problem: AssignmentProblem) -> Assignment {
        solve(AssignmentGraph(problem))
    }

    /// Solves an already built graph (the benchmark times the two steps apart).
    public static func solve(_ graph: AssignmentGraph) -> Assignment {
        solveWithStatistics(graph).assignment
    }

    public static func solveWithStatistics(_ graph: AssignmentGraph) -> (assignment: Assignment, statistics: Statistics) {
        let auction = Auction(graph.storage)
        auction.run()
        let statistics = Statistics(scales: auction.scales, bids: auction.bids, reverseSteps: auction.reverseSteps,
                                    globalUpdates: auction.globalUpdates, optimalityTests: auction.optimalityTests)
        return (auction.assignment(), statistics)
    }
}
