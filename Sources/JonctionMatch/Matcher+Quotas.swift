import Jonction

/// Shares and priorities as exact constraints of the assignment (protocol.md §2.5).
///
/// **Minimum shares per opportunity only** (the common case) keep the model a capacitated
/// assignment, so the fast exact solver runs (`solveBySplitting`). An opportunity with minimum
/// shares is split into places of its own: for each share, `⌈share × places⌉` **reserved** places
/// that only candidates of the share's group can take, and the rest, open to all. Every admissible
/// arc of a candidate goes to the open places, and, if the candidate is of a share's group, to that
/// share's reserved places too, with a bonus B added to its weight. B is larger than any difference
/// between two assignments' totals (the largest weight times the number of candidates or places,
/// plus one), so the optimum first fills as many reserved places as possible, then maximises the
/// total. An assignment meets every share exactly when it fills every reserved place, and the two
/// problems have the same assignments with the same totals: the optimum under the shares is the
/// split problem's optimum.
///
/// **Maximum shares, and shares of the whole round's places**, do not fit an assignment: they are
/// solved as a min-cost flow (`solveByFlow`, `MinCostFlow`) on this network —
///
///     source → [whole-round share node] → candidate → [opportunity share node] → opportunity → sink
///
/// with an arc source → sink for the candidates left unplaced. A share of one dimension (origin, or
/// sex: the groups do not overlap) has a node through which all its group's candidates pass, from the
/// source (whole round) or to the opportunity; that node's arc carries between the share's minimum
/// and maximum places. Shares of both dimensions in one scope have minimums only (the configuration
/// refuses a maximum there); a candidate then reaches the next node directly or through one share's
/// node, so she counts for one share only, as in the split model. The constraint matrix is that of a
/// network, so the flow's optimum is integral: an assignment, exact under the shares.
///
/// In both models a share that cannot be met (too few admissible candidates of its group, or they are
/// needed by other shares) is lowered to what can be met: a first solve fills as many of the
/// minimums' places as possible (the split model with its bonus; the flow with a cost of −1 per
/// place filled and no score), each share keeps what it filled, and a second solve gives the exact
/// optimum under these lowered shares, which the report names.
///
/// A priority multiplies the weights of its group's arcs in the objective (a candidate takes the
/// largest weight among its groups); the scores and the score cards do not change.
extension Matcher {
    /// The result of `solveWithQuotas`: the indexes in `arcs` of the chosen arcs and, per share (per
    /// opportunity in order, then the whole round's), the places its minimum could reserve within the
    /// scope's places (`initial`) and those it kept (`reserved`, met in the final solve).
    public struct QuotaSolution: Sendable, Equatable {
        public var chosen: [Int]
        public var initial: [[Int]]
        public var reserved: [[Int]]
        public var wholeRoundInitial: [Int] = []
        public var wholeRoundReserved: [Int] = []
    }

    /// Places each share's minimum can reserve within `places`, in order: the minimum's places, within
    /// what the shares before it left.
    public static func reservable(_ shares: [MatchQuotas.Share], places: Int) -> [Int] {
        var left = places
        return shares.map { share in
            let n = min(left, share.minimumPlaces(of: places))
            left -= n
            return n
        }
    }

    /// The assignment of `arcs` (candidate, opportunity, score) maximising the weighted total under the
    /// shares `rules` (per opportunity, in order) and `quotas.wholeRound` — see above.
    public static func solveWithQuotas(candidates groups: [MatchGroup], capacities: [Int32], arcs: [(c: Int32, o: Int32, s: Int32)],
                                       rules: [[MatchQuotas.Share]], quotas: MatchQuotas) -> QuotaSolution {
        let initial = rules.enumerated().map { reservable($1, places: Int(capacities[$0])) }
        let places = capacities.reduce(0) { $0 + Int($1) }
        let wholeInitial = reservable(quotas.wholeRound, places: places)
        guard !arcs.isEmpty else {
            return QuotaSolution(chosen: [], initial: initial, reserved: initial.map { $0.map { _ in 0 } },
                                 wholeRoundInitial: wholeInitial, wholeRoundReserved: wholeInitial.map { _ in 0 })
        }
        if !quotas.wholeRound.isEmpty || rules.contains(where: { $0.contains { $0.maximum != nil } }) {
            return solveByFlow(groups: groups, capacities: capacities, arcs: arcs, rules: rules, quotas: quotas,
                               initial: initial, wholeInitial: wholeInitial)
        }
        let split = solveBySplitting(groups: groups, capacities: capacities, arcs: arcs, rules: rules, quotas: quotas, initial: initial)
        return QuotaSolution(chosen: split.chosen, initial: initial, reserved: split.reserved)
    }

