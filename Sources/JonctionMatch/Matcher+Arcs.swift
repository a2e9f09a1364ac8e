import Jonction

/// Which arcs the solver sees (DESIGN §6): each candidate's best k opportunities, each
/// opportunity's best k candidates and, for each minimum share, the opportunity's best of the
/// share's group, among the admissible pairs. A candidate looks at the opportunities of its region
/// and, if it accepts to move, at those of its occupation family (ISCO major group) elsewhere.
///
/// The best k are found without scoring every pair. Each side's counterparts are grouped by region
/// and occupation code, so that every pair a group forms with one entity has the same highest
/// possible score (the occupation level and the location are fixed by the group, every other
/// criterion is at most its weight). Groups are visited highest bound first, and the search stops
/// when the next bound is below the k-th best score already found: nothing skipped could have
/// entered the best k (ties go to the lower index, and a bound equal to the k-th score is still
/// visited). The arcs are therefore exactly those of scoring every pair; `exhaustive` does that, and
/// a test compares both. An opportunity with a minimum share is searched exhaustively, since its
/// report counts every admissible candidate of the group.
struct ArcSearch {
    let scorer: Scorer
    let request: MatchRequest
    let k: Int
    let minimum: Int32
    let exhaustive: Bool
    /// Shares per opportunity (empty lists without quotas).
    let rules: [[MatchQuotas.Share]]
    private let declined: [Int: Set<Int32>]
    /// Open opportunities, grouped.
    private let opportunityGroups: Groups
    /// Candidates no filter of their own excludes, grouped.
    private let candidateGroups: Groups
    private let anyOpen: Bool
    /// The scorer over the grouped entities in group order (candidate `candidateGroups.flat[i]` is
    /// its candidate i, and so for opportunities): a group's members are side by side in memory, so
    /// that a search reads them in order. Arcs and ties still use the request's indices.
    private let grouped: Scorer
    /// Request index → index in `grouped` (-1: not grouped).
    private let groupedCandidate: [Int32]
    private let groupedOpportunity: [Int32]
    /// Per opportunity group: the union of its members' required skills (`skillWords` words per
    /// group), and whether a member's skills part is unbounded (`Scorer.skillsUnbounded`).
    private let opportunityGroupSkills: [UInt64]
    private let opportunityGroupUnbounded: [Bool]
    /// Per candidate group: the union of its members' skills.
    private let candidateGroupSkills: [UInt64]

    struct Output {
        var arcs: [(c: Int32, o: Int32, s: Int32)]
        var excluded: [(candidate: String, reason: Exclusion)]
        /// Per opportunity and share: admissible candidates of the group.
        var admissible: [[Int]]
        /// Pairs scored by both searches (for measures and tests).
        var pairsScored: Int
    }

