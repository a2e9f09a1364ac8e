/// The programme's figures, counted from a replica's records without reading anyone's identity:
/// people registered, trained, placed and withdrawn per region, sex, origin status, age band and
/// month of registration; placements per kind of opportunity; proposals by answer; the skills
/// most lacking. Pure: the same records give the same figures (the web dashboard and reports).
///
/// A person is counted once, under their current status: « formé(e) » counts those trained or
/// placed since (a placed person was trained first, or placed directly), « placé(e) » those placed.
public struct ProgrammeFigures: Sendable, Equatable {
    /// Counts of people along one dimension, in a fixed order of keys.
    public struct Breakdown: Sendable, Equatable {
        public struct Row: Sendable, Equatable {
            public var key: String
            public var registered = 0
            public var trained = 0
            public var placed = 0
            public var withdrawn = 0
        }

        public var rows: [Row] = []

        mutating func count(_ key: String, status: String?) {
            let index: Int
            if let found = rows.firstIndex(where: { $0.key == key }) {
                index = found
            } else {
                rows.append(Row(key: key))
                index = rows.count - 1
            }
            rows[index].registered += 1
            switch status {
            case "trained": rows[index].trained += 1
            case "placed": rows[index].trained += 1; rows[index].placed += 1
            case "withdrawn": rows[index].withdrawn += 1
            default: break
            }
        }
    }

    public struct SkillGap: Sendable, Equatable {
        public var skill: String
        /// Places asked for by open opportunities requiring the skill.
        public var demand: Int
        /// Available people (registered or trained) who have it.
        public var supply: Int
        public var gap: Int { demand - supply }
    }

    /// Proposals of one kind of opportunity (or all), by answer.
    public struct ProposalRow: Sendable, Equatable {
        public var key: String
        public var made = 0
        public var accepted = 0
        public var declined = 0
        public var expired = 0
        /// Still awaiting an answer.
        public var pending: Int { made - accepted - declined - expired }

        public init(key: String) { self.key = key }
    }

    /// Placements that started in a month, and all placements up to that month (every round together).
    public struct PlacementMonth: Sendable, Equatable {
        public var month: String
        public var count: Int
        public var cumulative: Int
    }

    public var total = Breakdown.Row(key: "")
    public var byRegion = Breakdown()
    public var bySex = Breakdown()
    public var byOrigin = Breakdown()
    public var byAgeBand = Breakdown()
    /// By month of registration (`YYYY-MM`, from the record's first change), oldest first.
    public var byMonth = Breakdown()
    /// Placements per kind of opportunity (`job`, `training`, `internship`, or `?`).
    public var placementsByKind: [(kind: String, count: Int)] = []
    /// Proposals per status (`proposed`, `accepted`, `declined`, `expired`).
    public var proposals: [(status: String, count: Int)] = []
    /// Placements, all rounds together.
    public var placements = 0
    /// The skills most lacking: open demand minus available supply, largest gap first (at most 10).
    public var skillsLacking: [SkillGap] = []
    /// Proposals per kind of opportunity, by answer (`job`, `training`, `internship`, `?`), then all of them (key "").
    public var proposalsByKind: [ProposalRow] = []
    /// Placements per month they started (`YYYY-MM`, `?` when no date), with the running total.
    public var placementsByMonth: [PlacementMonth] = []

    public static func == (a: ProgrammeFigures, b: ProgrammeFigures) -> Bool {
        a.total == b.total && a.byRegion == b.byRegion && a.bySex == b.bySex && a.byOrigin == b.byOrigin
            && a.byAgeBand == b.byAgeBand && a.byMonth == b.byMonth && a.placements == b.placements
            && a.placementsByKind.map(\.kind) == b.placementsByKind.map(\.kind)
            && a.placementsByKind.map(\.count) == b.placementsByKind.map(\.count)
            && a.proposals.map(\.status) == b.proposals.map(\.status) && a.proposals.map(\.count) == b.proposals.map(\.count)
            && a.skillsLacking == b.skillsLacking && a.proposalsByKind == b.proposalsByKind
            && a.placementsByMonth == b.placementsByMonth
    }

    /// Age bands of the programme's reports, by age reached in `year`.
    public static func ageBand(birthYear: Int64?, in year: Int) -> String {
        guard let birthYear else { return "?" }
        switch year - Int(birthYear) {
        case ..<18: return "<18"
        case 18...24: return "18-24"
        case 25...35: return "25-35"
        case 36...50: return "36-50"
        default: return "50+"
        }
    }