    /// Minimum shares per opportunity as a capacitated assignment (see above).
    static func solveBySplitting(groups: [MatchGroup], capacities: [Int32], arcs: [(c: Int32, o: Int32, s: Int32)],
                                         rules: [[MatchQuotas.Share]], quotas: MatchQuotas, initial: [[Int]]) -> (chosen: [Int], reserved: [[Int]]) {
        let weightOf = groups.map { Int32(quotas.weight(of: $0)) }
        let maxWeight = Int(weightOf.max() ?? 1) * 100
        let places = capacities.reduce(0) { $0 + Int($1) }
        let bonus = Int32(min(Int(AssignmentProblem.quotaScoreLimit) - maxWeight, maxWeight * min(groups.count, places) + 1))
        var reserved = initial
        // Members of each (opportunity, share) group, per arc: computed once.
        let memberOf: [[Int]] = arcs.map { a in
            rules[Int(a.o)].indices.filter { rules[Int(a.o)][$0].group.contains(groups[Int(a.c)]) }
        }

        func solve(_ reserved: [[Int]]) -> (chosen: [Int], filled: [[Int]]) {
            // Places: per opportunity, the open places, then one set per share with reserved places.
            var openIndex = [Int32](repeating: 0, count: capacities.count)
            var reservedIndex = reserved.map { [Int32](repeating: -1, count: $0.count) }
            var objectCapacity: [Int32] = []
            var objectOrigin: [(o: Int, r: Int)] = []
            for o in capacities.indices {
                openIndex[o] = Int32(objectCapacity.count)
                objectCapacity.append(capacities[o] - Int32(reserved[o].reduce(0, +)))
                objectOrigin.append((o, -1))
                for r in reserved[o].indices where reserved[o][r] > 0 {
                    reservedIndex[o][r] = Int32(objectCapacity.count)
                    objectCapacity.append(Int32(reserved[o][r]))
                    objectOrigin.append((o, r))
                }
            }
            var ac: [Int32] = [], ao: [Int32] = [], aw: [Int32] = [], original: [Int] = []
            ac.reserveCapacity(arcs.count)
            for (i, a) in arcs.enumerated() {
                let w = a.s * weightOf[Int(a.c)]
                ac.append(a.c); ao.append(openIndex[Int(a.o)]); aw.append(w); original.append(i)
                for r in memberOf[i] where reservedIndex[Int(a.o)][r] >= 0 {
                    ac.append(a.c); ao.append(reservedIndex[Int(a.o)][r]); aw.append(w + bonus); original.append(i)
                }
            }
            // In range by construction (indexes from the arcs, weights at most the limit): a failure is a bug.
            let problem = try! AssignmentProblem(candidateCount: groups.count, capacities: objectCapacity,
                                                 arcCandidate: ac, arcOpportunity: ao, arcScore: aw,
                                                 scoreLimit: AssignmentProblem.quotaScoreLimit)
            let assignment = AssignmentSolver.solve(problem)
            var filled = reserved.map { [Int](repeating: 0, count: $0.count) }
            var chosen: [Int] = []
            for a in assignment.arcOf where a >= 0 {
                chosen.append(original[Int(a)])
                let (o, r) = objectOrigin[Int(ao[Int(a)])]
                if r >= 0 { filled[o][r] += 1 }
            }
            return (chosen, filled)
        }

        var result = solve(reserved)
        if result.filled != reserved {
            reserved = result.filled
            result = solve(reserved)
        }
        return (result.chosen, reserved)
    }

