import ArgumentParser
import Foundation
import Jonction
import JonctionHub
import JonctionStore

struct Duplicates: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Les personnes probablement enregistrées deux fois (par exemple à Kayes et à Mopti), avec un score et ses raisons.",
        discussion: """
            Compare les noms sans accents et selon les orthographes maliennes (Diarra/Jara/Diara, Coulibaly/Kulibali, \
            Keïta/Keita, Mahamadou/Mamadou…), l’année de naissance, le téléphone, la commune ; deux noms qui se \
            ressemblent seulement (Koné et Konaté) ne sont jamais rapprochés. Ne modifie rien : pour fusionner \
            une paire après vérification, « jonction merge-duplicates GARDER SUPPRIMER » (au pôle, qui voit tous les bureaux).
            """)

    @OptionGroup var options: CommonOptions

    @Option(help: "Au plus N paires (les plus probables d’abord).")
    var limit = 200

    @Flag(help: "Sortie JSON.")
    var json = false

    func run() throws {
        let lang = options.language
        try options.withReplica(.readOnly) { replica in
            let people = try replica.read { try $0.duplicatePeople() }
            let byID = Dictionary(uniqueKeysWithValues: people.map { ($0.id, $0) })
            let pairs = Array(DuplicateRule.pairs(people).prefix(max(0, limit)))
            if json {
                var out = CanonicalJSON()
                out.beginArray()
                for pair in pairs {
                    out.beginObject()
                    out.key("first"); out.string(pair.first)
                    out.key("reasons")
                    out.beginArray()
                    for reason in pair.reasons { out.string(reason.message(lang)) }
                    out.endArray()
                    out.key("score"); out.integer(pair.score)
                    out.key("second"); out.string(pair.second)
                    out.endObject()
                }
                out.endArray()
                print(out.output)
                return
            }
            guard !pairs.isEmpty else {
                print(lang.pick("Aucun doublon probable parmi \(people.count) personne(s).", "No likely duplicate among \(people.count) person(s)."))
                return
            }
            func describe(_ id: String) -> String {
                guard let p = byID[id] else { return id }
                let name = [p.familyName, p.givenNames].compactMap { $0 }.joined(separator: " ")
                let facts = [p.birthYear.map(String.init), p.commune, p.phone].compactMap { $0 }.joined(separator: ", ")
                return "\(id) \(name.isEmpty ? "—" : name)\(facts.isEmpty ? "" : " (\(facts))")"
            }
            for pair in pairs {
                print("\(pair.score)  \(describe(pair.first))  ↔  \(describe(pair.second))")
                print("     " + lang.list(pair.reasons.map { $0.message(lang) }))
            }
            print(lang.pick("\(pairs.count) paire(s) probable(s). Vérifiez chacune avant de fusionner : jonction merge-duplicates GARDER SUPPRIMER.",
                            "\(pairs.count) likely pair(s). Check each before merging: jonction merge-duplicates KEEP DROP."))
        }
    }
}

struct MergeDuplicates: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge-duplicates",
        abstract: "Fusionner deux fiches d’une même personne : la première garde tout, la seconde est supprimée.",
        discussion: """
            La fiche gardée prend les valeurs qui lui manquent, le consentement le plus strict des deux et l’étape la plus \
            avancée ; les propositions et placements de l’autre passent à elle (au pôle seulement) ; l’autre dit dans ses \
            notes dans quelle fiche elle a été fusionnée, puis est supprimée. Ce sont des changements ordinaires : ils \
            arrivent à chaque bureau au prochain échange.
            Exemple : jonction merge-duplicates --db pole.sqlite kayes-c12 mopti-c40
            """)

    @OptionGroup var options: CommonOptions
    @OptionGroup var author: AuthorOptions

    @Argument(help: "La fiche à garder.")
    var keep: String

    @Argument(help: "La fiche à fusionner dans la première, puis supprimer.")
    var drop: String

    func run() throws {
        let lang = options.language
        try options.withReplica { replica in
            let user = try author.author()
            let merge = try replica.write { tx in
                try tx.act(as: user)
                return try tx.mergeDuplicate(keep: keep, drop: drop)
            }
            print(lang.pick(
                "\(drop) fusionnée dans \(keep) : \(merge.filled.isEmpty ? "aucun champ à compléter" : "champs complétés : " + merge.filled.joined(separator: ", ")), \(merge.moved) proposition(s) ou placement(s) déplacé(s) ; \(drop) est supprimée. La fusion part avec le prochain échange.",
                "\(drop) merged into \(keep): \(merge.filled.isEmpty ? "no field to fill" : "fields filled: " + merge.filled.joined(separator: ", ")), \(merge.moved) proposal(s) or placement(s) moved; \(drop) is deleted. The merge leaves with the next exchange."))
        }
    }
}
