import Jonction

/// Hard filters and scores (DESIGN §6) over candidates and opportunities encoded once for speed:
/// skills and languages as bit sets, occupations and regions as integers.
struct Scorer: Sendable {
    let weights: ScoringWeights
    let candidates: [MatchCandidate]
    let opportunities: [MatchOpportunity]

    // Encoded forms, index-aligned with the arrays above.
    /// The words of one bit set per skill set (also for the search's bounds, `ArcSearch`).
    let skillWords: Int
    private let languageWords: Int
    // Bit sets, flattened: entity i's words are at [i * words ..< (i + 1) * words].
    private let candidateSkills: [UInt64]
    private let candidateLanguages: [UInt64]
    private let opportunitySkills: [UInt64]
    private let opportunityLanguages: [UInt64]
    /// The skills each training teaches (empty sets for other kinds).
    private let opportunityTaught: [UInt64]
    private let opportunityScoring: [OpportunityKindScoring]
    private let candidatePlacedBefore: [Bool]
    let candidateISCO: [Int]
    let opportunityISCO: [Int]
    let candidateRegion: [Int]
    let opportunityRegion: [Int]
    private let candidateRelocates: [Bool]
    private let candidateEducation: [Int]  // -1 unknown
    private let candidateAvailableFrom: [Int]  // YYYYMMDD, 0 unknown
    private let opportunityMinEducation: [Int]  // -1 none
    private let opportunityStart: [Int]  // YYYYMMDD, 0 unknown
    private let skillsShare: ShareTable
    /// The skills some opportunity asks for or teaches, by their index in the bit sets.
    let skillNames: [String]
    private let languagesShare: ShareTable

    init(weights: ScoringWeights, candidates: [MatchCandidate], opportunities: [MatchOpportunity]) {
        self.weights = weights
        self.candidates = candidates
        self.opportunities = opportunities
        skillsShare = ShareTable(weight: weights.skills)
        languagesShare = ShareTable(weight: weights.languages)
        var skillIndex: [String: Int] = [:], languageIndex: [String: Int] = [:]
        for o in opportunities {
            for s in o.skillsRequired + o.teaches where skillIndex[s] == nil { skillIndex[s] = skillIndex.count }
            for l in o.languages where languageIndex[l] == nil { languageIndex[l] = languageIndex.count }
        }
        // Only what some opportunity asks for can score: other items are left out of the bit sets.
        skillNames = skillIndex.sorted { $0.value < $1.value }.map(\.key)
        let sw = max(1, (skillIndex.count + 63) / 64), lw = max(1, (languageIndex.count + 63) / 64)
        skillWords = sw
        languageWords = lw
        // Each entity's bit set at [i * words ..< (i + 1) * words] of one array, filled in place.
        func bits<T>(_ entities: [T], _ index: [String: Int], _ words: Int, _ items: (T) -> [String]) -> [UInt64] {
            var sets = [UInt64](repeating: 0, count: entities.count * words)
            for (e, entity) in entities.enumerated() {
                for item in items(entity) { if let i = index[item] { sets[e * words + (i >> 6)] |= 1 << UInt64(i & 63) } }
            }
            return sets
        }
        candidateSkills = bits(candidates, skillIndex, sw) { $0.skills }
        candidateLanguages = bits(candidates, languageIndex, lw) { $0.languages }
        opportunitySkills = bits(opportunities, skillIndex, sw) { $0.skillsRequired }
        opportunityLanguages = bits(opportunities, languageIndex, lw) { $0.languages }
        opportunityScoring = opportunities.map(\.scoring)
        opportunityTaught = bits(opportunities, skillIndex, sw) { $0.scoring == .training ? $0.teaches : [] }
        candidatePlacedBefore = candidates.map(\.placedBefore)
        candidateISCO = candidates.map { $0.isco.flatMap { Int($0) } ?? -1 }
        opportunityISCO = opportunities.map { $0.isco.flatMap { Int($0) } ?? -1 }
        let regions = Dictionary(uniqueKeysWithValues: Schema.regions.enumerated().map { ($1, $0) })
        candidateRegion = candidates.map { $0.region.flatMap { regions[$0] } ?? -1 }
        opportunityRegion = opportunities.map { $0.region.flatMap { regions[$0] } ?? -1 }
        // YYYYMMDD from the date's digits (0 without a date, or with more digits than a number holds).
        func day(_ date: String?) -> Int {
            var n = 0, digits = 0
            for b in date?.utf8 ?? "".utf8 where b >= 0x30 && b <= 0x39 {
                digits += 1
                if digits > 18 { return 0 }
                n = n * 10 + Int(b - 0x30)
            }
            return n
        }
        candidateRelocates = candidates.map(\.relocate)
        candidateEducation = candidates.map { $0.education ?? -1 }
        candidateAvailableFrom = candidates.map { day($0.availableFrom) }
        opportunityMinEducation = opportunities.map { $0.minEducation ?? -1 }
        opportunityStart = opportunities.map { day($0.startsOn) }
    }

