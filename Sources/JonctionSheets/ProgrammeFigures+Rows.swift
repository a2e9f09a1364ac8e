import Jonction

extension ProgrammeFigures {
    /// The figures as one table for a spreadsheet (`report --csv`): a section, a key, then the
    /// counts; each section has its own header row.
    public func rows(_ lang: Lang) -> [[String]] {
        var rows: [[String]] = []
        let people = [lang.pick("inscrits", "registered"), lang.pick("formés", "trained"), lang.pick("placés", "placed"),
                      lang.pick("sortis", "withdrawn")]
        func breakdown(_ section: String, _ b: Breakdown, _ label: (String) -> String) {
            rows.append([section, ""] + people)
            for r in b.rows { rows.append([section, label(r.key), String(r.registered), String(r.trained), String(r.placed), String(r.withdrawn)]) }
        }
        let unknown = lang.pick("non renseigné", "not given")
        rows.append([lang.pick("ensemble", "total"), ""] + people)
        rows.append([lang.pick("ensemble", "total"), "", String(total.registered), String(total.trained), String(total.placed), String(total.withdrawn)])
        breakdown(lang.pick("région", "region"), byRegion) { $0 == "?" ? unknown : $0 }
        breakdown(lang.pick("sexe", "sex"), bySex) { $0 == "?" ? unknown : Labels.value("candidate", "sex", $0, lang) }
        breakdown(lang.pick("situation", "origin status"), byOrigin) { $0 == "?" ? unknown : Labels.value("candidate", "origin_status", $0, lang) }
        breakdown(lang.pick("âge", "age"), byAgeBand) { $0 == "?" ? unknown : $0 }
        breakdown(lang.pick("mois d’inscription", "month registered"), byMonth) { $0 }
        let kindLabel = { (k: String) -> String in k == "?" ? unknown : k.isEmpty ? lang.pick("tous", "all") : Labels.value("opportunity", "kind", k, lang) }
        let section = lang.pick("propositions", "proposals")
        rows.append([section, lang.pick("type", "kind"), lang.pick("faites", "made"), lang.pick("acceptées", "accepted"),
                     lang.pick("refusées", "declined"), lang.pick("expirées", "expired"), lang.pick("en attente", "pending")])
        for p in proposalsByKind {
            rows.append([section, kindLabel(p.key), String(p.made), String(p.accepted), String(p.declined), String(p.expired), String(p.pending)])
        }
        let placed = lang.pick("placements", "placements")
        rows.append([placed, lang.pick("type", "kind"), lang.pick("nombre", "count")])
        for k in placementsByKind { rows.append([placed, kindLabel(k.kind), String(k.count)]) }
        rows.append([placed, lang.pick("tous", "all"), String(placements)])
        let monthly = lang.pick("placements par mois", "placements by month")
        rows.append([monthly, lang.pick("mois de début", "month started"), lang.pick("nombre", "count"), lang.pick("cumul", "cumulative")])
        for m in placementsByMonth { rows.append([monthly, m.month == "?" ? unknown : m.month, String(m.count), String(m.cumulative)]) }
        let skills = lang.pick("compétences qui manquent", "skills lacking")
        rows.append([skills, lang.pick("compétence", "skill"), lang.pick("places demandées", "places asked"),
                     lang.pick("personnes disponibles", "people available"), lang.pick("manque", "gap")])
        for g in skillsLacking { rows.append([skills, g.skill, String(g.demand), String(g.supply), String(g.gap)]) }
        return rows
    }
}
