import ArgumentParser
import Foundation
import Jonction
import JonctionHub
import JonctionMatch
import JonctionStore

struct Match: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tour de rapprochement au pôle : propose à chaque candidat l’opportunité où il convient le mieux.",
        discussion: """
            Filtres (opportunité ouverte avec des places, région ou accepte de déménager, niveau d’études, \
            consentement « employers », candidat disponible), score de 1 à 100 (métier CITP, compétences, \
            langues, études, lieu ; jamais le sexe, l’origine ni l’âge), puis l’affectation exacte qui \
            maximise le score total. Les propositions sont des enregistrements : elles partent vers les \
            bureaux avec les prochains paquets.
            Parts minimales, priorités et poids : --quotas FICHIER, sinon CHEMIN.rapprochement.toml à côté \
            du réplica s’il existe (le même que la fusion nocturne, jonction hub merge).
            --dry-run calcule le tour et affiche son rapport sans rien écrire (le réplica n’est pas \
            modifié, aucune proposition n’expire) : pour lire le rapport, il n’est pas nécessaire de \
            lancer un tour. Le dernier tour enregistré : jonction report --matching.
            """)

    @OptionGroup var options: CommonOptions

    @Option(help: "Numéro du tour (par défaut : le dernier + 1).")
    var round: Int?

    @Option(help: "Arcs gardés par candidat et par opportunité.")
    var k: Int = 20

    @Option(help: "Tours pendant lesquels une proposition sans réponse garde sa place et son candidat.")
    var holdRounds = 14

    @Option(help: "Fichier JSON des poids (occupation, skills, languages, education, location) ; remplace la table [weights] de la configuration.")
    var weights: String?

    @Option(help: ArgumentHelp(MatchingConfigurationHelp.abstract, discussion: MatchingConfigurationHelp.discussion))
    var quotas: String?

    @Flag(help: "Calculer le tour et afficher son rapport sans rien écrire.")
    var dryRun = false

    @Flag(help: "Sortie JSON.")
    var json = false

    func run() throws {
        let lang = options.language
        try options.withHub(dryRun ? .readOnly : .readWrite) { replica in
            if let round, round < 1 { throw CommandError.outOfRange(option: "--round", value: round, range: 1...1_000_000) }
            guard (1...1000).contains(k) else { throw CommandError.outOfRange(option: "--k", value: k, range: 1...1000) }
            guard (0...1000).contains(holdRounds) else {
                throw CommandError.outOfRange(option: "--hold-rounds", value: holdRounds, range: 0...1000)
            }
            let configuration = try MatchingConfiguration.read(given: quotas, replica: options.databasePath)
            var scoring = configuration.weights ?? ScoringWeights()
            if let weights {
                guard let data = FileManager.default.contents(atPath: weights) else { throw CommandError.unreadableFile(weights) }
                scoring = try ScoringWeights(json: data)
            }
            let shares = configuration.quotas
            let line = ProgressLine("")
            let outcome = try MatchingRound(replica: replica, k: k, weights: scoring, holdRounds: holdRounds, quotas: shares).run(round: round, dryRun: dryRun) { phase in
                switch phase {
                case .loading: line.relabel(lang.pick("Lecture du réplica…", "Reading the replica…"))
                case .scoring(let done, let total): line.relabel(lang.pick("Notation", "Scoring")); line.update(done, total)
                case .solving: line.relabel(lang.pick("Affectation optimale…", "Optimal assignment…"))
                case .writing(let done, let total): line.relabel(lang.pick("Écriture des propositions", "Writing proposals")); line.update(done, total)
                }
            }
            line.finish()
            let report = MatchReport(outcome, dryRun: dryRun)
            print(json ? report.json() : report.text(lang))
        }
    }
}

/// How `match` and `hub merge` speak of the hub's matching configuration (`--quotas`).
enum MatchingConfigurationHelp {
    static let abstract = "Configuration du rapprochement, TOML ou JSON : parts minimales et maximales par groupe, priorités, poids (protocol.md §2.5). Par défaut : CHEMIN.rapprochement.toml à côté du réplica, s’il existe."
    static let discussion = """
        Par exemple, en TOML : [round] host_youth = 30 et F = 40 (chaque opportunité), \
        [opportunities.opp-09] F = 50 et M = { maximum = 50 }, [whole_round] displaced = { minimum = 20, maximum = 60 } \
        (toutes les places du tour ensemble), [priority] returnee = 2, et si besoin [weights] minimum_score = 50 ; \
        en JSON : {"round":{"host_youth":30,"F":40},"opportunities":{"opp-09":{"F":50,"M":{"maximum":50}}},"priority":{"returnee":2}}.
        """
}

