import Foundation
import Jonction
import JonctionStore

/// The candidates' list: search as you type (the one search of `jonction search`), filters, pages.
extension OfficeWeb {
    static let pageSize = 25

    func candidates(_ visit: Visit) throws -> Reply {
        let q = String((visit.query["q"] ?? "").prefix(200))
        let region = visit.query.text("region").flatMap { r in Schema.regions.first { $0 == r } }
        let status = visit.query.text("statut").flatMap { s in CandidateStatus(rawValue: s)?.rawValue }
        let sex = visit.query.text("sexe").flatMap { s in ["F", "M", "X"].first { $0 == s } }
        let page = max(1, min(Int(visit.query["page"] ?? "1") ?? 1, 10_000))
        let result = try replica.searchCandidates(CandidateSearch(
            text: q, region: region, status: status, sex: sex, limit: Self.pageSize, offset: (page - 1) * Self.pageSize))
        var context: [String: Any] = visit.query["fragment"] == "1" ? [:] : layout(visit, title: "Candidats")
        context["q"] = q
        context["regions"] = Schema.regions.map { ["value": $0, "label": $0, "selected": $0 == region] }
        context["statuses"] = CandidateStatus.allCases.map { ["value": $0.rawValue, "label": Labels.value("candidate", "status", $0.rawValue, .fr), "selected": $0.rawValue == status] }
        context["sexes"] = ["F", "M", "X"].map { ["value": $0, "label": Labels.value("candidate", "sex", $0, .fr), "selected": $0 == sex] }
        context["hits"] = result.hits.map { hit in
            ["id": hit.id, "familyName": hit.familyName ?? "—", "givenNames": hit.givenNames ?? "",
             "sex": hit.sex.map { Labels.value("candidate", "sex", $0, .fr) } ?? "", "birthYear": hit.birthYear.map(String.init) ?? "",
             "region": hit.region ?? "", "status": hit.status.map { Labels.value("candidate", "status", $0, .fr) } ?? "",
             "phone": hit.phone ?? ""]
        }
        let filtered = !q.trimmingCharacters(in: .whitespaces).isEmpty || region != nil || status != nil || sex != nil
        switch result.total {
        case 0: context["summary"] = filtered ? "Aucune personne ne correspond à « \(q) »\(region.map { " en région de \($0)" } ?? "")." : "Aucun candidat enregistré."
        case 1: context["summary"] = "1 personne."
        default: context["summary"] = "\(result.total) personnes."
        }
        let pages = max(1, (result.total + Self.pageSize - 1) / Self.pageSize)
        func link(_ p: Int) -> String {
            var parts = ["q=\(Form.encode(q))"]
            if let region { parts.append("region=\(Form.encode(region))") }
            if let status { parts.append("statut=\(status)") }
            if let sex { parts.append("sexe=\(sex)") }
            parts.append("page=\(p)")
            return "/candidats?" + parts.joined(separator: "&")
        }
        if pages > 1 { context["pageLabel"] = "Page \(page) sur \(pages)" }
        if page > 1 { context["previous"] = link(page - 1) }
        if page < pages { context["next"] = link(page + 1) }
        if visit.query["fragment"] == "1" { return .fragment(render("results", context)) }
        return .page(render("candidates", context))
    }
}