    // MARK: Skill sets for the search's bounds (`ArcSearch`)

    /// Whether opportunity `o`'s skills part can reach its weight whatever the candidate holds: a
    /// training (what it teaches counts for those who lack it) or an opportunity requiring nothing.
    /// Otherwise the part is 0 for a candidate holding none of its required skills.
    func skillsUnbounded(_ o: Int) -> Bool {
        opportunityScoring[o] == .training || !opportunitySkills[o * skillWords ..< (o + 1) * skillWords].contains { $0 != 0 }
    }

    /// Adds opportunity `o`'s required skills to `set` (`skillWords` words).
    func addRequiredSkills(of o: Int, to set: inout [UInt64], at offset: Int) {
        for w in 0..<skillWords { set[offset + w] |= opportunitySkills[o * skillWords + w] }
    }

    /// Adds candidate `c`'s skills to `set`.
    func addSkills(of c: Int, to set: inout [UInt64], at offset: Int) {
        for w in 0..<skillWords { set[offset + w] |= candidateSkills[c * skillWords + w] }
    }

    /// Whether candidate `c` holds a skill of `set` (at `offset`).
    @inline(__always)
    func holdsAny(_ c: Int, of set: [UInt64], at offset: Int) -> Bool {
        for w in 0..<skillWords where candidateSkills[c * skillWords + w] & set[offset + w] != 0 { return true }
        return false
    }

    /// Whether opportunity `o` requires a skill of `set` (at `offset`).
    @inline(__always)
    func requiresAny(_ o: Int, of set: [UInt64], at offset: Int) -> Bool {
        for w in 0..<skillWords where opportunitySkills[o * skillWords + w] & set[offset + w] != 0 { return true }
        return false
    }

    /// The first hard filter a candidate fails on its own, whatever the opportunity.
    func candidateExclusion(_ c: Int) -> Exclusion? {
        let candidate = candidates[c]
        if !candidate.consentToEmployers { return .noConsent }
        if !candidate.available { return .notAvailable }
        return nil
    }

    /// Whether an opportunity can take anyone at all.
    func isOpen(_ o: Int) -> Bool { opportunities[o].open && opportunities[o].placesLeft > 0 }

    /// The first hard filter the pair fails (after the candidate's own), or nil if admissible.
    /// On integers only: it runs for every pair looked at.
    @inline(__always)
    func pairExclusion(_ c: Int, _ o: Int) -> Exclusion? {
        if candidateRegion[c] != opportunityRegion[o] || candidateRegion[c] < 0 {
            if !candidateRelocates[c] { return .region }
        }
        return pairFilters(c, o)
    }

    /// The hard filters of a pair after the region's (which `ArcSearch` has applied by grouping).
    @inline(__always)
    func pairFilters(_ c: Int, _ o: Int) -> Exclusion? {
        let minimum = opportunityMinEducation[o]
        if minimum >= 0, candidateEducation[c] < minimum { return .education }
        let from = candidateAvailableFrom[c], start = opportunityStart[o]
        if from > 0, start > 0, from > start { return .availableTooLate }
        return nil
    }

    /// The occupation proximity: 4 same unit group, 3 minor, 2 sub-major, 1 major, 0 none.
    @inline(__always)
    func occupationLevel(_ a: Int, _ b: Int) -> Int {
        guard a >= 0, b >= 0 else { return 0 }
        if a == b { return 4 }
        if a / 10 == b / 10 { return 3 }
        if a / 100 == b / 100 { return 2 }
        if a / 1000 == b / 1000 { return 1 }
        return 0
    }

    /// The integer score of an admissible pair, 1–100 (the hot path: no allocation). By kind
    /// (protocol.md §2.5): a job counts the required skills the candidate has; a training the
    /// skills it teaches that the candidate lacks (and its prerequisites as a job's skills), its
    /// occupation only as far as it still has something to teach; an internship is a job that
    /// takes `firstJob` points from a candidate placed before.
    func score(_ c: Int, _ o: Int) -> Int {
        score(c, o, level: occupationLevel(candidateISCO[c], opportunityISCO[o]), sameRegion: candidateRegion[c] == opportunityRegion[o])
    }

    /// `score` for a pair whose occupation level and region match are known (`ArcSearch` knows
    /// them for a whole group).
    @inline(__always)
    func score(_ c: Int, _ o: Int, level: Int, sameRegion: Bool) -> Int {
        let parts = criteria(c, o, level: level, sameRegion: sameRegion)
        return max(1, min(100, parts.occupation + parts.skills + parts.languages + weights.education + parts.location - parts.firstJob))
    }

