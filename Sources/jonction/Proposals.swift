import ArgumentParser
import Jonction
import JonctionStore

struct Proposals: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Les propositions du pôle pour les candidats de ce bureau, avec leur explication.",
        discussion: "Répondre : jonction accept ID ou jonction decline ID ; la réponse part au pôle avec le prochain paquet.")

    @OptionGroup var options: CommonOptions

    @Flag(help: "Toutes les propositions, pas seulement celles des candidats de ce bureau.")
    var all = false

    @Flag(help: "Seulement celles qui attendent une réponse.")
    var pending = false

    @Flag(help: "Sortie JSON.")
    var json = false

    func run() throws {
        let lang = options.language
        try options.withReplica(.readOnly) { replica in
            let views = try replica.read { try $0.proposals(for: all || replica.site == .hub ? nil : replica.site) }
                .filter { !pending || $0.status.flatMap(ProposalStatus.init(rawValue:)) == .proposed }
            if json {
                var out = CanonicalJSON()
                out.beginArray()
                for v in views {
                    out.beginObject()
                    out.key("candidate_id"); out.string(v.candidateID)
                    out.key("candidate_name"); v.candidateName.map { out.string($0) } ?? out.null()
                    out.key("employer"); v.employer.map { out.string($0) } ?? out.null()
                    out.key("id"); out.string(v.id)
                    out.key("opportunity_id"); out.string(v.opportunityID)
                    out.key("opportunity_title"); v.opportunityTitle.map { out.string($0) } ?? out.null()
                    out.key("reasons"); v.reasons.map { out.string($0) } ?? out.null()
                    out.key("region"); v.region.map { out.string($0) } ?? out.null()
                    out.key("round"); v.round.map { out.integer($0) } ?? out.null()
                    out.key("score"); v.score.map { out.integer($0) } ?? out.null()
                    out.key("status"); v.status.map { out.string($0) } ?? out.null()
                    out.endObject()
                }
                out.endArray()
                print(out.output)
                return
            }
            if views.isEmpty && pending {
                print(lang.pick("Aucune proposition en attente de réponse.", "No proposal awaiting an answer."))
                return
            }
            if views.isEmpty {
                print(lang.pick("Aucune proposition pour l’instant : elles arrivent du pôle avec les paquets (import ou sync).",
                                "No proposal yet: they come from the hub with the bundles (import or sync)."))
                return
            }
            for v in views {
                let status = v.status.flatMap(ProposalStatus.init(rawValue:)).map { Proposals.label($0, lang) } ?? v.status ?? "?"
                print("\(v.id) · \(status) · \(lang.pick("tour", "round")) \(v.round.map(String.init) ?? "?")")
                print("  \(v.candidateName ?? v.candidateID) (\(v.candidateID)) → \(v.opportunityTitle ?? v.opportunityID)\(v.employer.map { ", \($0)" } ?? "")\(v.region.map { " (\($0))" } ?? "")")
                if let reasons = v.reasons { print("  \(reasons)") }
            }
        }
    }

    /// A proposal's status as an office reads it.
    static func label(_ status: ProposalStatus, _ lang: Lang) -> String {
        switch status {
        case .proposed: return lang.pick("en attente", "pending")
        case .accepted: return lang.pick("acceptée", "accepted")
        case .declined: return lang.pick("refusée", "declined")
        case .expired: return lang.pick("expirée", "expired")
        }
    }
}
