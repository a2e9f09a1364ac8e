import Dispatch
import Jonction

/// One matching round (DESIGN §6): hard filters, scores, the best k arcs per candidate and per
/// opportunity, then the exact capacitated assignment that maximises the total score.
public struct MatchRequest: Sendable {
    public var candidates: [MatchCandidate]
    public var opportunities: [MatchOpportunity]
    /// Pairs (candidate id, opportunity id) a candidate declined: never proposed again.
    public var declined: Set<Pair>
    /// Arcs kept per candidate and per opportunity.
    public var k: Int
    public var weights: ScoringWeights
    /// Shares by group and priorities (protocol.md §2.5): empty, the plain assignment.
    public var quotas: MatchQuotas

    public struct Pair: Hashable, Sendable {
        public var candidate: String
        public var opportunity: String
        public init(candidate: String, opportunity: String) {
            self.candidate = candidate
            self.opportunity = opportunity
        }
    }

    public init(candidates: [MatchCandidate], opportunities: [MatchOpportunity], declined: Set<Pair> = [], k: Int = 20,
                weights: ScoringWeights = ScoringWeights(), quotas: MatchQuotas = MatchQuotas()) {
        self.candidates = candidates
        self.opportunities = opportunities
        self.declined = declined
        self.k = max(1, k)
        self.weights = weights
        self.quotas = quotas
    }
}

/// A proposal: a candidate in front of an opportunity, and why.
public struct MatchProposal: Sendable, Equatable {
    public var candidate: MatchCandidate
    public var opportunity: MatchOpportunity
    public var card: ScoreCard
    public var score: Int { card.score }
}

public struct MatchResult: Sendable {
    public var proposals: [MatchProposal]
    public var totalScore: Int
    /// Scored arcs given to the solver.
    public var arcs: Int
    /// Pairs the search scored to find them (`ArcSearch`).
    public var pairsScored: Int = 0
    /// Candidates with no admissible opportunity, and the filter that excluded them.
    public var excluded: [(candidate: String, reason: Exclusion)]
    /// Skills required by opportunities that candidates near them lack, most requested first.
    public var skillsGaps: [(skill: String, candidates: Int)]
    /// Per opportunity: places left before the round, places proposed.
    public var fill: [(opportunity: MatchOpportunity, proposed: Int)]
    /// Each share that applied (per opportunity, then the whole round's), met or not and why (empty
    /// without quotas).
    public var quotas: [QuotaOutcome]
    public var seconds: (score: Double, solve: Double)
}

public enum Matcher {
    public enum Phase: Sendable { case scoring, solving }

    public static func run(_ request: MatchRequest, progress: ((Phase, Int, Int) -> Void)? = nil) -> MatchResult {
        run(request, exhaustive: false, solve: true, progress: progress)
    }

    /// The network the solver is given for `request` without shares: each opportunity's places left
    /// (0 when closed) and the arcs (candidate index, opportunity index, score) `run` keeps. For
    /// checking the optimum with another solver (`jonction-bench match --graph-out`).
    public static func graph(_ request: MatchRequest) -> (capacities: [Int], arcs: [(c: Int32, o: Int32, s: Int32)]) {
        var plain = request
        plain.quotas = MatchQuotas()
        let scorer = Scorer(weights: plain.weights, candidates: plain.candidates, opportunities: plain.opportunities)
        let found = ArcSearch(scorer: scorer, request: plain, rules: Array(repeating: [], count: plain.opportunities.count))
            .run(progress: ProgressCounter(total: plain.candidates.count, report: nil))
        return (plain.opportunities.indices.map { scorer.isOpen($0) ? plain.opportunities[$0].placesLeft : 0 }, found.arcs)
    }

    /// The candidates of `request` with no admissible opportunity, and the filter that excluded them:
    /// `run`'s own filters and minimum score, without the assignment (`MatchingRound.admissible`).
    public static func exclusions(_ request: MatchRequest) -> [(candidate: String, reason: Exclusion)] {
        // The candidates' own search decides who has an admissible opportunity; shares choose among
        // the admissible and exclude nobody, and the opportunities' search adds no exclusion.
        let scorer = Scorer(weights: request.weights, candidates: request.candidates, opportunities: request.opportunities)
        return ArcSearch(scorer: scorer, request: request, rules: Array(repeating: [], count: request.opportunities.count),
                         exhaustive: false)
            .run(progress: ProgressCounter(total: request.candidates.count, report: nil), candidatesOnly: true).excluded
    }

