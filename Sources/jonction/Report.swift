import ArgumentParser
import Foundation
import Jonction
import JonctionHub
import JonctionSheets
import JonctionStore

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Les chiffres du programme : inscrits, formés, placés, sortis ; propositions ; placements ; compétences qui manquent.",
        discussion: """
            Lecture seule : le réplica n’est pas modifié. Les personnes sont comptées une fois, sous leur \
            étape actuelle, par région, sexe, situation, tranche d’âge et mois d’inscription ; les \
            propositions par type d’opportunité et par réponse ; les placements de tous les tours \
            ensemble, et leur cumul mois par mois. --from et --to retiennent les personnes inscrites \
            dans la période (2027-03-05, 05/03/2027 ou un mois 2027-03). --csv écrit le même tableau \
            pour Excel (« ; », UTF-8 avec BOM) ; --matching donne le dernier tour de rapprochement tel \
            qu’il a été enregistré.
            Exemple : jonction report --db hub.sqlite --from 2027-01 --to 2027-03
            """)

    @OptionGroup var options: CommonOptions

    @Option(help: "Début de la période (inscriptions) : AAAA-MM-JJ, JJ/MM/AAAA ou AAAA-MM.")
    var from: String?

    @Option(help: "Fin de la période (incluse) : AAAA-MM-JJ, JJ/MM/AAAA ou AAAA-MM.")
    var to: String?

    @Option(help: "Année où les âges sont comptés (par défaut : l’année en cours).")
    var year: Int?

    @Flag(help: "Sortie JSON.")
    var json = false

    @Flag(help: "Sortie CSV pour Excel.")
    var csv = false

    @Flag(help: "Le dernier tour de rapprochement, tel qu’il a été enregistré.")
    var matching = false

    func run() throws {
        let lang = options.language
        try options.withReplica(.readOnly) { replica in
            guard !(csv && json) else { throw CommandError.csvAndJSON }
            let from = try self.from.map { try Report.period($0, option: "--from") }
            let to = try self.to.map { try Report.period($0, option: "--to") }
            if let year { guard (1900...2100).contains(year) else { throw CommandError.outOfRange(option: "--year", value: year, range: 1900...2100) } }
            if matching {
                try printMatching(replica, lang)
                return
            }
            let progress = ProgressLine(lang.pick("Lecture du réplica…", "Reading the replica…"))
            progress.relabel(lang.pick("Lecture du réplica…", "Reading the replica…"))
            let records = try replica.read { try $0.recordSet() }
            let thisYear = year ?? Calendar(identifier: .gregorian).component(.year, from: Date())
            let figures = ProgrammeFigures(records, year: thisYear, from: from, to: to)
            progress.finish()
            if csv {
                print(String(decoding: SheetCSV.encode(figures.rows(lang)), as: UTF8.self), terminator: "")
            } else if json {
                print(Report.json(figures, from: from, to: to, year: thisYear))
            } else {
                print(Report.text(figures, from: from, to: to, lang: lang))
            }
        }
    }

    /// `2027-03-05`, `05/03/2027` → the day; `2027-03` → the month.
    static func period(_ text: String, option: String) throws -> String {
        let s = text.trimmingCharacters(in: .whitespaces)
        let parts = s.split(separator: "-")
        if parts.count == 2, parts[0].count == 4, parts[1].count == 2, let y = Int(parts[0]), let m = Int(parts[1]),
           (1900...2100).contains(y), (1...12).contains(m) {
            return s
        }
        guard s.contains("-") || s.contains("/"), let day = SheetDate.normalise(s), Field.millis(ofDate: day) != nil else {
            throw CommandError.invalidPeriod(option: option, text)
        }
        return day
    }

    static func text(_ f: ProgrammeFigures, from: String?, to: String?, lang: Lang) -> String {
        var out: [String] = []
        let period = from == nil && to == nil ? lang.pick("depuis le début", "since the start")
            : lang.pick("inscrits \(from.map { "du \($0) " } ?? "")\(to.map { "au \($0)" } ?? "jusqu’à aujourd’hui")",
                        "registered \(from.map { "from \($0) " } ?? "")\(to.map { "to \($0)" } ?? "until today")")
        out.append(lang.pick("Chiffres du programme (\(period))", "Programme figures (\(period))"))
        out.append(lang.pick(
            "Personnes : \(f.total.registered) inscrites, \(f.total.trained) formées, \(f.total.placed) placées, \(f.total.withdrawn) sorties du programme.",
            "People: \(f.total.registered) registered, \(f.total.trained) trained, \(f.total.placed) placed, \(f.total.withdrawn) withdrawn."))
        let head = lang.pick("inscrits  formés  placés  sortis", "registered  trained  placed  withdrawn")
        let unknown = lang.pick("non renseigné", "not given")
        func table(_ title: String, _ b: ProgrammeFigures.Breakdown, _ label: (String) -> String) {
            guard !b.rows.isEmpty else { return }
            out.append("")
            out.append(title.padding(toLength: 36, withPad: " ", startingAt: 0) + head)
            for r in b.rows {
                let name = label(r.key)
                let cells = lang == .fr ? [(r.registered, 8), (r.trained, 8), (r.placed, 8), (r.withdrawn, 8)]
                    : [(r.registered, 10), (r.trained, 9), (r.placed, 8), (r.withdrawn, 11)]
                out.append("  " + name.padding(toLength: 34, withPad: " ", startingAt: 0)
                    + cells.map { String($0.0).leftPadded($0.1) }.joined())
            }
        }
        table(lang.pick("Par région", "By region"), f.byRegion) { $0 == "?" ? unknown : $0 }
        table(lang.pick("Par sexe", "By sex"), f.bySex) { $0 == "?" ? unknown : Labels.value("candidate", "sex", $0, lang) }
        table(lang.pick("Par situation", "By origin status"), f.byOrigin) { $0 == "?" ? unknown : Labels.value("candidate", "origin_status", $0, lang) }
        table(lang.pick("Par tranche d’âge", "By age band"), f.byAgeBand) { $0 == "?" ? unknown : $0 }
        table(lang.pick("Par mois d’inscription", "By month registered"), f.byMonth) { $0 }
        out.append("")
        let all = f.proposalsByKind.last ?? ProgrammeFigures.ProposalRow(key: "")
        out.append(lang.pick(
            "Propositions : \(all.made) faites, \(all.accepted) acceptées, \(all.declined) refusées, \(all.expired) expirées, \(all.pending) en attente.",
            "Proposals: \(all.made) made, \(all.accepted) accepted, \(all.declined) declined, \(all.expired) expired, \(all.pending) pending."))
        for p in f.proposalsByKind.dropLast() {
            let kind = p.key == "?" ? unknown : Labels.value("opportunity", "kind", p.key, lang)
            out.append(lang.pick("  \(kind) : \(p.made) faites, \(p.accepted) acceptées, \(p.declined) refusées, \(p.expired) expirées",
                                 "  \(kind): \(p.made) made, \(p.accepted) accepted, \(p.declined) declined, \(p.expired) expired"))
        }
        let kinds = f.placementsByKind.map { "\($0.kind == "?" ? unknown : Labels.value("opportunity", "kind", $0.kind, lang)) \($0.count)" }
        out.append(lang.pick("Placements (tous les tours) : \(f.placements)", "Placements (all rounds): \(f.placements)")
            + (kinds.isEmpty ? "" : " — " + kinds.joined(separator: ", ")))
        if !f.placementsByMonth.isEmpty {
            out.append(lang.pick("  cumul par mois de début : ", "  cumulative by month started: ")
                + f.placementsByMonth.map { "\($0.month == "?" ? unknown : $0.month) \($0.cumulative)" }.joined(separator: ", "))
        }
        if !f.skillsLacking.isEmpty {
            out.append(lang.pick("Compétences qui manquent le plus (places demandées / personnes disponibles) :",
                                 "Skills most lacking (places asked / people available):"))
            out.append("  " + f.skillsLacking.map { "\($0.skill) \($0.demand)/\($0.supply)" }.joined(separator: ", "))
        }
        return out.joined(separator: "\n")
    }

    static func json(_ f: ProgrammeFigures, from: String?, to: String?, year: Int) -> String {
        var out = CanonicalJSON()
        func row(_ r: ProgrammeFigures.Breakdown.Row) {
            out.beginObject()
            out.key("placed"); out.integer(r.placed)
            out.key("registered"); out.integer(r.registered)
            out.key("trained"); out.integer(r.trained)
            out.key("withdrawn"); out.integer(r.withdrawn)
            out.endObject()
        }
        func breakdown(_ name: String, _ b: ProgrammeFigures.Breakdown) {
            out.key(name); out.beginObject()
            for r in b.rows.sorted(by: { CanonicalJSON.precedes($0.key, $1.key) }) { out.key(r.key); row(r) }
            out.endObject()
        }
        out.beginObject()
        out.key("age_year"); out.integer(year)
        breakdown("by_age_band", f.byAgeBand)
        breakdown("by_month", f.byMonth)
        breakdown("by_origin", f.byOrigin)
        breakdown("by_region", f.byRegion)
        breakdown("by_sex", f.bySex)
        out.key("from"); if let from { out.string(from) } else { out.null() }
        out.key("placements"); out.integer(f.placements)
        out.key("placements_by_kind"); out.beginObject()
        for k in f.placementsByKind.sorted(by: { CanonicalJSON.precedes($0.kind, $1.kind) }) { out.key(k.kind); out.integer(k.count) }
        out.endObject()
        out.key("placements_by_month"); out.beginArray()
        for m in f.placementsByMonth {
            out.beginObject(); out.key("count"); out.integer(m.count); out.key("cumulative"); out.integer(m.cumulative)
            out.key("month"); out.string(m.month); out.endObject()
        }
        out.endArray()
        out.key("proposals"); out.beginObject()
        for p in f.proposalsByKind.sorted(by: { CanonicalJSON.precedes($0.key.isEmpty ? "all" : $0.key, $1.key.isEmpty ? "all" : $1.key) }) {
            out.key(p.key.isEmpty ? "all" : p.key); out.beginObject()
            out.key("accepted"); out.integer(p.accepted)
            out.key("declined"); out.integer(p.declined)
            out.key("expired"); out.integer(p.expired)
            out.key("made"); out.integer(p.made)
            out.key("pending"); out.integer(p.pending)
            out.endObject()
        }
        out.endObject()
        out.key("skills_lacking"); out.beginArray()
        for g in f.skillsLacking {
            out.beginObject(); out.key("demand"); out.integer(g.demand); out.key("gap"); out.integer(g.gap)
            out.key("skill"); out.string(g.skill); out.key("supply"); out.integer(g.supply); out.endObject()
        }
        out.endArray()
        out.key("to"); if let to { out.string(to) } else { out.null() }
        out.key("total"); row(f.total)
        out.endObject()
        return out.output
    }

    /// The last round as the replica holds it: its proposals by answer, and at the hub the rounds' history.
    private func printMatching(_ replica: Replica, _ lang: Lang) throws {
        let p = Schema.V1.proposal
        let (proposals, rounds, history) = try replica.read { reader in
            (try reader.liveRecords(table: p.table), replica.site == .hub ? try reader.matchRounds(limit: 5) : [],
             replica.site == .hub ? try reader.lastMatchRound() : 0)
        }
        // The hub's history knows a round that proposed nothing; an office knows rounds by their proposals.
        let proposed = proposals.compactMap { $0.values[p.round.position].integer.map(Int.init) }.max()
        let last = max(proposed ?? 0, history) > 0 ? max(proposed ?? 0, history) : nil
        var statuses: [String: Int] = [:]
        for record in proposals where last != nil && record.values[p.round.position].integer.map(Int.init) == last {
            statuses[record.values[p.status.position].text ?? "?", default: 0] += 1
        }
        let order = ["proposed", "accepted", "declined", "expired", "?"]
        // Per region and group, for the last round: one read of the records, identities left aside.
        // Admissible by the round's own rule, with the hub's weights (its minimum score) when here.
        let configuration = replica.site == .hub ? try MatchingConfiguration.read(given: nil, replica: replica.path) : MatchingConfiguration()
        let fairness = try MatchingRound(replica: replica, configuration: configuration).fairness(round: last)
        if json {
            var out = CanonicalJSON()
            out.beginObject()
            out.key("fairness"); fairness.write(to: &out)
            out.key("last_round"); if let last { out.integer(last) } else { out.null() }
            out.key("proposals"); out.beginObject()
            for s in order.sorted(by: CanonicalJSON.precedes) where statuses[s] != nil { out.key(s); out.integer(statuses[s]!) }
            out.endObject()
            out.key("rounds"); out.beginArray()
            for r in rounds {
                out.beginObject(); out.key("placements"); out.integer(r.placements); out.key("proposals"); out.integer(r.proposals)
                out.key("round"); out.integer(r.round); out.key("run_at"); out.string(HLC.iso8601(millis: r.at))
                out.key("total_score"); out.integer(r.totalScore); out.endObject()
            }
            out.endArray()
            out.endObject()
            print(out.output)
            return
        }
        guard let last else {
            print(lang.pick("Aucun tour de rapprochement n’est encore arrivé dans ce réplica.",
                            "No matching round has reached this replica yet."))
            return
        }
        let counts = order.compactMap { s in statuses[s].map { "\(s == "?" ? "?" : Labels.value("proposal", "status", s, lang)) \($0)" } }
        print(lang.pick("Dernier tour de rapprochement : n° \(last) — propositions : \(counts.isEmpty ? "aucune" : counts.joined(separator: ", ")).",
                        "Last matching round: no. \(last) — proposals: \(counts.isEmpty ? "none" : counts.joined(separator: ", "))."))
        for r in rounds {
            print(lang.pick("  tour \(r.round) du \(HLC(millis: r.at).frenchDate) : \(r.proposals) proposition(s), \(r.placements) placement(s), score total \(r.totalScore)",
                            "  round \(r.round) of \(HLC(millis: r.at).englishDate): \(r.proposals) proposal(s), \(r.placements) placement(s), total score \(r.totalScore)"))
        }
        for line in fairness.lines(lang) { print(line) }
        print(lang.pick("(« admissibles » : les candidats que le tour a considérés et qui passent tous ses filtres — consentement, disponibilité, région, études, score minimum — pour au moins une opportunité ouverte ; « placés » : tous les placements.)",
                        "(“admissible”: the candidates the round considered who pass all its filters — consent, availability, region, education, minimum score — for at least one open opportunity; “placed”: every placement.)"))
        print(lang.pick("Pour voir ce que ferait le prochain tour sans rien écrire : jonction match --dry-run (au pôle).",
                        "To see what the next round would do without writing anything: jonction match --dry-run (at the hub)."))
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