/// What a round did, in the words and figures a programme manager wants.
struct MatchReport {
    let outcome: MatchingRound.Outcome
    /// A trial (`match --dry-run`): planned and reported, nothing written.
    var dryRun = false

    init(_ outcome: MatchingRound.Outcome, dryRun: Bool = false) {
        self.outcome = outcome
        self.dryRun = dryRun
    }

    var result: MatchResult { outcome.result }

    var byRegion: [(String, Int)] {
        Dictionary(grouping: result.proposals, by: { $0.candidate.region ?? "?" }).map { ($0.key, $0.value.count) }
            .sorted { $0.0 < $1.0 }
    }

    var byKind: [(String, Int)] {
        Dictionary(grouping: result.proposals, by: { $0.opportunity.kind ?? "?" }).map { ($0.key, $0.value.count) }
            .sorted { $0.0 < $1.0 }
    }

    var unfilled: [(MatchOpportunity, Int)] {
        result.fill.filter { $0.proposed < $0.opportunity.placesLeft }.map { ($0.opportunity, $0.opportunity.placesLeft - $0.proposed) }
    }

    var exclusions: [(Exclusion, Int)] {
        Dictionary(grouping: result.excluded, by: \.reason).map { ($0.key, $0.value.count) }.sorted { $0.0 < $1.0 }
    }

    static func kind(_ kind: String, _ lang: Lang) -> String {
        guard lang == .fr, let known = OpportunityKind(rawValue: kind) else { return kind }
        switch known {
        case .job: return "emploi"
        case .training: return "formation"
        case .internship: return "stage"
        }
    }

    func text(_ lang: Lang) -> String {
        var out: [String] = []
        if dryRun {
            out.append(lang.pick("Essai (--dry-run) : ce que ferait le tour ; rien n’a été écrit, aucune proposition n’a expiré.",
                                 "Trial (--dry-run): what the round would do; nothing was written, no proposal expired."))
        }
        let places = result.fill.reduce(0) { $0 + $1.opportunity.placesLeft }
        let mean = result.proposals.isEmpty ? 0 : result.totalScore / result.proposals.count
        out.append(lang.pick(
            "Tour de rapprochement n° \(outcome.round) : \(outcome.candidates) candidat(s) considéré(s), \(result.fill.count) opportunité(s) ouverte(s) avec \(places) place(s).",
            "Matching round \(outcome.round): \(outcome.candidates) candidate(s) considered, \(result.fill.count) open opportunit(ies) with \(places) place(s)."))
        out.append(lang.pick(
            "Propositions : \(result.proposals.count) (score total \(result.totalScore), moyenne \(mean)/100) ; propositions encore en attente d’avant : \(outcome.pending) ; nouveaux placements : \(outcome.newPlacements).",
            "Proposals: \(result.proposals.count) (total score \(result.totalScore), mean \(mean)/100); proposals still pending from before: \(outcome.pending); new placements: \(outcome.newPlacements)."))
        if outcome.doubleAcceptances > 0 {
            out.append(lang.pick(
                "Acceptations pour un candidat déjà placé : \(outcome.doubleAcceptances), sans nouveau placement. Vérifiez avec les bureaux (jonction proposals --all --json).",
                "Acceptances for a candidate already placed: \(outcome.doubleAcceptances), no new placement made. Check with the offices (jonction proposals --all --json)."))
        }
        if outcome.stale > 0 {
            out.append(lang.pick(
                "Propositions sans réponse depuis plus de \(outcome.holdRounds) tours : \(outcome.stale) ; leurs candidats et leurs places sont de nouveau libres (une acceptation tardive comptera quand même).",
                "Proposals unanswered for more than \(outcome.holdRounds) rounds: \(outcome.stale); their candidates and places are free again (a late acceptance still counts)."))
        }
        if !result.proposals.isEmpty {
            out.append(lang.pick("Par région : ", "By region: ") + byRegion.map { "\($0.0) \($0.1)" }.joined(separator: ", "))
            out.append(lang.pick("Par type : ", "By kind: ") + byKind.map { "\(MatchReport.kind($0.0, lang)) \($0.1)" }.joined(separator: ", "))
        }
        if !result.quotas.isEmpty {
            let met = result.quotas.filter(\.isMet).count
            out.append(lang.pick("Parts : \(met) atteinte(s) ou respectée(s) sur \(result.quotas.count)", "Shares: \(met) met or kept of \(result.quotas.count)"))
            for q in result.quotas where !q.isMet { out.append("  " + q.message(lang)) }
            for q in result.quotas where q.isMet { out.append("  " + q.message(lang)) }
        }
        out += outcome.fairness.lines(lang)
        let free = unfilled.reduce(0) { $0 + $1.1 }
        out.append(lang.pick("Places restées libres : \(free)", "Places left unfilled: \(free)"))
        for (o, n) in unfilled.prefix(10) {
            out.append("  \(o.id) \(o.title ?? "") (\(o.region ?? "?")) : \(n)/\(o.placesLeft)")
        }
        if unfilled.count > 10 { out.append("  …") }
        out.append(lang.pick("Candidats sans opportunité admissible : \(result.excluded.count)",
                             "Candidates with no admissible opportunity: \(result.excluded.count)"))
        for (reason, n) in exclusions { out.append("  \(reason.message(lang)) : \(n)") }
        if !result.skillsGaps.isEmpty {
            out.append(lang.pick("Compétences demandées qui manquent le plus (pour planifier des formations) :",
                                 "Most requested skills that candidates lack (to plan trainings):"))
            out.append("  " + result.skillsGaps.prefix(10).map { lang.pick("\($0.skill) (\($0.candidates) candidats)", "\($0.skill) (\($0.candidates) candidates)") }
                .joined(separator: ", "))
        }
        out.append(lang.pick(
            "Durée : \(String(format: "%.1f", outcome.seconds)) s (notation \(String(format: "%.2f", result.seconds.score)) s, affectation \(String(format: "%.2f", result.seconds.solve)) s, \(result.arcs) arcs).",
            "Time: \(String(format: "%.1f", outcome.seconds)) s (scoring \(String(format: "%.2f", result.seconds.score)) s, assignment \(String(format: "%.2f", result.seconds.solve)) s, \(result.arcs) arcs)."))
        return out.joined(separator: "\n")
    }