    /// Counts `records`, people registered between `from` and `to` (inclusive) when given: days
    /// `YYYY-MM-DD` or months `YYYY-MM`; ages as reached in `year`.
    public init(_ records: RecordSet, year: Int, from: String? = nil, to: String? = nil) {
        let c = Schema.V1.candidate, o = Schema.V1.opportunity, p = Schema.V1.proposal, pl = Schema.V1.placement
        func live(_ table: String) -> [(String, RecordState)] {
            (records.tables[table] ?? [:]).filter { !$0.value.isDeleted }.sorted { $0.key < $1.key }
        }
        var people: Set<String> = []
        var available: [String: Int] = [:]
        for (id, state) in live(c.table) {
            let v = state.values
            let day = state.stamps.compactMap { $0?.hlc }.min().map { String(HLC.iso8601(millis: $0.millis).prefix(10)) } ?? "?"
            let month = day == "?" ? "?" : String(day.prefix(7))
            if let from, (from.count == 7 ? month : day) < from { continue }
            if let to, (to.count == 7 ? month : day) > to { continue }
            people.insert(id)
            let status = v[c.status.position].text
            total.count(status: status)
            byRegion.count(v[c.region.position].text ?? "?", status: status)
            bySex.count(v[c.sex.position].text ?? "?", status: status)
            byOrigin.count(v[c.originStatus.position].text ?? "?", status: status)
            byAgeBand.count(ProgrammeFigures.ageBand(birthYear: v[c.birthYear.position].integer, in: year), status: status)
            byMonth.count(month, status: status)
            if status == nil || status == "registered" || status == "trained" {
                for skill in Field.listItems(v[c.skills.position]) { available[String(skill), default: 0] += 1 }
            }
        }
        byRegion.rows.sort { ($0.key == "?" ? 1 : 0, Schema.regions.firstIndex(of: $0.key) ?? 99) < ($1.key == "?" ? 1 : 0, Schema.regions.firstIndex(of: $1.key) ?? 99) }
        bySex.rows.sort { $0.key < $1.key }
        byOrigin.rows.sort { $0.key < $1.key }
        let bands = ["<18", "18-24", "25-35", "36-50", "50+", "?"]
        byAgeBand.rows.sort { bands.firstIndex(of: $0.key)! < bands.firstIndex(of: $1.key)! }
        byMonth.rows.sort { $0.key < $1.key }

        let opportunities = Dictionary(uniqueKeysWithValues: live(o.table))
        var kinds: [String: Int] = [:]
        var started: [String: Int] = [:]
        for (_, state) in live(pl.table) {
            guard let candidate = state.values[pl.candidateID.position].text, people.contains(candidate) else { continue }
            placements += 1
            let opportunity = state.values[pl.opportunityID.position].text.flatMap { opportunities[$0] }
            kinds[opportunity?.values[o.kind.position].text ?? "?", default: 0] += 1
            started[state.values[pl.startedOn.position].text.map { String($0.prefix(7)) } ?? "?", default: 0] += 1
        }
        var running = 0
        placementsByMonth = started.keys.sorted { ($0 == "?" ? 0 : 1, $0) < ($1 == "?" ? 0 : 1, $1) }.map { month in
            running += started[month]!
            return PlacementMonth(month: month, count: started[month]!, cumulative: running)
        }
        placementsByKind = ["job", "training", "internship", "?"].compactMap { k in kinds[k].map { (k, $0) } }
        var statuses: [String: Int] = [:]
        var byKind: [String: ProposalRow] = [:]
        var allKinds = ProposalRow(key: "")
        for (_, state) in live(p.table) {
            guard let candidate = state.values[p.candidateID.position].text, people.contains(candidate) else { continue }
            let status = state.values[p.status.position].text ?? "?"
            statuses[status, default: 0] += 1
            let kind = state.values[p.opportunityID.position].text.flatMap { opportunities[$0]?.values[o.kind.position].text } ?? "?"
            var row = byKind[kind] ?? ProposalRow(key: kind)
            for index in [0, 1] {
                var r = index == 0 ? row : allKinds
                r.made += 1
                switch status {
                case "accepted": r.accepted += 1
                case "declined": r.declined += 1
                case "expired": r.expired += 1
                default: break
                }
                if index == 0 { row = r } else { allKinds = r }
            }
            byKind[kind] = row
        }
        proposalsByKind = ["job", "training", "internship", "?"].compactMap { byKind[$0] } + [allKinds]
        proposals = ["proposed", "accepted", "declined", "expired", "?"].compactMap { s in statuses[s].map { (s, $0) } }

        var demand: [String: Int] = [:]
        for (_, state) in opportunities where state.values[o.status.position].text ?? "open" == "open" {
            let places = Int(state.values[o.places.position].integer ?? 1)
            for skill in Field.listItems(state.values[o.skillsRequired.position]) { demand[String(skill), default: 0] += places }
        }
        skillsLacking = demand.map { SkillGap(skill: $0.key, demand: $0.value, supply: available[$0.key] ?? 0) }
            .filter { $0.gap > 0 }
            .sorted { ($0.gap, $1.skill) > ($1.gap, $0.skill) }
            .prefix(10).map { $0 }
    }
}

extension ProgrammeFigures.Breakdown.Row {
    mutating func count(status: String?) {
        registered += 1
        switch status {
        case "trained": trained += 1
        case "placed": trained += 1; placed += 1
        case "withdrawn": withdrawn += 1
        default: break
        }
    }
}
