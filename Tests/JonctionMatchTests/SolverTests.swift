import Foundation
@testable import JonctionMatch
import JonctionTestSupport
import Testing

/// The exact solver against independent references: brute force on tiny instances, successive
/// shortest paths (Bellman–Ford with a queue) on small ones, under random seeds that vary sizes,
/// capacities, density and ties.
@Suite("Affectation exacte : le solveur contre des méthodes de référence")
struct SolverTests {
    // MARK: Random instances

    enum Scores: CaseIterable {
        case wide, fewLevels, allEqual, twoLevels
    }

    /// A random problem; `duplicates` adds repeated (candidate, opportunity) pairs.
    static func randomProblem(_ rng: inout SeededGenerator, candidates: Int, opportunities: Int,
                              density: Double, maxCapacity: Int, scores: Scores,
                              duplicates: Bool = false) throws -> AssignmentProblem {
        let capacities = (0..<opportunities).map { _ in Int32(Int.random(in: 0...maxCapacity, using: &rng)) }
        var cand: [Int32] = [], opp: [Int32] = [], score: [Int32] = []
        for i in 0..<candidates {
            for j in 0..<opportunities where Double.random(in: 0..<1, using: &rng) < density {
                let copies = duplicates && Int.random(in: 0..<4, using: &rng) == 0 ? 2 : 1
                for _ in 0..<copies {
                    cand.append(Int32(i))
                    opp.append(Int32(j))
                    switch scores {
                    case .wide: score.append(Int32.random(in: 1...100, using: &rng))
                    case .fewLevels: score.append([10, 20, 30][Int.random(in: 0..<3, using: &rng)])
                    case .allEqual: score.append(7)
                    case .twoLevels: score.append([1, 2][Int.random(in: 0..<2, using: &rng)])
                    }
                }
            }
        }
        // Arcs in a random order: the solver must not rely on the file's grouping by candidate.
        var order = Array(cand.indices)
        order.shuffle(using: &rng)
        return try AssignmentProblem(candidateCount: candidates, capacities: capacities,
                                     arcCandidate: order.map { cand[$0] }, arcOpportunity: order.map { opp[$0] },
                                     arcScore: order.map { score[$0] })
    }

    // MARK: References

    /// Tries every choice for every candidate (an arc or nothing), within the capacities.
    static func bruteForce(_ p: AssignmentProblem) -> Int {
        var arcsOf = [[Int]](repeating: [], count: p.candidateCount)
        for a in 0..<p.arcCount { arcsOf[Int(p.arcCandidate[a])].append(a) }
        var load = [Int32](repeating: 0, count: p.opportunityCount)
        func best(_ i: Int) -> Int {
            guard i < p.candidateCount else { return 0 }
            var result = best(i + 1)
            for a in arcsOf[i] {
                let j = Int(p.arcOpportunity[a])
                guard load[j] < p.capacities[j] else { continue }
                load[j] += 1
                result = max(result, Int(p.arcScore[a]) + best(i + 1))
                load[j] -= 1
            }
            return result
        }
        return best(0)
    }

    /// Min-cost flow by successive shortest paths: source → candidates → opportunities → sink,
    /// costs −score, augmenting while the shortest path costs less than 0 (staying unplaced costs 0).
    static func successiveShortestPaths(_ p: AssignmentProblem) -> Int {
        let source = p.candidateCount + p.opportunityCount, sink = source + 1, nodes = sink + 1
        var head = [Int](repeating: -1, count: nodes)
        var to: [Int] = [], next: [Int] = [], cap: [Int] = [], cost: [Int] = []
        func add(_ u: Int, _ v: Int, _ c: Int, _ w: Int) {
            for (a, b, cc, ww) in [(u, v, c, w), (v, u, 0, -w)] {
                to.append(b); cap.append(cc); cost.append(ww); next.append(head[a]); head[a] = to.count - 1
            }
        }
        for i in 0..<p.candidateCount { add(source, i, 1, 0) }
        for a in 0..<p.arcCount where p.arcScore[a] > 0 {
            add(Int(p.arcCandidate[a]), p.candidateCount + Int(p.arcOpportunity[a]), 1, -Int(p.arcScore[a]))
        }
        for j in 0..<p.opportunityCount { add(p.candidateCount + j, sink, Int(p.capacities[j]), 0) }
        var total = 0
        while true {
            var dist = [Int](repeating: Int.max, count: nodes), via = [Int](repeating: -1, count: nodes)
            var inQueue = [Bool](repeating: false, count: nodes)
            var queue = [source]
            dist[source] = 0
            var at = 0
            while at < queue.count {
                let u = queue[at]
                at += 1
                inQueue[u] = false
                var e = head[u]
                while e >= 0 {
                    if cap[e] > 0 && dist[u] + cost[e] < dist[to[e]] {
                        dist[to[e]] = dist[u] + cost[e]
                        via[to[e]] = e
                        if !inQueue[to[e]] { inQueue[to[e]] = true; queue.append(to[e]) }
                    }
                    e = next[e]
                }
            }
            guard dist[sink] < 0 else { return total }
            var v = sink
            while v != source {
                let e = via[v]
                cap[e] -= 1
                cap[e ^ 1] += 1
                v = to[e ^ 1]
            }
            total -= dist[sink]
        }
    }

