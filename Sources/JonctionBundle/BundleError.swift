import Jonction

/// Why a bundle file is refused. Refusal happens before the replica is touched.
public enum BundleError: Error, Sendable, Equatable {
    /// Not a Jonction bundle at all (a photo, a document, another program's file).
    case notABundle
    /// A bundle of a format version this Jonction does not read.
    case unknownVersion(UInt8)
    /// The file ends before the bundle does (copy interrupted, stick pulled out).
    case truncated
    /// The checksum does not match: bytes were damaged on the way.
    case damaged
    /// The checksum matches but the contents are inconsistent: written by a faulty program.
    case malformed(String)
    /// Written with a newer data model than this Jonction knows.
    case newerSchema(Int)
    /// A file larger than any bundle (`ChangeBundle.maximumSize` bytes): refused unread.
    case tooLarge(Int)
    /// A bundle that announces more changes or a larger plain body than one bundle may carry
    /// (protocol.md §5.2): its writer should have split it.
    case overLimits(changes: Int, plainLength: Int)

    // Format 2 (protocol.md §5.6): who wrote it, for whom, and whether it says the truth.

    /// A format 2 bundle reached a site that has not joined a network: it holds no roster to check it.
    case noKeyring
    /// The roster the bundle carries is not the hub's.
    case roster(RosterError)
    /// The sender is not in the roster.
    case unknownSender(SiteName)
    /// The sender was revoked.
    case revokedSender(SiteName)
    /// The sender's signature does not match the file: altered on the way, or not written by it.
    case forged(SiteName)
    /// The bundle is for another site (the mailbag leaves those; a wrong file given by name).
    case notForThisSite(SiteName)
    /// The sealed body does not open with this site's key.
    case cannotOpen
    /// A segment signed by a site other than its origin or the hub.
    case signedByAnother(origin: SiteName, signer: SiteName)
    /// Changes of an origin the roster does not list, or with no key for those seqs.
    case unknownOrigin(SiteName)
    /// A segment whose signature is wrong.
    case forgedSegment(origin: SiteName, signer: SiteName)
    /// Changes a revoked office wrote after its revocation.
    case revokedChanges(origin: SiteName, after: UInt64)
    /// A format 1 bundle (unsigned) refused: the transition is over, or its sender or an origin it
    /// carries has keys in the roster (protocol.md §5.5).
    case formatOneRefused(SiteName)
    /// A bundle cannot be sealed for a site the roster does not list.
    case unknownAddressee(SiteName)
    /// Nor for a revoked one.
    case revokedAddressee(SiteName)
    /// This site's keys are not those the roster lists for it (or it is not listed): what it signed
    /// would be refused everywhere, so it does not write.
    case keysNotEnrolled(SiteName)
    /// The scope of an office holding a partial replica takes more than one bundle (§5.10).
    case scopeTooLarge(office: SiteName, records: Int)
}

