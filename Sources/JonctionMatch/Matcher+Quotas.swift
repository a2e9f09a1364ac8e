import Jonction

/// Minimum shares and priorities as exact constraints of the assignment (protocol.md §2.5).
///
/// The model stays a capacitated assignment, so the same exact solver runs. An opportunity with
/// minimum shares is split into places of its own: for each share, `⌈share × places⌉` **reserved**
/// places that only candidates of the share's group can take, and the rest, open to all. Every
/// admissible arc of a candidate goes to the open places, and, if the candidate is of a share's
/// group, to that share's reserved places too, with a bonus B added to its weight. B is larger
/// than any difference between two assignments' totals (the largest weight times the number of
/// candidates or places, plus one), so the optimum first fills as many reserved places as possible,
/// then maximises the total. An assignment meets every share exactly when it fills every reserved
/// place, and the two problems have the same assignments with the same totals: the optimum under
/// the shares is the split problem's optimum.
///
/// A share that cannot be met (too few admissible candidates of its group, or they are needed by
/// other reserved places) leaves reserved places empty in that first solve. Those places are then
/// given back to everyone: each share keeps as many reserved places as the first solve filled,
/// and a second solve gives the exact optimum under these lowered shares, which the report names.
///
/// A priority multiplies the weights of its group's arcs in the objective (a candidate takes the
/// largest weight among its groups); the scores and the score cards do not change. Shares on both
/// dimensions (origin and sex) reserve distinct places: a candidate in two groups fills one of
/// them only, a stricter model than counting her in both.
extension Matcher {
    /// The assignment of `arcs` (candidate, opportunity, score) maximising the weighted total under
    /// the minimum shares `rules` (per opportunity, in order) — see above. Returns the indexes in
    /// `arcs` of the chosen arcs, the places each share could reserve (`initial`) and those it kept.
    public static func solveWithQuotas(candidates groups: [MatchGroup], capacities: [Int32], arcs: [(c: Int32, o: Int32, s: Int32)],
                                rules: [[MatchQuotas.Minimum]], quotas: MatchQuotas) -> (chosen: [Int], initial: [[Int]], reserved: [[Int]]) {
        let weightOf = groups.map { Int32(quotas.weight(of: $0)) }
        let maxWeight = Int(weightOf.max() ?? 1) * 100
        let places = capacities.reduce(0) { $0 + Int($1) }
        let bonus = Int32(min(Int(AssignmentProblem.quotaScoreLimit) - maxWeight, maxWeight * min(groups.count, places) + 1))
        // Reserved places, share by share in their order, within the opportunity's places.
        var reserved = rules.enumerated().map { o, list in
            var left = Int(capacities[o])
            return list.map { rule in
                let n = min(left, rule.places(of: Int(capacities[o])))
                left -= n
                return n
            }
        }
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

        let initial = reserved
        guard !arcs.isEmpty else { return ([], initial, reserved.map { $0.map { _ in 0 } }) }
        var result = solve(reserved)
        if result.filled != reserved {
            reserved = result.filled
            result = solve(reserved)
        }
        return (result.chosen, initial, reserved)
    }
}

/// What became of one minimum share in a round.
public struct QuotaOutcome: Sendable, Equatable {
    public var opportunity: MatchOpportunity
    public var group: MatchQuotas.Group
    public var percent: Int
    /// Places the share asks for: the share of the places left, rounded up.
    public var wanted: Int
    /// Places the opportunity could reserve for the share (fewer than `wanted` when the shares
    /// before it took them), and those kept in the final solve (what the first solve filled).
    public var reservable: Int
    public var reserved: Int
    /// Candidates of the group proposed to the opportunity, on reserved or open places.
    public var proposed: Int
    /// Candidates of the group admissible for the opportunity (filters passed, score at least the minimum).
    public var admissible: Int

    public var isMet: Bool { proposed >= wanted }

    /// Why a share was not met.
    public enum Shortfall: String, Sendable, Equatable {
        /// Fewer admissible candidates of the group than the places it asks for.
        case notEnoughAdmissible = "not_enough_admissible"
        /// Enough admissible candidates, but they are needed by other reserved places.
        case neededElsewhere = "needed_elsewhere"
        /// The opportunity's places are all reserved by the shares listed before this one.
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
        let name = "\(opportunity.id) « \(opportunity.title ?? "") »"
        let head = lang.pick(
            "\(name) : au moins \(percent) % des places pour les \(group.label(lang)), soit \(wanted) sur \(opportunity.placesLeft)",
            "\(opportunity.id) “\(opportunity.title ?? "")”: at least \(percent) % of places for \(group.label(lang)), that is \(wanted) of \(opportunity.placesLeft)")
        switch shortfall {
        case nil:
            return head + lang.pick(" : atteinte (\(proposed) proposé(s)).", ": met (\(proposed) proposed).")
        case .notEnoughAdmissible?:
            return head + lang.pick(
                " : non atteinte, \(proposed) proposé(s) — seulement \(admissible) candidat(s) admissible(s) de ce groupe (filtres et score minimum) ; les places non réservées vont aux autres.",
                ": not met, \(proposed) proposed — only \(admissible) admissible candidate(s) of this group (filters and minimum score); the places not kept go to the others.")
        case .neededElsewhere?:
            return head + lang.pick(
                " : non atteinte, \(proposed) proposé(s) — \(admissible) candidat(s) admissible(s) de ce groupe, mais les placer ici laisserait vide une place réservée ailleurs.",
                ": not met, \(proposed) proposed — \(admissible) admissible candidate(s) of this group, but placing them here would leave a reserved place empty elsewhere.")
        case .notEnoughPlaces?:
            return head + lang.pick(
                " : non atteinte, \(proposed) proposé(s) — les parts précédentes réservent déjà les places de l’opportunité.",
                ": not met, \(proposed) proposed — the shares before it already reserve the opportunity's places.")
        }
    }
}
