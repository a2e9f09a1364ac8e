import ArgumentParser
import Jonction
import JonctionStore

struct Erase: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Effacer un enregistrement : toutes ses valeurs disparaissent, ici et sur chaque site où l’effacement arrive.",
        discussion: """
            Pour le droit à l’effacement (loi 2013-015) ou quand une personne retire son consentement. \
            Comme une suppression, l’effacement l’emporte sur toute modification venue d’un autre site ; \
            de plus, chaque valeur que l’enregistrement a eue quitte la fiche, le journal des changements, \
            l’historique des conflits et le fichier SQLite (pages libres et journal WAL compris), ici \
            tout de suite, puis sur chaque réplica qui reçoit l’effacement par clé USB ou synchronisation. \
            Effacer une personne (table candidate) efface aussi ses propositions et ses placements. \
            Les changements gardent leur date et leur site, sans leur valeur : la synchronisation \
            continue sans trou. Les copies hors de Jonction (sauvegardes, exports en clair) ne sont pas \
            touchées : effacez-les à la main. Irréversible.
            """)

    @OptionGroup var options: CommonOptions
    @OptionGroup var author: AuthorOptions

    @Argument(help: "Table de l’enregistrement (candidate, employer, opportunity, proposal, placement).")
    var table: String

    @Argument(help: "Identifiant de l’enregistrement.")
    var id: String

    @Flag(help: "Sortie JSON.")
    var json = false

    func run() throws {
        let lang = options.language
        try options.withReplica { replica in
            let user = try author.author()
            let changes = try replica.write { tx in
                try tx.act(as: user, needing: .manager)
                return try tx.erase(table: table, id: id)
            }
            if json {
                var out = CanonicalJSON()
                out.beginObject()
                out.key("erased")
                out.beginArray()
                for c in changes {
                    out.beginObject()
                    out.key("id"); out.string(c.id)
                    out.key("seq"); out.integer(c.seq)
                    out.key("table"); out.string(c.table)
                    out.endObject()
                }
                out.endArray()
                out.endObject()
                print(out.output)
                return
            }
            print(lang.pick("\(table) \(id) effacé : ses valeurs ne sont plus dans ce réplica.",
                            "\(table) \(id) erased: its values are no longer in this replica."))
            let others = changes.dropFirst()
            if !others.isEmpty {
                let list = others.map { "\($0.table) \($0.id)" }
                print(lang.pick("Effacés avec : \(lang.list(list, limit: 20)).", "Erased with it: \(lang.list(list, limit: 20))."))
            }
            print(lang.pick(
                "L’effacement partira vers les autres sites au prochain échange (clé USB ou « jonction sync »). Pensez aux sauvegardes et aux exports faits avant.",
                "The erasure leaves for the other sites with the next exchange (USB stick or “jonction sync”). Mind the backups and exports made before."))
        }
    }
}

struct Purge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Durée de conservation : effacer les personnes dont le dossier est clos (placée ou sortie du programme) avant une date.",
        discussion: """
            Chaque personne dont le statut est « placed » ou « withdrawn » depuis avant la date est \
            effacée comme par « jonction erase » (avec ses propositions et placements). --dry-run \
            montre la liste sans rien effacer. Irréversible.
            """)

    @OptionGroup var options: CommonOptions
    @OptionGroup var author: AuthorOptions

    @Option(name: .customLong("closed-before"), help: "Date (AAAA-MM-JJ ou JJ/MM/AAAA) : dossiers clos avant ce jour.")
    var closedBefore: String

    @Flag(name: .customLong("dry-run"), help: "Montrer ce qui serait effacé, sans rien effacer.")
    var dryRun = false

    @Flag(help: "Sortie JSON.")
    var json = false

    func run() throws {
        let lang = options.language
        try running(lang) {
            guard let cutoff = Field.millis(ofDate: closedBefore) else { throw CommandError.invalidDate(closedBefore) }
            try options.withReplica(dryRun ? .readOnly : .readWrite) { replica in
                let ids = dryRun
                    ? try replica.read { try $0.candidatesClosed(before: cutoff) }
                    : try replica.write { tx in
                        try tx.act(as: try author.author(), needing: .manager)
                        return try tx.purge(closedBefore: cutoff)
                    }
                if json {
                    var out = CanonicalJSON()
                    out.beginObject()
                    out.key("candidates")
                    out.beginArray()
                    for id in ids { out.string(id) }
                    out.endArray()
                    out.key("dry_run"); out.bool(dryRun)
                    out.endObject()
                    print(out.output)
                    return
                }
                if ids.isEmpty {
                    print(lang.pick("Aucun dossier clos avant le \(closedBefore) : rien à effacer.",
                                    "No file closed before \(closedBefore): nothing to erase."))
                    return
                }
                let list = lang.list(ids, limit: 30)
                print(dryRun
                    ? lang.pick("\(ids.count) personne(s) seraient effacées : \(list). (Rien n’a été effacé.)",
                                "\(ids.count) person(s) would be erased: \(list). (Nothing was erased.)")
                    : lang.pick("\(ids.count) personne(s) effacées : \(list). L’effacement partira vers les autres sites au prochain échange.",
                                "\(ids.count) person(s) erased: \(list). The erasure leaves for the other sites with the next exchange."))
            }
        }
    }
}