    /// Solves with the invariants checked at the end, and returns the assignment.
    static func solveChecked(_ p: AssignmentProblem, seed: UInt64) throws -> Assignment {
        let auction = Auction(AssignmentGraph(p).storage)
        auction.run()
        let assignment = auction.assignment()
        try p.check(assignment)
        #expect(auction.violation(1, settled: true) == nil, "seed \(seed): \(auction.violation(1, settled: true) ?? "")")
        #expect(auction.dualGap() < auction.scale, "seed \(seed): no optimality certificate")
        return assignment
    }

    // MARK: Properties

    @Test("petits cas : égal à la force brute", arguments: SeededGenerator.seeds(300, base: 70_000))
    func againstBruteForce(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let scores = Scores.allCases[Int(seed % 4)]
        let p = try Self.randomProblem(&rng, candidates: Int.random(in: 1...6, using: &rng),
                                       opportunities: Int.random(in: 1...4, using: &rng),
                                       density: Double.random(in: 0.2...1, using: &rng),
                                       maxCapacity: Int.random(in: 0...3, using: &rng), scores: scores,
                                       duplicates: seed % 3 == 0)
        let assignment = try Self.solveChecked(p, seed: seed)
        #expect(assignment.totalScore == Self.bruteForce(p), "seed \(seed)")
    }

    @Test("cas moyens, marchés tendus ou larges, ex aequo : égal aux plus courts chemins successifs",
          arguments: SeededGenerator.seeds(200, base: 80_000))
    func againstShortestPaths(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let scores = Scores.allCases[Int(seed % 4)]
        let candidates = Int.random(in: 5...60, using: &rng)
        let opportunities = Int.random(in: 1...15, using: &rng)
        // Capacities around candidates / opportunities: sometimes short, sometimes plenty.
        let perOpportunity = max(1, candidates / opportunities)
        let p = try Self.randomProblem(&rng, candidates: candidates, opportunities: opportunities,
                                       density: Double.random(in: 0.05...0.7, using: &rng),
                                       maxCapacity: Int.random(in: perOpportunity...(2 * perOpportunity + 1), using: &rng),
                                       scores: scores, duplicates: seed % 5 == 0)
        let assignment = try Self.solveChecked(p, seed: seed)
        #expect(assignment.totalScore == Self.successiveShortestPaths(p), "seed \(seed)")
    }

    @Test("un marché plus grand et très tendu, trois niveaux de score (enchères inverses, mises à jour globales)",
          arguments: SeededGenerator.seeds(6, base: 90_000))
    func largerTightMarket(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let p = try Self.randomProblem(&rng, candidates: 400, opportunities: 40, density: 0.08,
                                       maxCapacity: seed % 2 == 0 ? 19 : 21, scores: seed % 3 == 0 ? .wide : .fewLevels)
        let assignment = try Self.solveChecked(p, seed: seed)
        #expect(assignment.totalScore == Self.successiveShortestPaths(p), "seed \(seed)")
    }

    // MARK: Edge cases

    @Test("aucun arc, aucun candidat, aucune offre")
    func empty() throws {
        let none = try AssignmentProblem(candidateCount: 3, capacities: [2, 1], arcCandidate: [], arcOpportunity: [], arcScore: [])
        let a = AssignmentSolver.solve(none)
        #expect(a.totalScore == 0 && a.placed == 0 && a.arcOf == [-1, -1, -1] && a.opportunityOf == [-1, -1, -1])
        let nobody = try AssignmentProblem(candidateCount: 0, capacities: [1], arcCandidate: [], arcOpportunity: [], arcScore: [])
        #expect(AssignmentSolver.solve(nobody).arcOf.isEmpty)
        let nothing = try AssignmentProblem(candidateCount: 2, capacities: [], arcCandidate: [], arcOpportunity: [], arcScore: [])
        #expect(AssignmentSolver.solve(nothing).placed == 0)
    }

    @Test("toutes les capacités à zéro : personne n’est placé")
    func closedOpportunities() throws {
        let p = try AssignmentProblem(candidateCount: 2, capacities: [0, 0],
                                      arcCandidate: [0, 0, 1], arcOpportunity: [0, 1, 1], arcScore: [50, 60, 70])
        let a = AssignmentSolver.solve(p)
        #expect(a.totalScore == 0 && a.placed == 0)
        try p.check(a)
    }

