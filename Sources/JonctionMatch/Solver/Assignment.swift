/// A solution of an ``AssignmentProblem``: for each candidate, the arc chosen (or none).
public struct Assignment: Sendable, Equatable {
    /// For each candidate, the index of its chosen arc in the problem's arc arrays, or -1 (unplaced).
    public let arcOf: [Int32]
    /// For each candidate, the opportunity it goes to, or -1 (unplaced).
    public let opportunityOf: [Int32]
    public let totalScore: Int
    /// Candidates placed: not necessarily as many as possible, since the total score comes first.
    public let placed: Int

    public init(arcOf: [Int32], opportunityOf: [Int32], totalScore: Int, placed: Int) {
        self.arcOf = arcOf
        self.opportunityOf = opportunityOf
        self.totalScore = totalScore
        self.placed = placed
    }

    /// The opportunity of `candidate`, or nil if it stays unplaced.
    public func opportunity(of candidate: Int) -> Int? {
        let j = opportunityOf[candidate]
        return j < 0 ? nil : Int(j)
    }
}