    init(scorer: Scorer, request: MatchRequest, rules: [[MatchQuotas.Share]], exhaustive: Bool = false) {
        self.scorer = scorer
        self.request = request
        self.k = request.k
        self.minimum = Int32(request.weights.minimumScore)
        self.rules = rules
        self.exhaustive = exhaustive
        let opportunityIndex = Dictionary(request.opportunities.enumerated().map { ($1.id, Int32($0)) }, uniquingKeysWith: { a, _ in a })
        var declinedPairs: [Int: Set<Int32>] = [:]
        if !request.declined.isEmpty {
            let candidateIndex = Dictionary(request.candidates.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
            for pair in request.declined {
                if let c = candidateIndex[pair.candidate], let o = opportunityIndex[pair.opportunity] { declinedPairs[c, default: []].insert(o) }
            }
        }
        declined = declinedPairs
        let open = request.opportunities.indices.filter { scorer.isOpen($0) }
        anyOpen = !open.isEmpty
        opportunityGroups = Groups(open.map { Self.opportunityKey($0, scorer, request) }, members: open)
        let eligible = request.candidates.indices.filter { scorer.candidateExclusion($0) == nil }
        candidateGroups = Groups(eligible.map { Self.candidateKey($0, scorer, request) }, members: eligible)
        grouped = Scorer(weights: request.weights, candidates: candidateGroups.flat.map { request.candidates[Int($0)] },
                         opportunities: opportunityGroups.flat.map { request.opportunities[Int($0)] })
        func inverse(_ flat: [Int32], count: Int) -> [Int32] {
            var index = [Int32](repeating: -1, count: count)
            for (i, entity) in flat.enumerated() { index[Int(entity)] = Int32(i) }
            return index
        }
        groupedCandidate = inverse(candidateGroups.flat, count: request.candidates.count)
        groupedOpportunity = inverse(opportunityGroups.flat, count: request.opportunities.count)
        // The groups' skill sets, in the grouped scorer's own numbering of skills.
        let words = grouped.skillWords
        var required = [UInt64](repeating: 0, count: opportunityGroups.keys.count * words)
        var unbounded = [Bool](repeating: false, count: opportunityGroups.keys.count)
        for g in opportunityGroups.keys.indices {
            for i in opportunityGroups.members(Int32(g)) {
                if grouped.skillsUnbounded(i) { unbounded[g] = true } else { grouped.addRequiredSkills(of: i, to: &required, at: g * words) }
            }
        }
        opportunityGroupSkills = required
        opportunityGroupUnbounded = unbounded
        var held = [UInt64](repeating: 0, count: candidateGroups.keys.count * words)
        for g in candidateGroups.keys.indices {
            for i in candidateGroups.members(Int32(g)) { grouped.addSkills(of: i, to: &held, at: g * words) }
        }
        candidateGroupSkills = held
    }

    /// The group of candidate `c`.
    private static func candidateKey(_ c: Int, _ scorer: Scorer, _ request: MatchRequest) -> Groups.Key {
        Groups.Key(region: scorer.candidateRegion[c], isco: scorer.candidateISCO[c],
                   major: major(request.candidates[c].isco), relocates: request.candidates[c].relocate)
    }

    /// The group of opportunity `o`.
    private static func opportunityKey(_ o: Int, _ scorer: Scorer, _ request: MatchRequest) -> Groups.Key {
        Groups.Key(region: scorer.opportunityRegion[o], isco: scorer.opportunityISCO[o],
                   major: major(request.opportunities[o].isco), relocates: false)
    }

    /// Visit orders, computed once per kind of entity (its group's key) in a chunk.
    private struct OrderCache {
        private var orders: [Groups.Key: [Visit]] = [:]

        mutating func order(for key: Groups.Key, _ make: (Groups.Key) -> [Visit]) -> [Visit] {
            if let known = orders[key] { return known }
            let order = make(key)
            orders[key] = order
            return order
        }
    }

    /// The ISCO major group: the code's first digit (0–9), or -1.
    static func major(_ isco: String?) -> Int {
        guard let digit = isco?.first?.wholeNumberValue, (0...9).contains(digit) else { return -1 }
        return digit
    }

    /// Both searches, in chunks on all cores. `candidatesOnly`: the candidates' search alone, for
    /// their exclusions (`Matcher.exclusions`); the arcs are then the candidates' picks only and
    /// `admissible` is empty.
    func run(progress: ProgressCounter, candidatesOnly: Bool = false) -> Output {
        let request = self.request, nC = request.candidates.count, nO = request.opportunities.count
        let chunks = max(1, min(4, max(nC, nO) / 1024))

        // Each candidate's best k, in candidate order.
        struct CandidateChunk {
            var arcs: [(c: Int32, o: Int32, s: Int32)] = []
            var excluded: [(Int, Exclusion)] = []
            var scored = 0
        }
        let candidateChunk = (nC + chunks - 1) / chunks
        let candidateResults = Parallel.map(chunks) { chunk -> CandidateChunk in
            var result = CandidateChunk()
            var top = TopK(k)
            var orders = OrderCache()
            let range = (chunk * candidateChunk)..<min(nC, (chunk + 1) * candidateChunk)
            for c in range {
                if (c - range.lowerBound) % 1024 == 1023 { progress.add(1024) }
                if let exclusion = scorer.candidateExclusion(c) {
                    result.excluded.append((c, exclusion))
                    continue
                }
                let order = orders.order(for: Self.candidateKey(c, scorer, request), opportunityOrder)
                if let failure = bestOpportunities(of: c, order: order, into: &top, scored: &result.scored) {
                    result.excluded.append((c, failure))
                    continue
                }
                for (s, o) in top.sorted() { result.arcs.append((Int32(c), o, s)) }
            }
            progress.add(range.count % 1024)
            return result
        }

        if candidatesOnly {
            var output = Output(arcs: [], excluded: [], admissible: [], pairsScored: 0)
            for r in candidateResults {
                output.pairsScored += r.scored
                output.arcs += r.arcs
                output.excluded += r.excluded.map { (request.candidates[$0.0].id, $0.1) }
            }
            return output
        }

        // Each opportunity's best k, and its best of each share's group.
        struct OpportunityChunk {
            var tops: [[(Int32, Int32)]] = []
            var quotaTops: [[[(Int32, Int32)]]] = []
            var admissible: [[Int]] = []
            var scored = 0
        }
        let opportunityChunk = (nO + chunks - 1) / chunks
        let opportunityResults = Parallel.map(chunks) { chunk -> OpportunityChunk in
            var result = OpportunityChunk()
            var top = TopK(k)
            var orders = OrderCache()
            let range = (chunk * opportunityChunk)..<min(nO, (chunk + 1) * opportunityChunk)
            for o in range {
                guard scorer.isOpen(o) else {
                    result.tops.append([])
                    result.quotaTops.append(rules[o].map { _ in [] })
                    result.admissible.append(rules[o].map { _ in 0 })
                    continue
                }
                let order = orders.order(for: Self.opportunityKey(o, scorer, request), candidateOrder)
                let found = bestCandidates(of: o, order: order, into: &top, scored: &result.scored)
                result.tops.append(top.sorted())
                result.quotaTops.append(found.quotaTops)
                result.admissible.append(found.admissible)
            }
            return result
        }

        // The union of both sides' arcs, each arc once, in a fixed order.
        var arcs: [(c: Int32, o: Int32, s: Int32)] = []
        var excluded: [(candidate: String, reason: Exclusion)] = []
        var scored = 0
        for r in candidateResults {
            scored += r.scored
            arcs += r.arcs
            excluded += r.excluded.map { (request.candidates[$0.0].id, $0.1) }
        }
        var admissible: [[Int]] = []
        admissible.reserveCapacity(nO)
        // Where each candidate's arcs start (they are in candidate order, at most k each): whether
        // an opportunity's pick is already an arc is a scan of at most k entries, not a hash set of
        // every arc.
        var first = [Int32](repeating: 0, count: nC + 1)
        for a in arcs { first[Int(a.c) + 1] += 1 }
        for c in 0..<nC { first[c + 1] += first[c] }
        var picked: [Int32] = []
        var o = 0
        for r in opportunityResults {
            scored += r.scored
            for i in r.tops.indices {
                picked.removeAll(keepingCapacity: true)
                func add(_ s: Int32, _ c: Int32) {
                    let own = Int(first[Int(c)])..<Int(first[Int(c) + 1])
                    guard !arcs[own].contains(where: { $0.o == Int32(o) }), !picked.contains(c) else { return }
                    picked.append(c)
                    arcs.append((c, Int32(o), s))
                }
                for (s, c) in r.tops[i] { add(s, c) }
                for top in r.quotaTops[i] {
                    for (s, c) in top { add(s, c) }
                }
                admissible.append(r.admissible[i])
                o += 1
            }
        }
        return Output(arcs: arcs, excluded: excluded, admissible: admissible, pairsScored: scored)
    }

    /// A group to visit, and the highest score any of its pairs can reach.
    struct Visit {
        var group: Int32
        var bound: Int32
        /// The bound of a pair that can score nothing for skills (see `skillless`).
        var boundWithoutSkills: Int32
        /// The occupation level and region match every pair of the group shares.
        var level: Int
        var sameRegion: Bool
    }

    /// The highest score of a pair at this occupation level, in the same region or not.
    private func visit(_ group: Int32, level: Int, sameRegion: Bool) -> Visit {
        let w = request.weights
        let best = w.occupation * level / 4 + w.skills + w.languages + w.education + (sameRegion ? w.location : w.location / 3)
        return Visit(group: group, bound: Int32(max(1, min(100, best))), boundWithoutSkills: Int32(max(1, min(100, best - w.skills))),
                     level: level, sameRegion: sameRegion)
    }

    /// Whether a group's pairs, at best, are below what the search keeps: the k best are found and
    /// the bound is below the k-th score (or below the minimum score). Ties are kept: they may
    /// enter by a lower index.
    @inline(__always)
    private func below(_ bound: Int32, _ top: TopK) -> Bool {
        !top.isEmpty && (bound < minimum || (top.isFull && bound < top.floor))
    }

    /// Highest bound first (a counting sort: bounds are 1–100); equal bounds in the order given, which
    /// does not change what the search finds.
    private func sortedByBound(_ visits: [Visit]) -> [Visit] {
        var starts = [Int](repeating: 0, count: 102)
        for v in visits { starts[Int(100 - v.bound) + 1] += 1 }
        for i in 1..<starts.count { starts[i] += starts[i - 1] }
        var sorted = visits
        for v in visits {
            sorted[starts[Int(100 - v.bound)]] = v
            starts[Int(100 - v.bound)] += 1
        }
        return sorted
    }

    /// The opportunity groups a candidate of this kind looks at, best bound first.
    private func opportunityOrder(for c: Groups.Key) -> [Visit] {
        var visits: [Visit] = []
        if c.region >= 0 {
            for g in opportunityGroups.inRegion(c.region) {
                visits.append(visit(g, level: scorer.occupationLevel(c.isco, opportunityGroups.keys[Int(g)].isco), sameRegion: true))
            }
        }
        if c.relocates, c.major >= 0 {
            for g in opportunityGroups.inMajor(c.major) where opportunityGroups.keys[Int(g)].region != c.region {
                visits.append(visit(g, level: scorer.occupationLevel(c.isco, opportunityGroups.keys[Int(g)].isco), sameRegion: false))
            }
        }
        return sortedByBound(visits)
    }

    /// The candidate groups that look at an opportunity of this kind, best bound first.
    private func candidateOrder(for o: Groups.Key) -> [Visit] {
        var visits: [Visit] = []
        if o.region >= 0 {
            for g in candidateGroups.inRegion(o.region) {
                visits.append(visit(g, level: scorer.occupationLevel(candidateGroups.keys[Int(g)].isco, o.isco), sameRegion: true))
            }
        }
        if o.major >= 0 {
            for g in candidateGroups.inMajor(o.major) {
                let key = candidateGroups.keys[Int(g)]
                guard key.relocates, key.region != o.region else { continue }
                visits.append(visit(g, level: scorer.occupationLevel(key.isco, o.isco), sameRegion: false))
            }
        }
        return sortedByBound(visits)
    }

    /// Candidate `c`'s best k admissible opportunities in `top`; if there is none, why.
    private func bestOpportunities(of c: Int, order: [Visit], into top: inout TopK, scored: inout Int) -> Exclusion? {
        top.removeAll()
        var failure: Exclusion? = nil
        let refused = declined[c]
        let gc = Int(groupedCandidate[c])
        let words = grouped.skillWords
        for visit in order {
            if !exhaustive {
                if below(visit.bound, top) { break }
                // A group whose every member scores its skills part only from skills this candidate
                // lacks: its pairs get nothing for skills (the scores of jobs and internships, §2.5).
                let g = Int(visit.group)
                if below(visit.boundWithoutSkills, top), !opportunityGroupUnbounded[g],
                    !grouped.holdsAny(gc, of: opportunityGroupSkills, at: g * words) { continue }
            }
            for i in opportunityGroups.members(visit.group) {
                let o = opportunityGroups.flat[i]
                if let f = grouped.pairFilters(gc, i) {
                    failure = min(failure ?? f, f)
                } else if let refused, refused.contains(o) {
                    failure = min(failure ?? .declinedBefore, .declinedBefore)
                } else {
                    let s = Int32(grouped.score(gc, i, level: visit.level, sameRegion: visit.sameRegion))
                    scored += 1
                    if s >= minimum { top.insert(score: s, index: o) } else { failure = min(failure ?? .lowScore, .lowScore) }
                }
            }
        }
        guard top.isEmpty else { return nil }
        return anyOpen ? failure ?? .region : .noOpenOpportunity
    }

    /// Opportunity `o`'s best k admissible candidates in `top`; for each of its shares, the best of
    /// the group (as many as the share's minimum places, at least k) and how many are admissible;
    /// for each share with a maximum, also the best outside the group (as many as the places, at
    /// least k), who take the places the maximum keeps from the group.
    private func bestCandidates(of o: Int, order: [Visit], into top: inout TopK, scored: inout Int) -> (quotaTops: [[(Int32, Int32)]], admissible: [Int]) {
        top.removeAll()
        let shares = rules[o]
        let places = request.opportunities[o].placesLeft
        var quotaTops = shares.map { TopK(max(k, $0.minimumPlaces(of: places))) }
        let capped = shares.indices.filter { shares[$0].maximum != nil }
        var outsideTops = capped.map { _ in TopK(max(k, places)) }
        var admissible = [Int](repeating: 0, count: shares.count)
        let prune = !exhaustive && shares.isEmpty
        let go = Int(groupedOpportunity[o])
        let words = grouped.skillWords, bounded = !scorer.skillsUnbounded(o)
        for visit in order {
            if prune {
                if below(visit.bound, top) { break }
                // A group none of whose members holds a skill this job or internship requires.
                if bounded, below(visit.boundWithoutSkills, top),
                    !grouped.requiresAny(go, of: candidateGroupSkills, at: Int(visit.group) * words) { continue }
            }
            for i in candidateGroups.members(visit.group) {
                let c = candidateGroups.flat[i], ci = Int(c)
                guard grouped.pairFilters(i, go) == nil, declined[ci]?.contains(Int32(o)) != true else { continue }
                let s = Int32(grouped.score(i, go, level: visit.level, sameRegion: visit.sameRegion))
                scored += 1
                guard s >= minimum else { continue }
                top.insert(score: s, index: c)
                for (r, rule) in shares.enumerated() where rule.group.contains(request.candidates[ci].group) {
                    quotaTops[r].insert(score: s, index: c)
                    admissible[r] += 1
                }
                for (i, r) in capped.enumerated() where !shares[r].group.contains(request.candidates[ci].group) {
                    outsideTops[i].insert(score: s, index: c)
                }
            }
        }
        return (quotaTops.map { $0.sorted() } + outsideTops.map { $0.sorted() }, admissible)
    }
}

/// Entities (opportunities or candidates) grouped by region, occupation code, ISCO major group and
/// whether they relocate; with the groups of each region and of each major group.
struct Groups {
    struct Key: Hashable {
        var region: Int
        var isco: Int
        var major: Int
        var relocates: Bool
    }

