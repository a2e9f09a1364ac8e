import Jonction

/// What the replica refuses or cannot do. Thrown before anything is written, or from inside a
/// transaction that is then rolled back: a replica is never left half-written.
public enum StoreError: Error, Sendable, Equatable {
    /// `init` over an existing file: it is never overwritten.
    case replicaExists(path: String)
    case noReplica(path: String)
    /// The file is not a Jonction replica (not SQLite, or another application's database).
    case notAReplica(path: String)
    /// The replica was written by a newer Jonction: its storage has migrations this one does not know.
    case newerSchema(path: String, unknownMigrations: [String])
    case directoryMissing(path: String)
    case recordNotFound(table: String, id: String)
    case recordDeleted(table: String, id: String, by: Stamp)
    case recordErased(table: String, id: String)
    case authorRequired(site: SiteName)
    case unknownUser(String, site: SiteName)
    case roleRequired(user: String, has: String, needs: String)
    case userExists(String)
    case lastAdministrator(String)
    case noFields(table: String, id: String)
    case duplicateField(String)
    /// Changes of `origin` start at `first` while the replica holds up to `held`: `held+1…first-1` is missing.
    case gap(origin: SiteName, held: UInt64, first: UInt64)
    /// A site sent, under a number we hold, a different change: it was restored from a backup and
    /// wrote again before taking back its own changes.
    case reusedSeq(origin: SiteName, seq: UInt64)
    /// A received change that the data model refuses (a table, field or value this schema lacks).
    case invalidChange(origin: SiteName, seq: UInt64, reason: SchemaError)
    /// Changes of `origin` dated more than 7 days ahead of this machine's clock (protocol.md §3.1).
    case clockAhead(origin: SiteName, aheadMillis: UInt64)
    /// A local write refused because this machine's clock is doubtful (see `ClockRule.Verdict`).
    case clockDoubtful(ClockRule.Verdict)
    /// `clock --restamp` refused: `peer` already holds this site's change `seq`, dated in the future.
    case futureChangesHeld(peer: SiteName, seq: UInt64)
    /// The disk is full: the transaction was rolled back.
    case diskFull(path: String)
    /// Another program holds the replica (a merge, a sync) for longer than we waited.
    case busy(path: String)
    /// The database file is damaged.
    case corrupt(path: String)
    /// The file or its folder cannot be written.
    case readOnly(path: String)
    /// A local write on a replica made for an existing office (`init --restore`) before it got its
    /// own changes back from the hub: it would reuse seqs the network already holds.
    case restoring(site: SiteName, path: String)
    case invalidNetwork(String)
    /// A bundle from another Jonction network (a demo, a training laptop): never mixed in.
    case foreignNetwork(ours: String, theirs: String, sender: SiteName)
    /// A scoped delivery from the hub completes a generation this office never merged (protocol.md
    /// §5.10): the office was restored from a backup since it acknowledged it.
    case scopeAhead(base: UInt64, held: UInt64)
    /// A partial replica receives other sites' changes from the hub only (protocol.md §2.6).
    case partialReceivesFromHubOnly(sender: SiteName)
    /// Any other SQLite failure, with SQLite's own message (for the administrator).
    case sqlite(path: String, code: Int32, message: String)
}

