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
    /// Larger than any bundle this Jonction accepts.
    case tooLarge(Int)
}

extension BundleError: UserFacingError {
    public func message(_ lang: Lang) -> String {
        switch self {
        case .notABundle:
            return lang.pick("ce fichier n’est pas un paquet Jonction. Ne mettez dans le dossier JONCTION de la clé que des fichiers .jnb.",
                             "this file is not a Jonction bundle. Put only .jnb files in the stick's JONCTION folder.")
        case .unknownVersion(let v):
            return lang.pick("paquet au format version \(v), que cette version de Jonction ne sait pas lire (elle lit la version \(ChangeBundle.formatVersion)). Mettez Jonction à jour sur ce poste.",
                             "bundle in format version \(v), which this Jonction cannot read (it reads version \(ChangeBundle.formatVersion)). Update Jonction on this machine.")
        case .truncated:
            return lang.pick("paquet incomplet (copie interrompue ?). Recopiez-le depuis le poste d’origine, ou refaites l’export.",
                             "incomplete bundle (interrupted copy?). Copy it again from the sending machine, or export again.")
        case .damaged:
            return lang.pick("paquet endommagé (la somme de contrôle SHA-256 ne correspond pas). Recopiez-le, ou refaites l’export sur le poste d’origine.",
                             "damaged bundle (the SHA-256 checksum does not match). Copy it again, or export again on the sending machine.")
        case .malformed(let detail):
            return lang.pick("paquet incohérent malgré une somme de contrôle correcte (\(detail)) : il a été écrit par un programme défectueux. Signalez-le à l’administrateur du pôle.",
                             "inconsistent bundle despite a correct checksum (\(detail)): a faulty program wrote it. Report it to the hub administrator.")
        case .newerSchema(let v):
            return lang.pick("paquet écrit avec le modèle de données version \(v), plus récent que celui de ce poste. Mettez Jonction à jour.",
                             "bundle written with data model version \(v), newer than this machine's. Update Jonction.")
        case .tooLarge(let size):
            return lang.pick("fichier trop gros pour être un paquet (\(size) octets).", "file too large to be a bundle (\(size) bytes).")
        }
    }
}