    private(set) var keys: [Key] = []
    /// The members of every group, group after group: group g's are `flat[start[g] ..< start[g + 1]]`
    /// (one array, so that the search loops retain nothing per group).
    let flat: [Int32]
    let start: [Int]
    /// Group indices per region (slot 0: no region) and per major group (slot 0: none).
    private var byRegion: [[Int32]]
    private var byMajor: [[Int32]]

    init(_ entityKeys: [Key], members entities: [Int]) {
        byRegion = [[Int32]](repeating: [], count: Schema.regions.count + 1)
        byMajor = [[Int32]](repeating: [], count: 11)
        var index: [Key: Int] = [:]
        var groupOf: [Int32] = []
        groupOf.reserveCapacity(entities.count)
        var sizes: [Int] = []
        for key in entityKeys {
            let g: Int
            if let known = index[key] { g = known } else {
                g = keys.count
                index[key] = g
                keys.append(key)
                sizes.append(0)
                byRegion[key.region + 1].append(Int32(g))
                byMajor[key.major + 1].append(Int32(g))
            }
            groupOf.append(Int32(g))
            sizes[g] += 1
        }
        var start = [Int](repeating: 0, count: sizes.count + 1)
        for g in sizes.indices { start[g + 1] = start[g] + sizes[g] }
        var next = start, flat = [Int32](repeating: 0, count: entities.count)
        for (entity, g) in zip(entities, groupOf) {
            flat[next[Int(g)]] = Int32(entity)
            next[Int(g)] += 1
        }
        self.flat = flat
        self.start = start
    }

    func members(_ g: Int32) -> Range<Int> { start[Int(g)]..<start[Int(g) + 1] }

    func inRegion(_ region: Int) -> [Int32] { byRegion[region + 1] }
    func inMajor(_ major: Int) -> [Int32] { byMajor[major + 1] }
}
