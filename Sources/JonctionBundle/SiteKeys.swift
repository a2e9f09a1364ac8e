import Crypto
import Foundation
import Jonction

/// A site's own keys (protocol.md §7): an Ed25519 key that signs what the site originates, and an
/// X25519 key that opens the bundles sealed to it. The private halves live only in the site's key
/// file, readable by its owner alone, never in the replica, a bundle, a log or a message; a copied
/// replica carries no secret.
public struct SiteKeys: Sendable {
    public let site: SiteName
    public let signing: Curve25519.Signing.PrivateKey
    public let agreement: Curve25519.KeyAgreement.PrivateKey

    public init(site: SiteName, signing: Curve25519.Signing.PrivateKey, agreement: Curve25519.KeyAgreement.PrivateKey) {
        self.site = site
        self.signing = signing
        self.agreement = agreement
    }

    /// Fresh keys from the system's random source.
    public static func generate(for site: SiteName) -> SiteKeys {
        SiteKeys(site: site, signing: Curve25519.Signing.PrivateKey(), agreement: Curve25519.KeyAgreement.PrivateKey())
    }

    /// What others may know: the public halves.
    public var identity: SiteIdentity {
        SiteIdentity(site: site, signing: signing.publicKey, agreement: agreement.publicKey)
    }

    /// The key file kept beside a replica: `<replica>.cles`.
    public static func defaultPath(forReplica path: String) -> String { path + ".cles" }

    static let header = "JONCTION-CLES 1"

    /// Writes the key file: a new file only (an existing one is never overwritten), readable and
    /// writable by its owner only (mode 0600), flushed to the disk before it is named.
    public func write(to path: String) throws(KeyFileError) {
        let text = """
            \(SiteKeys.header)
            site \(site)
            signature \(Base64URL.encode(signing.rawRepresentation))
            accord \(Base64URL.encode(agreement.rawRepresentation))

            """
        do { try OwnedFile.create(path, Array(text.utf8)) } catch {
            switch error {
            case .exists: throw .exists(path: path)
            case .unwritable(let reason): throw .unwritable(path: path, reason: reason)
            }
        }
    }

    /// The keys of the key file at `path`, made and written there first if there is none (the demo,
    /// benchmarks and tests, where one process plays every site; `jonction init` makes them otherwise).
    package static func readOrCreate(at path: String, for site: SiteName) throws(KeyFileError) -> SiteKeys {
        do {
            return try read(from: path)
        } catch .missing {
            let keys = generate(for: site)
            try keys.write(to: path)
            return keys
        }
    }

    /// Reads a key file, refusing one that others may read (its keys are then no longer secret).
    public static func read(from path: String) throws(KeyFileError) -> SiteKeys {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .missing(path: path) }
        guard info.st_mode & 0o077 == 0 else { throw .readableByOthers(path: path) }
        guard info.st_size < 4096, let data = FileManager.default.contents(atPath: path),
            let text = String(data: data, encoding: .utf8)
        else { throw .damaged(path: path) }
        var fields: [String: String] = [:]
        let lines = text.split(separator: "\n")
        guard lines.first == Substring(SiteKeys.header) else { throw .damaged(path: path) }
        for line in lines.dropFirst() {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { throw .damaged(path: path) }
            fields[String(parts[0])] = String(parts[1])
        }
        guard let name = fields["site"], SiteName.isValid(name),
            let s = fields["signature"].flatMap(Base64URL.decode), let a = fields["accord"].flatMap(Base64URL.decode),
            let signing = try? Curve25519.Signing.PrivateKey(rawRepresentation: s),
            let agreement = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: a)
        else { throw .damaged(path: path) }
        return SiteKeys(site: SiteName(unchecked: name), signing: signing, agreement: agreement)
    }
}

/// A site's public keys, as the roster lists them and enrolment carries them.
public struct SiteIdentity: Sendable, Equatable {
    public let site: SiteName
    public let signing: Curve25519.Signing.PublicKey
    public let agreement: Curve25519.KeyAgreement.PublicKey

    public init(site: SiteName, signing: Curve25519.Signing.PublicKey, agreement: Curve25519.KeyAgreement.PublicKey) {
        self.site = site
        self.signing = signing
        self.agreement = agreement
    }