    /// The criteria of `score`, each on its own.
    @inline(__always)
    private func criteria(_ c: Int, _ o: Int, level: Int, sameRegion: Bool)
        -> (occupation: Int, skills: Int, languages: Int, location: Int, firstJob: Int) {
        var occupation = weights.occupation * level / 4
        var skills = fraction(candidateSkills, c, opportunitySkills, o, skillWords, skillsShare)
        var firstJob = 0
        switch opportunityScoring[o] {
        case .job:
            break
        case .training:
            let (lacking, taught) = lacks(c, o)
            occupation = weights.occupation * level * lacking / (4 * taught)
            let (held, required) = counts(candidateSkills, c, opportunitySkills, o, skillWords)
            skills = required == 0 ? weights.skills * lacking / taught
                : weights.skills * (lacking * required + held * taught) / (2 * taught * required)
        case .internship:
            if candidatePlacedBefore[c] { firstJob = weights.firstJob }
        }
        let languages = fraction(candidateLanguages, c, opportunityLanguages, o, languageWords, languagesShare)
        let location = sameRegion ? weights.location : weights.location / 3
        return (occupation, skills, languages, location, firstJob)
    }

    /// The skills training `o` teaches that candidate `c` lacks, and how many it teaches (at least 1).
    @inline(__always)
    private func lacks(_ c: Int, _ o: Int) -> (lacking: Int, taught: Int) {
        var lacking = 0, taught = 0
        let h = c * skillWords, t = o * skillWords
        for w in 0..<skillWords {
            taught += opportunityTaught[t + w].nonzeroBitCount
            lacking += (opportunityTaught[t + w] & ~candidateSkills[h + w]).nonzeroBitCount
        }
        return (lacking, max(1, taught))
    }

    /// Items of opportunity `o`'s set that candidate `c` has, and items in the set.
    @inline(__always)
    private func counts(_ have: [UInt64], _ c: Int, _ required: [UInt64], _ o: Int, _ words: Int) -> (shared: Int, needed: Int) {
        var shared = 0, needed = 0
        let h = c * words, r = o * words
        for w in 0..<words {
            needed += required[r + w].nonzeroBitCount
            shared += (have[h + w] & required[r + w]).nonzeroBitCount
        }
        return (shared, needed)
    }

    /// Calls `body` with the index (in `skillNames`) of each skill opportunity `o` requires and
    /// candidate `c` lacks.
    @inline(__always)
    func forEachMissingSkill(_ c: Int, _ o: Int, _ body: (Int) -> Void) {
        for w in 0..<skillWords {
            var bits = opportunitySkills[o * skillWords + w] & ~candidateSkills[c * skillWords + w]
            while bits != 0 {
                body(w << 6 | bits.trailingZeroBitCount)
                bits &= bits - 1
            }
        }
    }

    /// `weight` × (items of opportunity `o`'s set the candidate `c` has) / (items in it); full
    /// weight if the set is empty.
    @inline(__always)
    private func fraction(_ have: [UInt64], _ c: Int, _ required: [UInt64], _ o: Int, _ words: Int, _ table: ShareTable) -> Int {
        var shared = 0, needed = 0
        let h = c * words, r = o * words
        for w in 0..<words {
            needed += required[r + w].nonzeroBitCount
            shared += (have[h + w] & required[r + w]).nonzeroBitCount
        }
        return table.share(shared, of: needed)
    }

    /// `weight × shared / needed` (full weight when nothing is needed), read from a table for sets
    /// of up to 64 items: the scoring loop divides no integer.
    struct ShareTable: Sendable {
        let weight: Int
        private let table: [Int32]

        init(weight: Int) {
            self.weight = weight
            table = (0..<65 * 65).map { i in
                let needed = i / 65, shared = i % 65
                return Int32(needed == 0 ? weight : weight * min(shared, needed) / needed)
            }
        }

        @inline(__always)
        func share(_ shared: Int, of needed: Int) -> Int {
            needed < 65 ? Int(table[needed &* 65 &+ shared]) : weight * shared / needed
        }
    }

    /// The score card of a pair: the same score, with the facts a counsellor reads.
    func card(_ c: Int, _ o: Int) -> ScoreCard {
        let candidate = candidates[c], opportunity = opportunities[o]
        let level = occupationLevel(candidateISCO[c], opportunityISCO[o])
        let has = Set(candidate.skills), speaks = Set(candidate.languages)
        let matched = opportunity.skillsRequired.filter { has.contains($0) }
        let missing = opportunity.skillsRequired.filter { !has.contains($0) }
        let shared = opportunity.languages.filter { speaks.contains($0) }
        let same = candidateRegion[c] == opportunityRegion[o]
        let parts = criteria(c, o, level: level, sameRegion: same)
        let kind = opportunityScoring[o]
        let taught = kind == .training ? opportunity.teaches : []
        return ScoreCard(
            occupation: parts.occupation, skills: parts.skills, languages: parts.languages,
            education: weights.education, location: parts.location,
            occupationLevel: level, skillsMatched: matched, skillsMissing: missing, languagesShared: shared,
            sameRegion: same, kind: kind, skillsToLearn: taught.filter { !has.contains($0) },
            skillsAlreadyTaught: taught.filter { has.contains($0) },
            placedBefore: kind == .internship && candidate.placedBefore, firstJob: parts.firstJob)
    }
}