    /// `exhaustive`: score every pair instead of searching (the same arcs, slower; for tests).
    /// `solve`: false, the arcs and exclusions only.
    static func run(_ request: MatchRequest, exhaustive: Bool, solve: Bool = true,
                    progress: ((Phase, Int, Int) -> Void)? = nil) -> MatchResult {
        let clock = ContinuousClock()
        let started = clock.now
        let scorer = Scorer(weights: request.weights, candidates: request.candidates, opportunities: request.opportunities)
        let nC = request.candidates.count, nO = request.opportunities.count
        let rules: [[MatchQuotas.Share]] = request.quotas.isEmpty ? Array(repeating: [], count: nO)
            : request.opportunities.enumerated().map { scorer.isOpen($0.offset) ? request.quotas.shares(for: $0.element.id) : [] }
        let found = ArcSearch(scorer: scorer, request: request, rules: rules, exhaustive: exhaustive)
            .run(progress: ProgressCounter(total: nC, report: progress))
        let arcs = found.arcs, excluded = found.excluded, admissible = found.admissible
        let scored = clock.now
        progress?(.solving, 0, 1)

        let capacities = request.opportunities.enumerated().map { scorer.isOpen($0.offset) ? Int32($0.element.placesLeft) : 0 }
        let chosen: [Int]
        var quotaOutcomes: [QuotaOutcome] = []
        if !solve {
            chosen = []
        } else if request.quotas.isEmpty {
            chosen = solveAssignment(candidates: nC, capacities: capacities, arcs: arcs)
        } else {
            let split = solveWithQuotas(candidates: request.candidates.map(\.group), capacities: capacities, arcs: arcs,
                                        rules: rules, quotas: request.quotas)
            chosen = split.chosen
            let round = request.quotas.wholeRound
            var proposedOf = rules.map { [Int](repeating: 0, count: $0.count) }
            var proposedInRound = [Int](repeating: 0, count: round.count)
            for i in chosen {
                let o = Int(arcs[i].o), group = request.candidates[Int(arcs[i].c)].group
                for (r, rule) in rules[o].enumerated() where rule.group.contains(group) { proposedOf[o][r] += 1 }
                for (r, rule) in round.enumerated() where rule.group.contains(group) { proposedInRound[r] += 1 }
            }
            for o in 0..<nO {
                let places = Int(capacities[o])
                for (r, rule) in rules[o].enumerated() {
                    quotaOutcomes.append(QuotaOutcome(
                        opportunity: request.opportunities[o], places: places, group: rule.group, percent: rule.minimum,
                        maximum: rule.maximum, wanted: rule.minimumPlaces(of: places), atMost: rule.maximumPlaces(of: places),
                        reservable: split.initial[o][r], reserved: split.reserved[o][r],
                        proposed: proposedOf[o][r], admissible: admissible[o][r]))
                }
            }
            if !round.isEmpty {
                // Admissible in the round: the candidates with an arc (every admissible candidate has one).
                var hasArc = [Bool](repeating: false, count: nC)
                for a in arcs { hasArc[Int(a.c)] = true }
                let places = capacities.reduce(0) { $0 + Int($1) }
                for (r, rule) in round.enumerated() {
                    let admissibleInRound = (0..<nC).filter { hasArc[$0] && rule.group.contains(request.candidates[$0].group) }.count
                    quotaOutcomes.append(QuotaOutcome(
                        opportunity: nil, places: places, group: rule.group, percent: rule.minimum,
                        maximum: rule.maximum, wanted: rule.minimumPlaces(of: places), atMost: rule.maximumPlaces(of: places),
                        reservable: split.wholeRoundInitial[r], reserved: split.wholeRoundReserved[r],
                        proposed: proposedInRound[r], admissible: admissibleInRound))
                }
            }
        }
        let solved = clock.now
        progress?(.solving, 1, 1)

        var proposals: [MatchProposal] = []
        var proposed = [Int](repeating: 0, count: nO)
        var total = 0
        // Per skill asked for, the candidates near an opportunity asking for it who lack it, a bit each.
        let words = (nC + 63) / 64
        var lacking = [[UInt64]](repeating: [], count: scorer.skillNames.count)
        for a in arcs {
            scorer.forEachMissingSkill(Int(a.c), Int(a.o)) { s in
                if lacking[s].isEmpty { lacking[s] = [UInt64](repeating: 0, count: words) }
                lacking[s][Int(a.c) >> 6] |= 1 << UInt64(a.c & 63)
            }
        }
        for i in chosen {
            let a = arcs[i]
            let card = scorer.card(Int(a.c), Int(a.o))
            proposals.append(MatchProposal(candidate: request.candidates[Int(a.c)], opportunity: request.opportunities[Int(a.o)], card: card))
            proposed[Int(a.o)] += 1
            total += Int(a.s)
        }
        proposals.sort { $0.candidate.id < $1.candidate.id }
        let fill = request.opportunities.enumerated().filter { scorer.isOpen($0.offset) }.map { ($0.element, proposed[$0.offset]) }
        let skillsGaps = lacking.enumerated().compactMap { s, bits -> (String, Int)? in
            let count = bits.reduce(0) { $0 + $1.nonzeroBitCount }
            return count > 0 ? (scorer.skillNames[s], count) : nil
        }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        return MatchResult(
            proposals: proposals, totalScore: total, arcs: arcs.count, pairsScored: found.pairsScored,
            excluded: excluded.sorted { $0.candidate < $1.candidate }, skillsGaps: Array(skillsGaps.prefix(15)),
            fill: fill, quotas: quotaOutcomes,
            seconds: (Double((scored - started).components.attoseconds) / 1e18 + Double((scored - started).components.seconds),
                      Double((solved - scored).components.attoseconds) / 1e18 + Double((solved - scored).components.seconds)))
    }
}

