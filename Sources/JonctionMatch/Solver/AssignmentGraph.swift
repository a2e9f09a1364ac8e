/// An ``AssignmentProblem`` laid out for the solver: arcs grouped by candidate (CSR), duplicates
/// merged, useless arcs dropped, and the same arcs grouped by opportunity. Built once, in one pass
/// of counting sorts; ``AssignmentSolver`` can then be timed on its own, as OR-Tools' `Solve()` is.
public struct AssignmentGraph: Sendable {
    let storage: GraphStorage

    public var candidateCount: Int { storage.n }
    public var opportunityCount: Int { storage.m }
    /// Arcs left after merging duplicates and dropping those of score 0 or into closed opportunities.
    public var arcCount: Int { storage.arcCount }

    public init(_ problem: AssignmentProblem) {
        storage = GraphStorage(problem)
    }
}

/// One arc as the bidding loop reads it: 8 bytes, target and score side by side.
struct GraphArc {
    var target: Int32
    var score: Int32
}

/// The graph's flat arrays, allocated once and never mutated after `init`.
///
/// `@unchecked Sendable` is safe: every pointer's contents are written in `init` only, before the
/// storage can be shared; afterwards threads only read them.
final class GraphStorage: @unchecked Sendable {
    let n: Int
    let m: Int
    let arcCount: Int
    let maxScore: Int
    /// Arcs of candidate i are `arcs[rowStart[i]..<rowStart[i+1]]`.
    let rowStart: UnsafeMutablePointer<Int32>
    let arcs: UnsafeMutablePointer<GraphArc>
    /// Index of each arc in the problem's arrays (the best of its duplicates).
    let original: UnsafeMutablePointer<Int32>
    /// Places of each opportunity, capped at its number of arcs (it can never take more).
    let capacity: UnsafeMutablePointer<Int32>
    /// Arcs into opportunity j are `colStart[j]..<colStart[j+1]` in `colPerson` and `colArc`.
    let colStart: UnsafeMutablePointer<Int32>
    let colPerson: UnsafeMutablePointer<Int32>
    let colArc: UnsafeMutablePointer<Int32>

    init(_ problem: AssignmentProblem) {
        let n = problem.candidateCount, m = problem.opportunityCount
        let rowStart = UnsafeMutablePointer<Int32>.allocate(capacity: n + 1)
        rowStart.initialize(repeating: 0, count: n + 1)
        let capacity = UnsafeMutablePointer<Int32>.allocate(capacity: max(m, 1))
        let colStart = UnsafeMutablePointer<Int32>.allocate(capacity: m + 1)
        colStart.initialize(repeating: 0, count: m + 1)
        let total = problem.arcCount
        var kept = 0, maxScore = 0

        let cand = problem.arcCandidate, opp = problem.arcOpportunity, score = problem.arcScore, cap = problem.capacities
        for a in 0..<total where score[a] > 0 && cap[Int(opp[a])] > 0 {
            rowStart[Int(cand[a]) + 1] += 1
        }
        for i in 0..<n { rowStart[i + 1] += rowStart[i] }
        let filled = Int(rowStart[n])
        let arcs = UnsafeMutablePointer<GraphArc>.allocate(capacity: max(filled, 1))
        let original = UnsafeMutablePointer<Int32>.allocate(capacity: max(filled, 1))
        // Counting sort by candidate, stable: rowStart[i] walks to the end of row i, then is shifted back.
        for a in 0..<total where score[a] > 0 && cap[Int(opp[a])] > 0 {
            let i = Int(cand[a])
            let at = Int(rowStart[i])
            arcs[at] = GraphArc(target: opp[a], score: score[a])
            original[at] = Int32(a)
            rowStart[i] += 1
        }
        for i in stride(from: n, to: 0, by: -1) { rowStart[i] = rowStart[i - 1] }
        rowStart[0] = 0
        // Merge duplicates in place: seen[j] is where the current row put its arc to j, if it has one.
        let seen = UnsafeMutablePointer<Int32>.allocate(capacity: max(m, 1))
        seen.initialize(repeating: -1, count: m)
        for i in 0..<n {
            let rowBegin = kept
            for a in Int(rowStart[i])..<Int(rowStart[i + 1]) {
                let j = Int(arcs[a].target)
                let s = Int(seen[j])
                if s >= rowBegin {
                    if arcs[a].score > arcs[s].score { arcs[s] = arcs[a]; original[s] = original[a] }
                    continue
                }
                seen[j] = Int32(kept)
                arcs[kept] = arcs[a]
                original[kept] = original[a]
                maxScore = max(maxScore, Int(arcs[a].score))
                colStart[j + 1] += 1
                kept += 1
            }
            rowStart[i] = Int32(rowBegin)
        }
        rowStart[n] = Int32(kept)
        seen.deallocate()
        for j in 0..<m { capacity[j] = min(cap[j], colStart[j + 1]) }
        for j in 0..<m { colStart[j + 1] += colStart[j] }

        let colPerson = UnsafeMutablePointer<Int32>.allocate(capacity: max(kept, 1))
        let colArc = UnsafeMutablePointer<Int32>.allocate(capacity: max(kept, 1))
        let fill = UnsafeMutablePointer<Int32>.allocate(capacity: max(m, 1))
        fill.initialize(from: colStart, count: m)
        for i in 0..<n {
            for a in Int(rowStart[i])..<Int(rowStart[i + 1]) {
                let j = Int(arcs[a].target)
                let at = Int(fill[j])
                colPerson[at] = Int32(i)
                colArc[at] = Int32(a)
                fill[j] += 1
            }
        }
        fill.deallocate()

        self.n = n
        self.m = m
        self.arcCount = kept
        self.maxScore = maxScore
        self.rowStart = rowStart
        self.arcs = arcs
        self.original = original
        self.capacity = capacity
        self.colStart = colStart
        self.colPerson = colPerson
        self.colArc = colArc
    }

    deinit {
        rowStart.deallocate()
        arcs.deallocate()
        original.deallocate()
        capacity.deallocate()
        colStart.deallocate()
        colPerson.deallocate()
        colArc.deallocate()
    }
}