    /// Maximum shares and shares of the whole round as a min-cost flow (see above).
    static func solveByFlow(groups: [MatchGroup], capacities: [Int32], arcs: [(c: Int32, o: Int32, s: Int32)],
                                    rules: [[MatchQuotas.Share]], quotas: MatchQuotas,
                                    initial: [[Int]], wholeInitial: [Int]) -> QuotaSolution {
        let weightOf = groups.map { quotas.weight(of: $0) }
        let nC = groups.count, nO = capacities.count
        let places = capacities.reduce(0) { $0 + Int($1) }
        let round = quotas.wholeRound

        /// Whether each candidate belongs to each share of `shares`; and whether the scope's shares are
        /// of one dimension (a candidate in one share at most: it passes through that share's node).
        func oneDimension(_ shares: [MatchQuotas.Share]) -> Bool {
            let origins = shares.filter { if case .origin = $0.group { true } else { false } }.count
            return origins == 0 || origins == shares.count
        }
        let roundSingle = oneDimension(round)
        let opportunitySingle = rules.map(oneDimension)

        /// The network for a first solve (`kept` nil: fill the minimums' places, cost −1 each) or the
        /// final one (each share's node carries at least `kept` places; arcs cost −weight × score).
        /// Returns the network, each arc's network arcs, and each share's minimum arc.
        func network(kept: (opportunity: [[Int]], round: [Int])?) -> (MinCostFlow, arcIDs: [[Int]], shareArcs: [[Int]], roundArcs: [Int]) {
            var net = MinCostFlow(nodes: 2 + nC)
            let source = 0, sink = 1
            net.setSupply(source, nC)
            net.setSupply(sink, -nC)
            net.addArc(from: source, to: sink, upper: nC, cost: 0)

            /// A share's node arc, from `tail` to `head`: in the first solve, its minimum's places at
            /// cost −1 and the rest up to its maximum at 0; in the final one, [kept, maximum] (or exactly
            /// `kept` in a scope of two dimensions). Returns the arc whose flow is the places filled.
            func shareArcs(_ tail: Int, _ head: Int, minimum: Int, maximum: Int?, scopeSize: Int, single: Bool, kept: Int?) -> Int {
                let top = single ? (maximum ?? scopeSize) : minimum
                if let kept {
                    return net.addArc(from: tail, to: head, lower: kept, upper: single ? top : kept, cost: 0)
                }
                let filled = net.addArc(from: tail, to: head, upper: minimum, cost: -1)
                if top > minimum { net.addArc(from: tail, to: head, upper: top - minimum, cost: 0) }
                return filled
            }

            // The whole round's shares, on the source side.
            var roundArcs: [Int] = []
            var entries = [[Int]](repeating: [], count: nC)  // nodes each candidate may be reached from
            for (r, share) in round.enumerated() {
                let node = net.addNode()
                roundArcs.append(shareArcs(source, node, minimum: wholeInitial[r], maximum: share.maximumPlaces(of: places),
                                           scopeSize: nC, single: roundSingle, kept: kept?.round[r]))
                for c in 0..<nC where share.group.contains(groups[c]) { entries[c].append(node) }
            }
            for c in 0..<nC {
                if !roundSingle || entries[c].isEmpty { entries[c].append(source) }
                if entries[c].count == 1 {
                    net.addArc(from: entries[c][0], to: 2 + c, upper: 1, cost: 0)
                } else {
                    // One unit at most into the candidate, whichever way it comes.
                    let gate = net.addNode()
                    for e in entries[c] { net.addArc(from: e, to: gate, upper: 1, cost: 0) }
                    net.addArc(from: gate, to: 2 + c, upper: 1, cost: 0)
                }
            }
            // Opportunities, and their shares' nodes.
            var opportunityNode = [Int](repeating: 0, count: nO)
            var shareNode = rules.map { [Int](repeating: 0, count: $0.count) }
            var shareArcIDs = rules.map { [Int](repeating: -1, count: $0.count) }
            for o in 0..<nO {
                opportunityNode[o] = net.addNode()
                net.addArc(from: opportunityNode[o], to: sink, upper: Int(capacities[o]), cost: 0)
                for (r, share) in rules[o].enumerated() {
                    shareNode[o][r] = net.addNode()
                    shareArcIDs[o][r] = shareArcs(shareNode[o][r], opportunityNode[o], minimum: initial[o][r],
                                                  maximum: share.maximumPlaces(of: Int(capacities[o])), scopeSize: Int(capacities[o]),
                                                  single: opportunitySingle[o], kept: kept?.opportunity[o][r])
                }
            }
            // The candidates' arcs.
            var arcIDs = [[Int]](repeating: [], count: arcs.count)
            for (i, a) in arcs.enumerated() {
                let c = Int(a.c), o = Int(a.o)
                let cost = kept == nil ? 0 : -Int(a.s) * weightOf[c]
                let members = rules[o].indices.filter { rules[o][$0].group.contains(groups[c]) }
                if !opportunitySingle[o] || members.isEmpty {
                    arcIDs[i].append(net.addArc(from: 2 + c, to: opportunityNode[o], upper: 1, cost: cost))
                }
                for r in members {
                    arcIDs[i].append(net.addArc(from: 2 + c, to: shareNode[o][r], upper: 1, cost: cost))
                }
            }
            return (net, arcIDs, shareArcIDs, roundArcs)
        }

        // Built from the arcs and the shares: a flow always exists (every candidate may stay unplaced,
        // and the final solve's lower bounds are what the first solve carried). A failure is a bug.
        // (Without minimums, nothing to fill: the first solve is skipped.)
        let kept: (opportunity: [[Int]], round: [Int])
        if initial.allSatisfy({ $0.allSatisfy { $0 == 0 } }) && wholeInitial.allSatisfy({ $0 == 0 }) {
            kept = (initial, wholeInitial)
        } else {
            let first = network(kept: nil)
            let filling = first.0.solve()!
            kept = (first.shareArcs.map { $0.map { filling.flow[$0] } }, first.roundArcs.map { filling.flow[$0] })
        }
        let final = network(kept: kept)
        let solution = final.0.solve()!
        let chosen = arcs.indices.filter { i in final.arcIDs[i].contains { solution.flow[$0] > 0 } }
        return QuotaSolution(chosen: chosen, initial: initial, reserved: kept.opportunity,
                             wholeRoundInitial: wholeInitial, wholeRoundReserved: kept.round)
    }
}

