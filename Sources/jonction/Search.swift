import ArgumentParser
import Jonction
import JonctionStore

struct Search: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Chercher une personne par son nom, ses prénoms, son téléphone ou son identifiant.",
        discussion: """
            Chaque mot tapé doit commencer un mot du nom ou des prénoms, sans égard aux accents ni aux \
            majuscules, et quelle que soit l’orthographe du nom : « keita diara » trouve Awa Diarra Keïta \
            (Keïta ou Keita, Diarra, Diara ou Jara, Coulibaly ou Kulibali, Traoré ou Traore, Maïga ou \
            Maiga, Mahamadou ou Mamadou, Ouattara ou Watara…). Quatre chiffres ou plus cherchent dans les \
            téléphones, avec ou sans +223 ni espaces ; le début d’un identifiant (kayes-c1) trouve ses \
            fiches. Sans texte : toutes les personnes (avec les filtres), par nom.

            Ordre : les personnes trouvées telles que le texte est écrit d’abord, puis celles trouvées \
            par une variante d’orthographe (marquées ~), chacune par nom. Au plus 200 caractères et \
            8 mots sont lus.
            """)

    @OptionGroup var options: CommonOptions

    @Argument(help: "Le texte cherché : nom, prénoms, chiffres du téléphone ou identifiant (plusieurs mots possibles).")
    var text: [String] = []

    @Option(help: "Seulement cette région (ex. Kayes, Ségou).")
    var region: String?

    @Option(help: "Seulement ce statut : registered, trained, placed ou withdrawn.")
    var status: String?

    @Option(help: "Seulement ce sexe : F, M ou X.")
    var sex: String?

    @Option(help: "Personnes par page, de 1 à \(CandidateSearch.maxLimit).")
    var limit: Int = 20

    @Option(help: "La page à montrer (1 : la première).")
    var page: Int = 1

    @Flag(help: "Sortie JSON : {\"hits\":[{\"birth_year\":…,\"exact\":…,\"family_name\":…,\"given_names\":…,\"id\":…,\"phone\":…,\"region\":…,\"sex\":…,\"status\":…}],\"limit\":…,\"page\":…,\"total\":…}.")
    var json = false

    func run() throws {
        let lang = options.language
        try options.withReplica(.readOnly) { replica in
            guard (1...CandidateSearch.maxLimit).contains(limit) else {
                throw CommandError.outOfRange(option: "--limit", value: limit, range: 1...CandidateSearch.maxLimit)
            }
            guard (1...1_000_000).contains(page) else { throw CommandError.outOfRange(option: "--page", value: page, range: 1...1_000_000) }
            let text = self.text.joined(separator: " ")
            let result = try replica.searchCandidates(CandidateSearch(
                text: text, region: region, status: status, sex: sex, limit: limit, offset: (page - 1) * limit))
            if json {
                printJSON(result)
            } else {
                printTable(result, text: text, lang: lang)
            }
        }
    }

    func printJSON(_ result: CandidateSearchResult) {
        var out = CanonicalJSON()
        func optional(_ s: String?) { if let s { out.string(s) } else { out.null() } }
        out.beginObject()
        out.key("hits")
        out.beginArray()
        for hit in result.hits {
            out.beginObject()
            out.key("birth_year")
            if let year = hit.birthYear { out.integer(year) } else { out.null() }
            out.key("exact"); out.bool(hit.exact)
            out.key("family_name"); optional(hit.familyName)
            out.key("given_names"); optional(hit.givenNames)
            out.key("id"); out.string(hit.id)
            out.key("phone"); optional(hit.phone)
            out.key("region"); optional(hit.region)
            out.key("sex"); optional(hit.sex)
            out.key("status"); optional(hit.status)
            out.endObject()
        }
        out.endArray()
        out.key("limit"); out.integer(limit)
        out.key("page"); out.integer(page)
        out.key("total"); out.integer(result.total)
        out.endObject()
        print(out.output)
    }

    func printTable(_ result: CandidateSearchResult, text: String, lang: Lang) {
        let filters = [region.map { lang.pick("région \($0)", "region \($0)") }, status.map { lang.pick("statut \($0)", "status \($0)") },
                       sex.map { lang.pick("sexe \($0)", "sex \($0)") }].compactMap { $0 }
        let criteria = filters.isEmpty ? "" : " (\(filters.joined(separator: ", ")))"
        guard !result.hits.isEmpty else {
            if result.total > 0 {
                let pages = (result.total + limit - 1) / limit
                print(lang.pick("La page \(page) est vide : \(people(result.total, lang)) en \(pages) page(s) de \(limit).",
                                "Page \(page) is empty: \(people(result.total, lang)) in \(pages) page(s) of \(limit)."))
            } else if text.allSatisfy(\.isWhitespace) {
                print(filters.isEmpty ? lang.pick("Aucune personne dans ce réplica.", "No person in this replica.")
                    : lang.pick("Aucune personne ne correspond à ces critères\(criteria).", "No person matches these criteria\(criteria)."))
            } else {
                let shown = NormalText.printable(text)
                print(lang.pick("Aucune personne ne correspond à « \(shown) »\(criteria).", "No person matches “\(shown)”\(criteria)."))
            }
            return
        }
        let header = [lang.pick("Identifiant", "Id"), lang.pick("Nom", "Family name"), lang.pick("Prénoms", "Given names"),
                      lang.pick("Région", "Region"), lang.pick("Statut", "Status"), lang.pick("Téléphone", "Phone")]
        let rows = result.hits.map { hit in
            [hit.id, hit.familyName, hit.givenNames, hit.region, hit.status, hit.phone].map { cell($0 ?? "—") }
        }
        let widths = header.indices.map { c in ([header[c]] + rows.map { $0[c] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String], mark: String) -> String {
            let padded = cells.indices.map { c in
                c == cells.count - 1 ? cells[c] : cells[c].padding(toLength: widths[c], withPad: " ", startingAt: 0)
            }
            return mark + padded.joined(separator: "  ")
        }
        print(line(header, mark: "  "))
        for (hit, row) in zip(result.hits, rows) { print(line(row, mark: hit.exact ? "  " : "~ ")) }
        let first = (page - 1) * limit + 1, last = first + result.hits.count - 1
        var summary = result.total == result.hits.count ? people(result.total, lang)
            : lang.pick("\(first) à \(last) sur \(people(result.total, lang))", "\(first) to \(last) of \(people(result.total, lang))")
        if last < result.total {
            summary += lang.pick(" — la suite : --page \(page + 1)", " — next: --page \(page + 1)")
        }
        print(summary + ".")
        if result.hits.contains(where: { !$0.exact }) {
            print(lang.pick("~ : trouvé par une variante d’orthographe.", "~: found through a spelling variant."))
        }
    }

    /// « 1 personne », « 12 personnes ».
    func people(_ n: Int, _ lang: Lang) -> String {
        n == 1 ? lang.pick("1 personne", "1 person") : lang.pick("\(n) personnes", "\(n) people")
    }

    /// A value on one line of the table, at most 40 characters.
    func cell(_ value: String) -> String {
        value.count > 40 ? String(value.prefix(39)) + "…" : value
    }
}
