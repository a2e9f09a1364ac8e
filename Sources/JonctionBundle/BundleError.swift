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
            return lang.pick(
                "fichier trop gros pour être un paquet (\(size) octets ; un paquet fait au plus \(ChangeBundle.maximumSize >> 20) Mio). Il n’a pas été lu. Vérifiez que c’est bien un paquet Jonction ; sinon retirez-le du dossier.",
                "file too large to be a bundle (\(size) bytes; a bundle is at most \(ChangeBundle.maximumSize >> 20) MiB). It was not read. Check that it is a Jonction bundle; otherwise remove it from the folder.")
        case .overLimits(let changes, let plainLength):
            return lang.pick(
                "paquet trop volumineux (\(changes) changement(s), \(plainLength) octets une fois décompressé ; un paquet porte au plus \(ChangeBundle.maximumChangeCount) changements et \(ChangeBundle.maximumPlainLength >> 20) Mio). Le programme qui l’a écrit aurait dû le découper : mettez Jonction à jour sur le poste d’origine et refaites l’export.",
                "bundle too large (\(changes) change(s), \(plainLength) bytes once decompressed; a bundle carries at most \(ChangeBundle.maximumChangeCount) changes and \(ChangeBundle.maximumPlainLength >> 20) MiB). The program that wrote it should have split it: update Jonction on the sending machine and export again.")
        }
    }
}