    public static func == (a: SiteIdentity, b: SiteIdentity) -> Bool {
        a.site == b.site && a.signing.rawRepresentation == b.signing.rawRepresentation
            && a.agreement.rawRepresentation == b.agreement.rawRepresentation
    }

    /// One line a person can carry to the hub (a file, a message): `jonction-site kayes <signing> <agreement>`,
    /// keys in unpadded base64url.
    public var line: String {
        "jonction-site \(site) \(Base64URL.encode(signing.rawRepresentation)) \(Base64URL.encode(agreement.rawRepresentation))"
    }

    public init?(line: String) {
        let parts = line.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ")
        guard parts.count == 4, parts[0] == "jonction-site", SiteName.isValid(String(parts[1])),
            let s = Base64URL.decode(String(parts[2])), let a = Base64URL.decode(String(parts[3])),
            let signing = try? Curve25519.Signing.PublicKey(rawRepresentation: s),
            let agreement = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: a)
        else { return nil }
        self.init(site: SiteName(unchecked: String(parts[1])), signing: signing, agreement: agreement)
    }

    /// A short code for comparing keys by voice or on paper: the first 10 bytes of the SHA-256 of
    /// `line`, in Crockford base32, in four groups of four (`7QK2-M9XA-…`).
    public var fingerprint: String {
        let digest = Array(SHA256.hash(data: Array(line.utf8)).prefix(10))
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        var bits = 0, value = 0
        var out = ""
        for byte in digest {
            value = (value << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[(value >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        return stride(from: 0, to: out.count, by: 4).map { i in
            String(out[out.index(out.startIndex, offsetBy: i)..<out.index(out.startIndex, offsetBy: min(i + 4, out.count))])
        }.joined(separator: "-")
    }
}

/// Why a key file cannot be used. Nothing is written when one is thrown.
public enum KeyFileError: Error, Sendable, Equatable {
    case exists(path: String)
    case missing(path: String)
    case readableByOthers(path: String)
    case damaged(path: String)
    case unwritable(path: String, reason: String)
}

extension KeyFileError: UserFacingError {
    public func message(_ lang: Lang) -> String {
        switch self {
        case .exists(let path):
            return lang.pick("Un fichier de clés existe déjà à \(path) : il n’a pas été touché.",
                             "A key file already exists at \(path): it was left untouched.")
        case .missing(let path):
            return lang.pick(
                "Fichier de clés introuvable : \(path). Il est créé par « jonction init » à côté du réplica (pour un réplica d’une version sans clés : « jonction keys --create ») ; s’il est perdu, suivez la procédure « Clés perdues » du README.",
                "Key file not found: \(path). “jonction init” creates it beside the replica (for a replica of a version without keys: “jonction keys --create”); if it is lost, follow “Lost keys” in the README.")
        case .readableByOthers(let path):
            return lang.pick(
                "Le fichier de clés \(path) est lisible par d’autres comptes : ses clés ne sont plus secrètes. Rendez-le privé (chmod 600 \(path)) ; s’il a pu être copié, suivez la procédure « Clés perdues » du README.",
                "The key file \(path) is readable by other accounts: its keys are no longer secret. Make it private (chmod 600 \(path)); if it may have been copied, follow “Lost keys” in the README.")
        case .damaged(let path):
            return lang.pick("Le fichier de clés \(path) est illisible ou abîmé. Suivez la procédure « Clés perdues » du README.",
                             "The key file \(path) is unreadable or damaged. Follow “Lost keys” in the README.")
        case .unwritable(let path, let reason):
            return lang.pick("Impossible d’écrire le fichier de clés \(path) : \(reason). Rien n’a été écrit.",
                             "Cannot write the key file \(path): \(reason). Nothing was written.")
        }
    }
}

/// Unpadded base64url (RFC 4648 §5), as keys are written in text.
public enum Base64URL {
    public static func encode<D: DataProtocol>(_ data: D) -> String {
        Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ text: String) -> Data? {
        guard text.utf8.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x5F })
        else { return nil }
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s)
    }
}