extension StoreError: UserFacingError {
    public func message(_ lang: Lang) -> String {
        switch self {
        case .replicaExists(let path):
            return lang.pick(
                "Un fichier existe déjà à \(path) : il n’a pas été touché. Choisissez un autre chemin avec --db, ou utilisez ce réplica tel quel.",
                "A file already exists at \(path): it was left untouched. Choose another path with --db, or use that replica as it is.")
        case .noReplica(let path):
            return lang.pick(
                "Aucun réplica à \(path). Créez-le avec « jonction init --db \(path) --site NOM », ou indiquez le bon fichier avec --db ou JONCTION_DB.",
                "No replica at \(path). Create it with “jonction init --db \(path) --site NAME”, or name the right file with --db or JONCTION_DB.")
        case .notAReplica(let path):
            return lang.pick(
                "Le fichier \(path) n’est pas un réplica Jonction : il n’a pas été modifié. Vérifiez le chemin donné à --db.",
                "The file \(path) is not a Jonction replica: it was not modified. Check the path given to --db.")
        case .newerSchema(let path, let unknown):
            return lang.pick(
                "Le réplica \(path) a été écrit par une version plus récente de Jonction (\(lang.list(unknown))). Mettez Jonction à jour sur ce poste ; le fichier n’a pas été modifié.",
                "The replica \(path) was written by a newer Jonction (\(lang.list(unknown))). Update Jonction on this machine; the file was not modified.")
        case .directoryMissing(let path):
            return lang.pick(
                "Le dossier \(path) n’existe pas. Créez-le d’abord, ou choisissez un autre chemin.",
                "The folder \(path) does not exist. Create it first, or choose another path.")
        case .recordNotFound(let table, let id):
            return lang.pick(
                "Aucun enregistrement « \(id) » dans la table \(table). Vérifiez l’identifiant (« jonction dump » liste les enregistrements).",
                "No record “\(id)” in table \(table). Check the id (“jonction dump” lists the records).")
        case .recordDeleted(let table, let id, let by):
            return lang.pick(
                "L’enregistrement « \(id) » de la table \(table) a été supprimé (par \(by.site), le \(by.hlc.frenchDate)) : une suppression est définitive. Créez un nouvel enregistrement avec un autre identifiant.",
                "Record “\(id)” of table \(table) was deleted (by \(by.site), on \(by.hlc.englishDate)): a delete is final. Create a new record with another id.")
        case .recordErased(let table, let id):
            return lang.pick(
                "L’enregistrement « \(id) » de la table \(table) est déjà effacé : ses valeurs ne sont plus nulle part dans ce réplica, et l’effacement parvient aux autres sites avec les échanges. Il n’y a rien d’autre à faire.",
                "Record “\(id)” of table \(table) is already erased: its values are nowhere in this replica any more, and the erasure reaches the other sites with the exchanges. There is nothing more to do.")
        case .authorRequired(let site):
            return lang.pick(
                "Qui fait ce changement ? Le site \(site) a une liste d’utilisateurs : donnez votre nom d’utilisateur avec --as NOM (ou la variable JONCTION_USER). « jonction users list » montre la liste.",
                "Who is making this change? Site \(site) has a user list: give your user name with --as NAME (or the JONCTION_USER variable). “jonction users list” shows the list.")
        case .unknownUser(let name, let site):
            return lang.pick(
                "« \(name) » n’est pas un utilisateur actif du site \(site). Vérifiez l’orthographe (« jonction users list ») ou demandez à un administrateur du site de vous ajouter.",
                "“\(name)” is not an active user of site \(site). Check the spelling (“jonction users list”) or ask an administrator of the site to add you.")
        case .roleRequired(let user, let has, let needs):
            return lang.pick(
                "\(user) a le rôle « \(UserRole(rawValue: has)?.frenchName ?? has) » : cette action demande le rôle « \(UserRole(rawValue: needs)?.frenchName ?? needs) » ou plus. Demandez-la à un responsable, ou à un administrateur de changer votre rôle.",
                "\(user) has the role “\(has)”: this needs the role “\(needs)” or above. Ask a manager to do it, or an administrator to change your role.")
        case .userExists(let name):
            return lang.pick("L’utilisateur « \(name) » existe déjà. « jonction users list » montre la liste.",
                             "User “\(name)” exists already. “jonction users list” shows the list.")
        case .lastAdministrator(let name):
            return lang.pick(
                "\(name) est le dernier administrateur du site : ajoutez d’abord un autre administrateur, sinon plus personne ne pourrait gérer la liste.",
                "\(name) is the site’s last administrator: add another administrator first, or nobody could manage the list any more.")
        case .noFields(let table, let id):
            return lang.pick(
                "Aucun champ à écrire pour \(table) \(id). Donnez au moins un champ=valeur, par exemple : jonction put \(table) \(id) status=registered",
                "No field to write for \(table) \(id). Give at least one field=value, e.g.: jonction put \(table) \(id) status=registered")
        case .duplicateField(let field):
            return lang.pick(
                "Le champ « \(field) » est donné deux fois. Donnez chaque champ une seule fois.",
                "Field “\(field)” is given twice. Give each field once.")
        case .gap(let origin, let held, let first):
            let missing = first - 1 == held + 1 ? "\(held + 1)" : "\(held + 1)–\(first - 1)"
            return lang.pick(
                "Trou dans les changements de \(origin) : ce réplica en a jusqu’au n° \(held), le paquet commence au n° \(first) ; il manque les n° \(missing). Importez d’abord le paquet précédent (la clé USB d’avant), ou demandez à l’expéditeur un export complet (--full). Rien n’a été modifié.",
                "Gap in the changes of \(origin): this replica holds up to #\(held), the bundle starts at #\(first); #\(missing) are missing. Import the earlier bundle first (the previous USB stick), or ask the sender for a full export (--full). Nothing was changed.")
        case .scopeAhead(let base, let held):
            return lang.pick(
                "Ce paquet du pôle complète la livraison n° \(base) du périmètre de ce bureau, qui n’a reçu que la n° \(held) (réplica restauré d’une sauvegarde ?). Rien n’a été modifié. Faites un export vers le pôle puis synchronisez : le pôle renverra tout le périmètre.",
                "This bundle from the hub completes delivery #\(base) of this office's scope, but this office only merged #\(held) (replica restored from a backup?). Nothing was changed. Export to the hub, then sync: the hub will send the whole scope again.")
        case .partialReceivesFromHubOnly(let sender):
            return lang.pick(
                "Ce bureau ne tient que les personnes de son périmètre : il reçoit les changements des autres sites par le pôle seulement. Le paquet de « \(sender) » est refusé, rien n’a été modifié ; portez-le au pôle (il y est destiné s’il a été écrit pour « hub »).",
                "This office holds only the people of its scope: it receives other sites' changes from the hub only. The bundle from “\(sender)” is refused, nothing was changed; take it to the hub (it belongs there if it was written for “hub”).")
        case .reusedSeq(let origin, let seq):
            return lang.pick(
                "Le site \(origin) envoie sous le n° \(seq) un changement différent de celui déjà reçu : son réplica a sans doute été restauré d’une sauvegarde, puis a servi avant de récupérer ses propres changements. Le paquet est refusé pour ne rien perdre ; rien n’a été modifié. Sur le poste de \(origin) : mettez ce réplica de côté, créez-en un nouveau sous un autre nom de site (ex. \(origin)-2), importez un export complet du pôle (--full) et ressaisissez ce qui a été enregistré depuis la restauration.",
                "Site \(origin) sends under #\(seq) a change different from the one already received: its replica was probably restored from a backup, then used before it got its own changes back. The bundle is refused so that nothing is lost; nothing was changed. On \(origin)'s machine: set that replica aside, create a new one under another site name (e.g. \(origin)-2), import a full export from the hub (--full) and re-enter what was recorded since the restore.")
        case .invalidChange(let origin, let seq, let reason):
            return lang.pick(
                "Le changement n° \(seq) de \(origin) est refusé : \(reason.message(lang)) Le paquet vient peut-être d’une version plus récente de Jonction. Rien n’a été modifié.",
                "Change #\(seq) of \(origin) is refused: \(reason.message(lang)) The bundle may come from a newer Jonction. Nothing was changed.")
        case .clockAhead(let origin, let ahead):
            let days = Double(ahead) / 86_400_000
            let lead = days >= 2 ? lang.pick("\(Int(days)) jours", "\(Int(days)) days")
                : lang.pick("\(ahead / 3_600_000) h", "\(ahead / 3_600_000) h")
            return lang.pick(
                "Des changements de \(origin) sont datés de \(lead) plus tard que l’horloge de ce poste : l’horloge de \(origin) avance (ou celle de ce poste retarde). Le paquet est refusé, rien n’a été modifié. Sur le poste de \(origin) : corrigez la date et l’heure, puis lancez « jonction clock --restamp » et renvoyez ses changements. Si c’est l’horloge de ce poste-ci qui retarde, corrigez-la et réimportez.",
                "Changes of \(origin) are dated \(lead) later than this machine's clock: \(origin)'s clock runs ahead (or this one runs behind). The bundle is refused, nothing was changed. On \(origin)'s machine: correct the date and time, then run “jonction clock --restamp” and send its changes again. If it is this machine's clock that runs behind, correct it and import again.")
        case .clockDoubtful(let verdict):
            return verdict.message(lang) + lang.pick(" Rien n’a été écrit.", " Nothing was written.")
        case .futureChangesHeld(let peer, let seq):
            return lang.pick(
                "Le site \(peer) a déjà reçu le changement n° \(seq) de ce site, daté du futur : on ne peut plus le redater sans créer un désaccord. Rien n’a été modifié. Attendez que cette date soit passée, ou remplacez ce réplica (nouveau nom de site, export complet du pôle, voir le README).",
                "Site \(peer) already holds this site's change #\(seq), dated in the future: it can no longer be restamped without a disagreement. Nothing was changed. Wait until that date has passed, or replace this replica (new site name, full export from the hub, see the README).")
        case .diskFull(let path):
            return lang.pick(
                "Le disque est plein (\(path)) : l’opération a été annulée, rien n’a été modifié. Libérez de l’espace puis recommencez.",
                "The disk is full (\(path)): the operation was cancelled, nothing was changed. Free some space and try again.")
        case .busy(let path):
            return lang.pick(
                "Le réplica \(path) est occupé par un autre programme Jonction (fusion ou synchronisation en cours). Réessayez dans un moment.",
                "The replica \(path) is busy with another Jonction program (a merge or sync is running). Try again in a moment.")
        case .corrupt(let path):
            return lang.pick(
                "Le fichier \(path) est endommagé. Ne l’utilisez plus : restaurez la dernière sauvegarde, puis importez les paquets reçus depuis (ou demandez un export complet au pôle).",
                "The file \(path) is damaged. Stop using it: restore the last backup, then import the bundles received since (or ask the hub for a full export).")
        case .readOnly(let path):
            return lang.pick(
                "Impossible d’écrire dans \(path) (fichier ou dossier en lecture seule). Vérifiez les droits d’accès.",
                "Cannot write to \(path) (read-only file or folder). Check the permissions.")
        case .restoring(let site, let path):
            return lang.pick(
                "Ce réplica remplace le poste de \(site) (créé avec « init --restore ») : avant toute saisie, il doit recevoir l’export complet du pôle, qui contient les changements déjà envoyés par \(site). Sinon leurs numéros seraient réutilisés et le pôle refuserait les paquets suivants. Au pôle : « jonction export --db pole.sqlite --to DOSSIER --for \(site) --full » ; ici : « jonction import --db \(path) DOSSIER » (ou « jonction sync »). Rien n’a été modifié. Si le pôle n’a vraiment jamais rien reçu de \(site) (un bureau tout neuf) : « jonction confirm-new-office --db \(path) ».",
                "This replica replaces \(site)'s machine (created with “init --restore”): before any entry, it must receive the hub's full export, which holds the changes \(site) already sent. Otherwise their numbers would be reused and the hub would refuse the next bundles. At the hub: “jonction export --db hub.sqlite --to FOLDER --for \(site) --full”; here: “jonction import --db \(path) FOLDER” (or “jonction sync”). Nothing was changed. If the hub truly never received anything from \(site) (a brand-new office): “jonction confirm-new-office --db \(path)”.")
        case .invalidNetwork(let network):
            return lang.pick(
                "Identifiant de réseau invalide « \(network) » : 32 chiffres hexadécimaux minuscules (voir « jonction status » sur le pôle).",
                "Invalid network id “\(network)”: 32 lowercase hexadecimal digits (see “jonction status” on the hub).")
        case .foreignNetwork(let ours, let theirs, let sender):
            return lang.pick(
                "Ce paquet de \(sender) appartient à un autre réseau Jonction (\(theirs.prefix(8))…, le vôtre est \(ours.prefix(8))…) : une démonstration ou un poste de formation, sans doute. Il est refusé pour ne pas mélanger les données ; rien n’a été modifié.",
                "This bundle from \(sender) belongs to another Jonction network (\(theirs.prefix(8))…, yours is \(ours.prefix(8))…): a demo or a training laptop, probably. It is refused so as not to mix data; nothing was changed.")
        case .sqlite(let path, let code, let message):
            return lang.pick(
                "Erreur SQLite \(code) sur \(path) : \(message). Rien n’a été modifié.",
                "SQLite error \(code) on \(path): \(message). Nothing was changed.")
        }
    }
}

