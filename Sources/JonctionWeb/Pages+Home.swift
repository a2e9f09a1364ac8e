import Foundation
import GRDB
import Jonction
import JonctionHub
import JonctionStore

/// The office's home page and the hub's dashboard. Reading them changes nothing.
extension OfficeWeb {
    func home(_ visit: Visit) throws -> Reply {
        if replica.site == .hub { return try dashboard(visit) }
        let site = replica.site
        let (status, proposals, exchanges) = try replica.read { r in
            (try r.status(), try r.proposals(), try r.exchanges(limit: 10))
        }
        let c = Schema.V1.candidate
        let people = try replica.read { try $0.liveRecords(table: c.table) }
        func count(_ s: CandidateStatus) -> Int { people.filter { $0.values[c.status.position].text == s.rawValue }.count }
        let pending = proposals.filter { $0.status == ProposalStatus.proposed.rawValue && ProposalRule.isCandidate($0.candidateID, of: site) }
        let unreviewed = try replica.read { try $0.conflicts() }.filter { $0.reviewedAt == nil }.count
        let openOpportunities = try replica.read { try $0.liveRecords(table: "opportunity") }
            .filter { ($0.values[Schema.V1.opportunity.status.position].text ?? "open") == "open" }.count
        var context = layout(visit, title: "Accueil")
        context["counts"] = [
            ["count": people.count, "label": "candidats"],
            ["count": count(.trained), "label": "formés"],
            ["count": count(.placed), "label": "placés"],
            ["count": openOpportunities, "label": "opportunités ouvertes"],
            ["count": pending.count, "label": "propositions en attente"],
            ["count": unreviewed, "label": "conflits à revoir"],
        ]
        context["pending"] = pending.prefix(20).map { p in
            ["id": p.id, "candidateID": p.candidateID, "candidateName": p.candidateName ?? p.candidateID, "title": p.opportunityTitle ?? p.opportunityID,
             "employer": p.employer ?? "", "score": p.score.map(String.init) ?? ""]
        }
        var warnings: [String] = []
        if status.clockVerdict != .trusted {
            warnings.append("Horloge du poste : " + StoreError.clockDoubtful(status.clockVerdict).message(.fr))
        }
        if status.restoring {
            warnings.append("Ce poste attend le retour de ses propres changements (restauration) : synchronisez avec le pôle avant de saisir.")
        }
        for refused in exchanges.prefix(5) where refused.refused > 0 {
            warnings.append("Le \(Self.when(refused.at)), \(refused.refused) fichier(s) de la clé ont été refusés : \(refused.detail ?? "voir la page Échanges").")
        }
        context["warnings"] = warnings
        let withHub = exchanges.first { $0.peer == .hub }
        if let withHub {
            context["lastHub"] = "Dernier échange avec le pôle : le \(Self.when(withHub.at)), \(withHub.route == .usb ? "par clé USB" : "par internet") (\(withHub.direction == .sent ? "envoi" : "réception") de \(withHub.changes) changement(s))."
        } else if let contact = status.peers.first(where: { $0.site == .hub })?.lastContact, contact > 0 {
            context["lastHub"] = "Dernier échange avec le pôle : le \(Self.when(contact))."
        } else {
            context["lastHub"] = "Aucun échange avec le pôle pour l’instant."
        }
        context["exchanges"] = Self.exchangeRows(exchanges)
        return .page(render("home", context))
    }

    static func exchangeRows(_ exchanges: [ExchangeRecord]) -> [[String: Any]] {
        exchanges.map { e in
            ["when": when(e.at), "peer": e.peer.map { $0 == .hub ? "pôle" : $0.rawValue } ?? "—", "route": e.route == .usb ? "clé USB" : "internet",
             "direction": e.direction == .sent ? "envoi" : "réception", "changes": e.changes,
             "outcome": e.refused > 0 ? "\(e.refused) refusé(s) : \(e.detail ?? "")" : (e.detail ?? "ok")]
        }
    }

    // MARK: The hub's dashboard