/// The best k (score, index) pairs seen, highest score first, ties to the lower index (so that
/// every run keeps the same arcs).
struct TopK: Sendable {
    let k: Int
    private(set) var heap: [(score: Int32, index: Int32)] = []  // a min-heap on (score, −index)

    init(_ k: Int) { self.k = k }

    var isEmpty: Bool { heap.isEmpty }
    var isFull: Bool { heap.count >= k }
    /// The lowest score kept (the heap's root); only meaningful when not empty.
    var floor: Int32 { heap[0].score }

    mutating func removeAll() { heap.removeAll(keepingCapacity: true) }

    @inline(__always)
    private static func less(_ a: (score: Int32, index: Int32), _ b: (score: Int32, index: Int32)) -> Bool {
        a.score != b.score ? a.score < b.score : a.index > b.index
    }

    mutating func insert(score: Int32, index: Int32) {
        let item = (score, index)
        if heap.count < k {
            heap.append(item)
            var i = heap.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard Self.less(heap[i], heap[parent]) else { break }
                heap.swapAt(i, parent)
                i = parent
            }
            return
        }
        guard Self.less(heap[0], item) else { return }
        heap[0] = item
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var smallest = i
            if l < heap.count, Self.less(heap[l], heap[smallest]) { smallest = l }
            if r < heap.count, Self.less(heap[r], heap[smallest]) { smallest = r }
            if smallest == i { break }
            heap.swapAt(i, smallest)
            i = smallest
        }
    }

    mutating func merge(_ other: TopK) {
        for item in other.heap { insert(score: item.score, index: item.index) }
    }

    /// Best first.
    func sorted() -> [(Int32, Int32)] {
        heap.sorted { Self.less($1, $0) }.map { ($0.score, $0.index) }
    }
}

/// Scoring progress summed over the chunks scored in parallel.
///
/// `@unchecked Sendable` is safe: `done` is read and written only under `lock`; the rest is immutable.
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLockLike()
    private var done = 0
    let total: Int
    let report: ((Matcher.Phase, Int, Int) -> Void)?

    init(total: Int, report: ((Matcher.Phase, Int, Int) -> Void)?) {
        self.total = total
        self.report = report
    }

    func add(_ n: Int) {
        guard let report else { return }
        lock.withLock {
            done += n
            report(.scoring, done, total)
        }
    }
}

/// A mutex over a Dispatch semaphore (this module stays free of Foundation's locks).
///
/// `@unchecked Sendable` is safe: its only state is the semaphore, which is itself thread-safe.
final class NSLockLike: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 1)
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        semaphore.wait()
        defer { semaphore.signal() }
        return try body()
    }
}