    func json() -> String {
        var out = CanonicalJSON()
        write(to: &out)
        return out.output
    }

    /// The report as one JSON object (also the `match` member of `hub merge --json`).
    func write(to out: inout CanonicalJSON) {
        out.beginObject()
        out.key("arcs"); out.integer(result.arcs)
        out.key("by_kind"); out.beginObject(); for (k, n) in byKind { out.key(k); out.integer(n) }; out.endObject()
        out.key("by_region"); out.beginObject(); for (r, n) in byRegion { out.key(r); out.integer(n) }; out.endObject()
        out.key("candidates"); out.integer(outcome.candidates)
        out.key("double_acceptances"); out.integer(outcome.doubleAcceptances)
        if dryRun { out.key("dry_run"); out.bool(true) }
        out.key("excluded"); out.beginObject()
        for (reason, n) in exclusions.sorted(by: { CanonicalJSON.precedes($0.0.rawValue, $1.0.rawValue) }) {
            out.key(reason.rawValue); out.integer(n)
        }
        out.endObject()
        out.key("fairness"); outcome.fairness.write(to: &out)
        out.key("new_placements"); out.integer(outcome.newPlacements)
        out.key("opportunities"); out.integer(outcome.opportunities)
        out.key("pending"); out.integer(outcome.pending)
        out.key("proposals"); out.integer(result.proposals.count)
        if !result.quotas.isEmpty {
            out.key("quotas"); out.beginArray()
            for q in result.quotas {
                out.beginObject()
                out.key("admissible"); out.integer(q.admissible)
                if let atMost = q.atMost { out.key("at_most"); out.integer(atMost) }
                out.key("group"); out.string(q.group.code)
                if let maximum = q.maximum { out.key("maximum"); out.integer(maximum) }
                out.key("met"); out.bool(q.isMet)
                if let opportunity = q.opportunity { out.key("opportunity"); out.string(opportunity.id) }
                out.key("percent"); out.integer(q.percent)
                out.key("places"); out.integer(q.places)
                out.key("proposed"); out.integer(q.proposed)
                out.key("reason"); out.string(q.shortfall?.rawValue ?? "met")
                out.key("reserved"); out.integer(q.reserved)
                out.key("scope"); out.string(q.opportunity == nil ? "whole_round" : "opportunity")
                out.key("wanted"); out.integer(q.wanted)
                out.endObject()
            }
            out.endArray()
        }
        out.key("round"); out.integer(outcome.round)
        out.key("seconds"); out.string(String(format: "%.3f", outcome.seconds))
        out.key("skills_gaps"); out.beginArray()
        for gap in result.skillsGaps {
            out.beginObject(); out.key("candidates"); out.integer(gap.candidates); out.key("skill"); out.string(gap.skill); out.endObject()
        }
        out.endArray()
        out.key("stale"); out.integer(outcome.stale)
        out.key("total_score"); out.integer(result.totalScore)
        out.key("unfilled"); out.beginArray()
        for (o, n) in unfilled {
            out.beginObject(); out.key("free"); out.integer(n); out.key("id"); out.string(o.id)
            out.key("places_left"); out.integer(o.placesLeft); out.endObject()
        }
        out.endArray()
        out.endObject()
    }
}