extension BundleError: UserFacingError {
    public func message(_ lang: Lang) -> String {
        switch self {
        case .notABundle:
            return lang.pick("ce fichier n’est pas un paquet Jonction. Ne mettez dans le dossier JONCTION de la clé que des fichiers .jnb.",
                             "this file is not a Jonction bundle. Put only .jnb files in the stick's JONCTION folder.")
        case .unknownVersion(let v):
            return lang.pick("paquet au format version \(v), que cette version de Jonction ne sait pas lire (elle lit les versions 1 à \(ChangeBundle.scopedFormatVersion)). Mettez Jonction à jour sur ce poste.",
                             "bundle in format version \(v), which this Jonction cannot read (it reads versions 1 to \(ChangeBundle.scopedFormatVersion)). Update Jonction on this machine.")
        case .truncated:
            return lang.pick("paquet incomplet (copie interrompue ?). Recopiez-le depuis le poste d’origine, ou refaites l’export.",
                             "incomplete bundle (interrupted copy?). Copy it again from the sending machine, or export again.")
        case .damaged:
            return lang.pick("paquet endommagé (ses octets ne sont plus ceux qui ont été écrits). Recopiez-le, ou refaites l’export sur le poste d’origine.",
                             "damaged bundle (its bytes are no longer those that were written). Copy it again, or export again on the sending machine.")
        case .malformed(let detail):
            return lang.pick("paquet incohérent, bien qu’intact (\(detail)) : il a été écrit par un programme défectueux. Signalez-le à l’administrateur du pôle.",
                             "inconsistent bundle, though intact (\(detail)): a faulty program wrote it. Report it to the hub administrator.")
        case .newerSchema(let v):
            return lang.pick("paquet écrit avec le modèle de données version \(v), plus récent que celui de ce poste. Mettez Jonction à jour.",
                             "bundle written with data model version \(v), newer than this machine's. Update Jonction.")
        case .tooLarge(let size):
            return lang.pick(
                "fichier trop gros pour être un paquet (\(size) octets ; un paquet fait au plus \(ChangeBundle.maximumSize >> 20) Mio). Il n’a pas été lu. Vérifiez que c’est bien un paquet Jonction ; sinon retirez-le du dossier.",
                "file too large to be a bundle (\(size) bytes; a bundle is at most \(ChangeBundle.maximumSize >> 20) MiB). It was not read. Check that it is a Jonction bundle; otherwise remove it from the folder.")
        case .noKeyring:
            return lang.pick(
                "paquet signé (format 2), mais ce poste n’a pas encore rejoint le réseau : il n’a ni clés ni liste des sites pour le vérifier. Faites « jonction join » avec le fichier d’adhésion donné par le pôle (s’il date d’avant les paquets signés, ajoutez « --roster » avec la liste que le pôle écrit par « jonction hub roster --out »), puis recommencez.",
                "signed bundle (format 2), but this machine has not joined the network yet: it has no keys or site roster to check it. Run “jonction join” with the join file the hub gave (if it dates from before signed bundles, add “--roster” with the roster the hub writes with “jonction hub roster --out”), then try again.")
        case .roster(let error):
            return lang.pick("la liste des sites jointe au paquet est refusée : ", "the site roster inside the bundle is refused: ")
                + error.message(lang)
        case .unknownSender(let site):
            return lang.pick(
                "paquet écrit par « \(site) », qui n’est pas dans la liste des sites de ce poste. Si c’est un nouveau bureau, synchronisez d’abord avec le pôle (la liste arrivera), puis recommencez ; sinon, ne l’importez pas.",
                "bundle written by “\(site)”, which is not in this machine's site roster. If it is a new office, sync with the hub first (the roster will come), then try again; otherwise, do not import it.")
        case .revokedSender(let site):
            return lang.pick(
                "paquet écrit par « \(site) », un site révoqué par le pôle : il est refusé, rien n’a été modifié. Prévenez l’administrateur du pôle d’où vient cette clé.",
                "bundle written by “\(site)”, a site the hub revoked: it is refused, nothing was changed. Tell the hub administrator where this stick came from.")
        case .forged(let site):
            return lang.pick(
                "la signature de « \(site) » ne correspond pas au paquet : il a été modifié en chemin, ou n’a pas été écrit par « \(site) ». Il est refusé, rien n’a été modifié. Refaites l’export sur le poste d’origine.",
                "“\(site)”'s signature does not match the bundle: it was altered on the way, or not written by “\(site)”. It is refused, nothing was changed. Export again on the sending machine.")
        case .notForThisSite(let site):
            return lang.pick(
                "ce paquet est destiné à « \(site) », pas à ce poste : il ne peut pas être ouvert ici. Laissez-le sur la clé pour « \(site) ».",
                "this bundle is for “\(site)”, not for this machine: it cannot be opened here. Leave it on the stick for “\(site)”.")
        case .cannotOpen:
            return lang.pick(
                "le contenu scellé du paquet ne s’ouvre pas avec la clé de ce poste : il a été scellé pour d’autres clés (clés refaites depuis ?) ou modifié. Rien n’a été modifié ; demandez un nouvel export.",
                "the bundle's sealed contents do not open with this machine's key: it was sealed for other keys (keys made again since?) or altered. Nothing was changed; ask for a new export.")
        case .signedByAnother(let origin, let signer):
            return lang.pick(
                "le paquet contient des changements de « \(origin) » signés par « \(signer) » : un site ne parle que pour lui-même. Paquet refusé, rien n’a été modifié ; prévenez l’administrateur du pôle.",
                "the bundle holds changes of “\(origin)” signed by “\(signer)”: a site speaks for itself only. Bundle refused, nothing was changed; tell the hub administrator.")
        case .unknownOrigin(let origin):
            return lang.pick(
                "le paquet contient des changements de « \(origin) », que la liste des sites de ce poste ne permet pas de vérifier. Synchronisez d’abord avec le pôle, puis recommencez.",
                "the bundle holds changes of “\(origin)”, which this machine's site roster cannot check. Sync with the hub first, then try again.")
        case .forgedSegment(let origin, let signer):
            return lang.pick(
                "des changements de « \(origin) » ne correspondent pas à la signature de « \(signer) » : ils ont été modifiés ou fabriqués. Paquet refusé, rien n’a été modifié ; prévenez l’administrateur du pôle.",
                "changes of “\(origin)” do not match “\(signer)”'s signature: they were altered or forged. Bundle refused, nothing was changed; tell the hub administrator.")
        case .revokedChanges(let origin, let after):
            return lang.pick(
                "le paquet contient des changements écrits par « \(origin) » après sa révocation (au-delà du n° \(after)) : refusé, rien n’a été modifié. Prévenez l’administrateur du pôle d’où vient cette clé.",
                "the bundle holds changes “\(origin)” wrote after it was revoked (beyond no. \(after)): refused, nothing was changed. Tell the hub administrator where this stick came from.")
        case .formatOneRefused(let site):
            return lang.pick(
                "paquet de l’ancien format 1 (non signé) venant de « \(site) », refusé : ce réseau signe ses paquets (format 2). Mettez Jonction à jour sur le poste d’origine, faites-y « jonction keys » et inscrivez ses clés au pôle, puis refaites l’export.",
                "bundle in the old format 1 (unsigned) from “\(site)”, refused: this network signs its bundles (format 2). Update Jonction on the sending machine, run “jonction keys” there and enrol its keys at the hub, then export again.")
        case .unknownAddressee(let site):
            return lang.pick(
                "« \(site) » n’est pas dans la liste des sites de ce poste : un paquet ne peut lui être scellé. Vérifiez le nom ; un nouveau bureau doit être inscrit au pôle avec ses clés (« jonction hub enroll --identity »), puis la liste arrive ici à la synchronisation suivante.",
                "“\(site)” is not in this machine's site roster: no bundle can be sealed to it. Check the name; a new office must be enrolled at the hub with its keys (“jonction hub enroll --identity”), then the roster reaches this machine at the next sync.")
        case .revokedAddressee(let site):
            return lang.pick("« \(site) » a été révoqué par le pôle : aucun paquet ne lui est écrit.",
                             "“\(site)” was revoked by the hub: no bundle is written for it.")
        case .keysNotEnrolled(let site):
            return lang.pick(
                "les clés de ce poste ne sont pas celles que la liste des sites du pôle donne à « \(site) » (ou « \(site) » n’y figure pas) : ses paquets seraient refusés partout, rien n’a été écrit. Donnez au pôle l’identité affichée par « jonction keys » (« jonction hub enroll --identity »), puis faites « jonction join » avec le nouveau fichier d’adhésion.",
                "this machine's keys are not those the hub's site roster gives “\(site)” (or “\(site)” is not in it): its bundles would be refused everywhere, nothing was written. Give the hub the identity “jonction keys” shows (“jonction hub enroll --identity”), then run “jonction join” with the new join file.")
        case .scopeTooLarge(let office, let records):
            return lang.pick(
                "le périmètre de « \(office) » demande d’envoyer \(records) fiche(s) d’un coup, plus qu’un paquet n’en porte : rien n’a été écrit. Réduisez ses régions (« jonction hub scope »), ou donnez-lui tout (sans région) le temps d’une synchronisation.",
                "the scope of “\(office)” needs \(records) record(s) at once, more than one bundle carries: nothing was written. Narrow its regions (“jonction hub scope”), or give it everything (no region) for one sync.")
        case .overLimits(let changes, let plainLength):
            return lang.pick(
                "paquet trop volumineux (\(changes) changement(s), \(plainLength) octets une fois décompressé ; un paquet porte au plus \(ChangeBundle.maximumChangeCount) changements et \(ChangeBundle.maximumPlainLength >> 20) Mio). Le programme qui l’a écrit aurait dû le découper : mettez Jonction à jour sur le poste d’origine et refaites l’export.",
                "bundle too large (\(changes) change(s), \(plainLength) bytes once decompressed; a bundle carries at most \(ChangeBundle.maximumChangeCount) changes and \(ChangeBundle.maximumPlainLength >> 20) MiB). The program that wrote it should have split it: update Jonction on the sending machine and export again.")
        }
    }
}