extension ClockRule.Verdict {
    /// What is wrong with this machine's clock and what to do, for `status` and refused writes.
    public func message(_ lang: Lang) -> String {
        switch self {
        case .trusted:
            return ""
        case .behindOwnClock(let wall, let last):
            return lang.pick(
                "L’horloge de ce poste indique le \(HLC(millis: wall).frenchDate), mais ce réplica a déjà des changements datés du \(HLC(millis: last).frenchDate) : l’horloge a avancé puis a été remise à l’heure. Si la date d’aujourd’hui est juste, lancez « jonction clock --restamp » (les changements de ce site datés du futur reprennent la date d’aujourd’hui), puis recommencez ; sinon corrigez la date et l’heure du poste.",
                "This machine's clock says \(HLC(millis: wall).englishDate), but this replica already has changes dated \(HLC(millis: last).englishDate): the clock ran ahead and was put back. If today's date is right, run “jonction clock --restamp” (this site's changes dated in the future take today's date), then try again; otherwise correct the machine's date and time.")
        case .farAhead(let wall, let reference):
            let days = (wall - reference) / 86_400_000
            return lang.pick(
                "L’horloge de ce poste indique le \(HLC(millis: wall).frenchDate), \(days) jours après tout ce que ce réplica sait être vrai (le \(HLC(millis: reference).frenchDate) : sa création, le dernier changement reçu, ou la dernière confirmation). Vérifiez la date et l’heure du poste ; si elles sont justes, confirmez-les avec « jonction clock --confirm », puis recommencez.",
                "This machine's clock says \(HLC(millis: wall).englishDate), \(days) days after everything this replica knows to be true (\(HLC(millis: reference).englishDate): its creation, the last change received, or the last confirmation). Check the machine's date and time; if they are right, confirm them with “jonction clock --confirm”, then try again.")
        }
    }
}
