import Foundation
import Jonction
import JonctionHub
import JonctionStore

/// Proposals (answered by the candidate's office, or the hub) and the conflicts to review.
extension OfficeWeb {
    /// Why a person declines, as offices note it.
    static let declineReasons = [
        "La personne n’est plus disponible", "Lieu trop éloigné", "Salaire ou indemnité insuffisants",
        "Métier ne correspondant pas à son projet", "La personne a déjà trouvé un emploi ou une formation",
        "Personne injoignable", "Autre raison",
    ]

    func proposals(_ visit: Visit) throws -> Reply {
        let all = try replica.read { try $0.proposals() }
        let site = replica.site
        var context = layout(visit, title: "Propositions")
        let ordered = all.sorted { ($0.status == "proposed" ? 0 : 1, -($0.round ?? 0), $0.id) < ($1.status == "proposed" ? 0 : 1, -($1.round ?? 0), $1.id) }
        context["proposals"] = ordered.prefix(500).map { p in
            ["id": p.id, "candidateID": p.candidateID, "candidateName": p.candidateName ?? p.candidateID,
             "title": p.opportunityTitle ?? p.opportunityID, "employer": p.employer ?? "", "region": p.region ?? "",
             "score": p.score.map(String.init) ?? "?", "round": p.round.map(String.init) ?? "?", "reasons": p.reasons.flatMap { $0.isEmpty ? nil : $0 } as Any,
             "statusLabel": Labels.value("proposal", "status", p.status ?? "", .fr), "pending": p.status == "proposed",
             "mine": site == .hub || ProposalRule.isCandidate(p.candidateID, of: site),
             "csrf": visit.session.csrf, "reasonsList": Self.declineReasons] as [String: Any]
        }
        return .page(render("proposals", context))
    }

    func answer(_ visit: Visit, id: String, accept: Bool) throws -> Reply {
        let reason = visit.form.text("raison").map { String($0.prefix(300)) }
        if !accept, reason == nil {
            throw WebRefusal(status: .unprocessableContent, title: "Raison manquante",
                             message: "Choisissez la raison du refus dans la liste, puis cliquez de nouveau sur « Refuser ». Rien n’a été enregistré.")
        }
        try replica.write { tx in
            try tx.act(as: visit.user)
            _ = try tx.answer(proposal: id, accept: accept, reason: reason)
        }
        return .redirect("/propositions", flash: accept
            ? "Proposition acceptée. La réponse partira au pôle au prochain échange."
            : "Proposition refusée (\(reason ?? "")). La réponse partira au pôle au prochain échange.")
    }

    func conflicts(_ visit: Visit) throws -> Reply {
        let all = try replica.read { try $0.conflicts() }
        let schema = replica.schema
        var context = layout(visit, title: "Conflits")
        context["conflicts"] = all.prefix(500).map { recorded -> [String: Any] in
            let c = recorded.conflict
            let field = try? schema.table(named: c.table).field(named: c.field)
            func show(_ v: Value?) -> String { guard let v else { return "(supprimé)" }; return field.map { Self.display(v, $0, table: c.table) } ?? Self.plain(v) }
            let path = ["candidate": "/candidats", "employer": "/employeurs", "opportunity": "/opportunites"][c.table]
            var row: [String: Any] = ["record": "\(Labels.tables[c.table]?.fr ?? c.table) \(c.id)", "link": path.map { "\($0)/\(c.id)" } ?? "#",
                    "field": Labels.field(c.table, c.field, .fr), "winner": show(c.winner.value), "loser": show(c.loser.value),
                    "winnerSite": c.winner.stamp.site == .hub ? "pôle" : c.winner.stamp.site.rawValue,
                    "loserSite": c.loser.stamp.site == .hub ? "pôle" : c.loser.stamp.site.rawValue,
                    "when": Self.when(recorded.detectedAt), "number": recorded.number, "csrf": visit.session.csrf]
            if let at = recorded.reviewedAt {
                row["reviewed"] = "revu le \(Self.when(at))\(recorded.reviewedBy.map { " par \($0)" } ?? "")"
            }
            return row
        }
        return .page(render("conflicts", context))
    }

    func review(_ visit: Visit, number: String) throws -> Reply {
        guard let n = Int64(number.prefix(19)) else { throw WebRefusal.notFound("Conflit inconnu.") }
        try replica.write { tx in
            try tx.act(as: visit.user)
            try tx.markReviewed(conflict: n)
        }
        return .redirect("/conflits", flash: "Conflit marqué comme revu.")
    }
}