/// What became of one share in a round.
public struct QuotaOutcome: Sendable, Equatable {
    /// The opportunity whose places the share counts; nil for a share of the whole round.
    public var opportunity: MatchOpportunity?
    /// The scope's places: the opportunity's places left, or all the round's.
    public var places: Int
    public var group: MatchQuotas.Group
    /// The share's bounds in % (minimum 0: none; maximum nil: none).
    public var percent: Int
    public var maximum: Int? = nil
    /// Places the minimum asks for: its share of the places, rounded up (never above the maximum).
    public var wanted: Int
    /// Places the group may have at most (the maximum's share, rounded down), if the share has one.
    public var atMost: Int? = nil
    /// Places the scope could reserve for the minimum (fewer than `wanted` when the shares before it
    /// took them), and those kept in the final solve (what the first solve filled).
    public var reservable: Int
    public var reserved: Int
    /// Candidates of the group proposed in the scope, on reserved or open places.
    public var proposed: Int
    /// Candidates of the group admissible in the scope (filters passed, score at least the minimum).
    public var admissible: Int

    /// Whether the minimum is met; a maximum always is, being a constraint the solver never breaks.
    public var isMet: Bool { proposed >= wanted }

    /// Why a share was not met.
    public enum Shortfall: String, Sendable, Equatable {
        /// Fewer admissible candidates of the group than the places it asks for.
        case notEnoughAdmissible = "not_enough_admissible"
        /// Enough admissible candidates, but they are needed by other reserved places.
        case neededElsewhere = "needed_elsewhere"
        /// The scope's places are all reserved by the shares listed before this one.
        case notEnoughPlaces = "not_enough_places"
    }

    public var shortfall: Shortfall? {
        guard !isMet else { return nil }
        if admissible < wanted { return .notEnoughAdmissible }
        if reservable < wanted { return .notEnoughPlaces }
        return .neededElsewhere
    }

    /// One line of the round's report.
    public func message(_ lang: Lang) -> String {
        let scope: String
        if let opportunity {
            scope = lang.pick("\(opportunity.id) « \(opportunity.title ?? "") »", "\(opportunity.id) “\(opportunity.title ?? "")”")
        } else {
            scope = lang.pick("Tout le tour", "Whole round")
        }
        let label = group.label(lang)
        var bounds: [String] = []
        if percent > 0 {
            bounds.append(lang.pick("au moins \(percent) % des places pour les \(label), soit \(wanted) sur \(places)",
                                    "at least \(percent) % of places for \(label), that is \(wanted) of \(places)"))
        }
        if let maximum, let atMost {
            let what = percent > 0 ? "" : lang.pick(" des places pour les \(label)", " of places for \(label)")
            bounds.append(lang.pick("au plus \(maximum) %\(what), soit \(atMost) sur \(places)", "at most \(maximum) %\(what), that is \(atMost) of \(places)"))
        }
        let head = scope + " : " + bounds.joined(separator: lang.pick(" et ", " and "))
        switch shortfall {
        case nil:
            if percent == 0 { return head + lang.pick(" : respectée (\(proposed) proposé(s)).", ": kept (\(proposed) proposed).") }
            return head + lang.pick(" : atteinte (\(proposed) proposé(s)).", ": met (\(proposed) proposed).")
        case .notEnoughAdmissible?:
            return head + lang.pick(
                " : non atteinte, \(proposed) proposé(s) — seulement \(admissible) candidat(s) admissible(s) de ce groupe (filtres et score minimum) ; les places non réservées vont aux autres.",
                ": not met, \(proposed) proposed — only \(admissible) admissible candidate(s) of this group (filters and minimum score); the places not kept go to the others.")
        case .neededElsewhere?:
            return head + lang.pick(
                " : non atteinte, \(proposed) proposé(s) — \(admissible) candidat(s) admissible(s) de ce groupe, mais les placer ici laisserait vide une place réservée ailleurs ou dépasserait une part maximale.",
                ": not met, \(proposed) proposed — \(admissible) admissible candidate(s) of this group, but placing them here would leave a reserved place empty elsewhere or exceed a maximum share.")
        case .notEnoughPlaces?:
            return head + lang.pick(
                " : non atteinte, \(proposed) proposé(s) — les parts précédentes réservent déjà les places.",
                ": not met, \(proposed) proposed — the shares before it already reserve the places.")
        }
    }
}