    @Test("un candidat, beaucoup d’offres : il prend la meilleure")
    func oneCandidate() throws {
        let scores: [Int32] = [12, 99, 40, 99, 3]
        let p = try AssignmentProblem(candidateCount: 1, capacities: [1, 1, 1, 1, 1],
                                      arcCandidate: [0, 0, 0, 0, 0], arcOpportunity: [0, 1, 2, 3, 4], arcScore: scores)
        let a = AssignmentSolver.solve(p)
        #expect(a.totalScore == 99 && a.placed == 1)
        #expect(a.opportunity(of: 0) == 1 || a.opportunity(of: 0) == 3)
        try p.check(a)
    }

    @Test("arcs en double : le meilleur compte, et l’affectation désigne ce même arc")
    func duplicateArcs() throws {
        let p = try AssignmentProblem(candidateCount: 1, capacities: [1],
                                      arcCandidate: [0, 0, 0], arcOpportunity: [0, 0, 0], arcScore: [20, 70, 40])
        let a = AssignmentSolver.solve(p)
        #expect(a.totalScore == 70 && a.arcOf == [1])
        try p.check(a)
    }

    @Test("le total d’abord : on ne place pas plus de monde au prix du score")
    func scoreBeforeCount() throws {
        // A alone on X scores 90; B on X (80) plus A on Y (5) scores 85 with two placed.
        let p = try AssignmentProblem(candidateCount: 2, capacities: [1, 1],
                                      arcCandidate: [0, 0, 1], arcOpportunity: [0, 1, 0], arcScore: [90, 5, 80])
        let a = AssignmentSolver.solve(p)
        #expect(a.totalScore == 90 && a.placed == 1 && a.opportunity(of: 0) == 0)
        // With A on Y worth 15, the two placements (95) beat A alone (90).
        let q = try AssignmentProblem(candidateCount: 2, capacities: [1, 1],
                                      arcCandidate: [0, 0, 1], arcOpportunity: [0, 1, 0], arcScore: [90, 15, 80])
        let b = AssignmentSolver.solve(q)
        #expect(b.totalScore == 95 && b.placed == 2 && b.opportunity(of: 0) == 1)
    }

    @Test("arcs de score 0 ignorés, capacités plus grandes que la demande")
    func zeroScoresAndLargeCapacities() throws {
        let p = try AssignmentProblem(candidateCount: 3, capacities: [1_000_000],
                                      arcCandidate: [0, 1, 2], arcOpportunity: [0, 0, 0], arcScore: [0, 4, 4])
        let a = AssignmentSolver.solve(p)
        #expect(a.totalScore == 8 && a.placed == 2 && a.arcOf[0] == -1)
    }

    // MARK: Input

    @Test("lecture du format de assign_graph.py, lignes vides et CRLF comprises")
    func parsing() throws {
        let text = "3 2\r\n1\n2\n\n0 0 10\n1 0 30\n1 1 20\n2 1 25\n"
        let p = try AssignmentProblem(parsing: Data(text.utf8))
        #expect(p.candidateCount == 3 && p.capacities == [1, 2] && p.arcCount == 4)
        #expect(p.arcScore == [10, 30, 20, 25])
        #expect(AssignmentSolver.solve(p).totalScore == 55)
    }

    @Test("un fichier mal formé est refusé avec son numéro de ligne", arguments: [
        ("2\n", 1), ("2 1\n1\n0 0\n", 3), ("2 1\n1\n0 0 5 6\n", 3), ("2 1\nx\n", 2), ("1 1\n1\n0 3 5\n", 0),
        ("1 1\n1\n0 0 99999999999\n", 3),
    ])
    func malformed(text: String, line: Int) {
        #expect(throws: AssignmentError.self) { try AssignmentProblem(parsing: Data(text.utf8)) }
        if line > 0 {
            do {
                _ = try AssignmentProblem(parsing: Data(text.utf8))
            } catch let AssignmentError.malformed(at, _) {
                #expect(at == line)
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test("des tableaux incohérents sont refusés")
    func invalidArrays() {
        #expect(throws: AssignmentError.self) {
            try AssignmentProblem(candidateCount: 1, capacities: [1], arcCandidate: [0], arcOpportunity: [], arcScore: [1])
        }
        #expect(throws: AssignmentError.self) {
            try AssignmentProblem(candidateCount: 1, capacities: [-1], arcCandidate: [], arcOpportunity: [], arcScore: [])
        }
        #expect(throws: AssignmentError.self) {
            try AssignmentProblem(candidateCount: 1, capacities: [1], arcCandidate: [0], arcOpportunity: [0], arcScore: [1_000_001])
        }
    }

    @Test("la vérification rejette une affectation qui dépasse une capacité")
    func checkRejects() throws {
        let p = try AssignmentProblem(candidateCount: 2, capacities: [1],
                                      arcCandidate: [0, 1], arcOpportunity: [0, 0], arcScore: [5, 6])
        let bad = Assignment(arcOf: [0, 1], opportunityOf: [0, 0], totalScore: 11, placed: 2)
        #expect(throws: AssignmentError.self) { try p.check(bad) }
    }
}