    func dashboard(_ visit: Visit) throws -> Reply {
        let (offices, vector, records, rounds, conflicts) = try replica.read { r in
            (try r.offices(), try r.vector(), try r.recordSet(), try r.matchRounds(limit: 10), try r.conflicts())
        }
        let acknowledged = try replica.read { r in try offices.map { try r.acknowledged(by: $0.site) } }
        let year = Int(HLC.iso8601(millis: UInt64(Date().timeIntervalSince1970 * 1000)).prefix(4)) ?? 2026
        let figures = ProgrammeFigures(records, year: year)
        var context = layout(visit, title: "Tableau de bord", current: "/")
        context["counts"] = [
            ["count": figures.total.registered, "label": "personnes inscrites"],
            ["count": figures.total.trained, "label": "formées"],
            ["count": figures.total.placed, "label": "placées"],
            ["count": figures.placements, "label": "placements"],
            ["count": offices.filter(\.isActive).count, "label": "bureaux actifs"],
        ]
        context["offices"] = zip(offices, acknowledged).map { office, ack in
            let lacks = vector.entries.filter { $0.key != office.site }.reduce(0) { $0 + Int($1.value - min($1.value, ack[$1.key])) }
            return ["site": office.site.rawValue, "regions": office.regions.isEmpty ? "toutes" : office.regions.joined(separator: ", "),
                    "lastContact": office.lastContact.map(Self.when) ?? "jamais", "lacks": lacks, "revoked": !office.isActive] as [String: Any]
        }
        func chart(_ title: String, _ dimension: String, _ breakdown: ProgrammeFigures.Breakdown, label: (String) -> String) -> [String: Any] {
            let rows = breakdown.rows.map { (label: $0.key == "?" ? "non renseigné" : label($0.key), row: $0) }
            return ["title": title, "dimension": dimension,
                    "svg": Charts.bars(rows.map { ($0.label, [$0.row.registered, $0.row.trained, $0.row.placed]) },
                                       series: ["Inscrits", "Formés", "Placés"], title: title),
                    "rows": rows.map { ["label": $0.label, "registered": $0.row.registered, "trained": $0.row.trained, "placed": $0.row.placed] }]
        }
        context["charts"] = [
            chart("Par région", "Région", figures.byRegion) { $0 },
            chart("Par sexe", "Sexe", figures.bySex) { Labels.value("candidate", "sex", $0, .fr) },
            chart("Par situation", "Situation", figures.byOrigin) { Labels.value("candidate", "origin_status", $0, .fr) },
            chart("Par mois d’inscription", "Mois", figures.byMonth) { month in
                let p = month.split(separator: "-"); return p.count == 2 ? "\(p[1])/\(p[0])" : month
            },
        ]
        // Fairness of the last round (protocol.md §2.5): all regions together, or the region asked
        // (`?region=Kayes`, a plain GET form). Admissible by the round's own rule; a faulty matching
        // configuration is the round's to report.
        let configuration = (try? MatchingConfiguration.read(given: nil, replica: replica.path)) ?? MatchingConfiguration()
        let table = try MatchingRound(replica: replica, configuration: configuration).fairness()
        let asked = String((visit.query["region"] ?? "").prefix(100))
        let region = Schema.regions.contains(asked) ? asked : "*"
        let fairness = table.rows.filter { $0.region == region }.map { row in
            (label: row.group == "?" ? "non renseigné" : Labels.value("candidate", row.field, row.group, .fr), row: row)
        }
        if !table.rows.isEmpty {
            let scope = region == "*" ? "toutes régions" : "région \(region)"
            var section: [String: Any] = [
                "scope": scope,
                "regions": Schema.regions.map { ["value": $0, "selected": $0 == region] },
                "svg": fairness.isEmpty ? "" : Charts.bars(fairness.map { ($0.label, [$0.row.admissible, $0.row.proposed, $0.row.placed]) },
                                                           series: ["Admissibles", "Proposés", "Placés"], title: "Équité du dernier tour, \(scope)"),
                "rows": fairness.map { ["label": $0.label, "admissible": $0.row.admissible, "proposed": $0.row.proposed,
                                        "accepted": $0.row.accepted, "placed": $0.row.placed,
                                        "proposedShare": $0.row.proposedShare, "placedShare": $0.row.placedShare] },
            ]
            if fairness.isEmpty { section["nobody"] = true }
            if !asked.isEmpty && region == "*" {
                section["regionError"] = "Région inconnue « \(asked.prefix(40)) » : choisissez une région de la liste. Toutes les régions sont affichées."
            }
            context["fairness"] = section
        }
        context["kinds"] = figures.placementsByKind.map { ["label": $0.kind == "?" ? "non renseigné" : Labels.value("opportunity", "kind", $0.kind, .fr), "count": $0.count] }
        context["proposals"] = figures.proposals.map { ["label": Labels.value("proposal", "status", $0.status, .fr), "count": $0.count] }
        context["rounds"] = rounds.map { ["round": $0.round, "when": Self.when($0.at), "proposals": $0.proposals, "placements": $0.placements, "score": $0.totalScore] }
        context["skills"] = figures.skillsLacking.map { ["skill": $0.skill, "demand": $0.demand, "supply": $0.supply, "gap": $0.gap] }
        context["conflicts"] = conflicts.filter { $0.reviewedAt == nil }.count
        if let inbox = options.inbox {
            context["inbox"] = true
            context["rejected"] = Self.rejectedFiles(in: inbox)
        }
        return .page(render("dashboard", context))
    }

    /// The files the nightly merge refused, with the reason it wrote beside each (`….raison.txt`).
    static func rejectedFiles(in inbox: URL) -> [[String: String]] {
        let folder = inbox.appendingPathComponent("rejected")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".jnb") }.sorted().suffix(50).map { name in
            let reasonFile = folder.appendingPathComponent(name + ".raison.txt")
            let reason = (try? FileHandle(forReadingFrom: reasonFile)).flatMap { handle -> String? in
                defer { try? handle.close() }
                return (try? handle.read(upToCount: 4_000)).flatMap { String(data: $0, encoding: .utf8) }
            } ?? "raison non écrite"
            return ["file": name, "reason": reason]
        }
    }
}

/// Bar charts drawn by the server as SVG: no script, printable, readable without colour (each
/// series has its own pattern of lightness and a legend; the table beside holds the numbers).
enum Charts {
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func bars(_ groups: [(String, [Int])], series: [String], title: String) -> String {
        let colours = ["#0a5c8a", "#4f9fcf", "#f0b400"]
        let rowHeight = 16 * series.count + 10, labelWidth = 150, width = 460
        let height = max(1, groups.count) * rowHeight + 30
        let maximum = max(1, groups.flatMap(\.1).max() ?? 1)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"100%\" role=\"img\" aria-label=\"\(escape(title))\">"
        for (i, name) in series.enumerated() {
            svg += "<rect x=\"\(labelWidth + i * 95)\" y=\"4\" width=\"12\" height=\"12\" fill=\"\(colours[i % 3])\"/>"
            svg += "<text x=\"\(labelWidth + i * 95 + 16)\" y=\"14\" font-size=\"12\">\(escape(name))</text>"
        }
        if groups.isEmpty { svg += "<text x=\"10\" y=\"44\" font-size=\"13\">Aucune donnée.</text>" }
        for (g, group) in groups.enumerated() {
            let top = 26 + g * rowHeight
            svg += "<text x=\"\(labelWidth - 6)\" y=\"\(top + rowHeight / 2 + 2)\" font-size=\"12\" text-anchor=\"end\">\(escape(String(group.0.prefix(24))))</text>"
            for (s, value) in group.1.enumerated() {
                let w = Int(Double(width - labelWidth - 50) * Double(value) / Double(maximum))
                let y = top + s * 16
                svg += "<rect x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(max(w, value > 0 ? 1 : 0))\" height=\"13\" fill=\"\(colours[s % 3])\"><title>\(escape(group.0)) — \(escape(series[s])) : \(value)</title></rect>"
                svg += "<text x=\"\(labelWidth + w + 4)\" y=\"\(y + 11)\" font-size=\"11\">\(value)</text>"
            }
        }
        return svg + "</svg>"
    }
}
