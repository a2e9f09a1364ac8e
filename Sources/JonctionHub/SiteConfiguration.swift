import Foundation
import Jonction
import JonctionBundle

/// An office's configuration, kept beside its replica at `<replica>.adhesion` by `jonction join`: the
/// join file it adopted (its site, the network, the hub's identity, and for HTTP the hub's address
/// and its access token), and the private authority it trusts for the hub's certificate, if any.
/// `sync` reads it, so that neither the address nor the token is ever typed on a command line.
///
/// It holds a secret (the token): mode 0600, and a file others can read is refused. The text is the
/// join file's, with one more optional line: `pole-ca <PEM certificates, base64url>`.
public struct SiteConfiguration: Sendable, Equatable {
    public var join: JoinFile
    public var authority: CertificateAuthority?

    public init(join: JoinFile, authority: CertificateAuthority? = nil) {
        self.join = join
        self.authority = authority
    }

    /// The configuration kept beside a replica: `<replica>.adhesion`.
    public static func defaultPath(forReplica path: String) -> String { path + ".adhesion" }

    public var text: String {
        join.text + (authority.map { "pole-ca \(Base64URL.encode($0.pem))\n" } ?? "")
    }

    public init(text: String) throws(JoinFileError) {
        var rest: [Substring] = []
        var authority: CertificateAuthority? = nil
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            guard line.hasPrefix("pole-ca ") else { rest.append(line); continue }
            guard authority == nil, let pem = Base64URL.decode(line.dropFirst(8).trimmingCharacters(in: .whitespaces)),
                let ca = CertificateAuthority(pem: Array(pem))
            else { throw .damaged }
            authority = ca
        }
        self.init(join: try JoinFile(text: rest.joined(separator: "\n")), authority: authority)
    }

    /// Reads the configuration at `path`; nil if there is none. One that others can read is refused
    /// (its token is no longer secret).
    public static func read(from path: String) throws(SiteConfigurationError) -> SiteConfiguration? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw .unreadable(path: path)
        }
        guard info.st_mode & 0o077 == 0 else { throw .readableByOthers(path: path) }
        guard info.st_size <= 64 << 10, let data = FileManager.default.contents(atPath: path),
            let text = String(data: data, encoding: .utf8)
        else { throw .unreadable(path: path) }
        do { return try SiteConfiguration(text: text) } catch { throw .damaged(path: path) }
    }

    /// Writes the configuration at `path`, for its owner only (mode 0600), replacing any older one
    /// atomically: a temporary file beside it, flushed to the disk, then renamed over it. A reader sees
    /// the old configuration or the new one, never half of one.
    public func write(to path: String) throws(SiteConfigurationError) {
        do { try OwnedFile.replace(path, Array(text.utf8)) } catch {
            switch error {
            case .exists: throw .unwritable(path: path, reason: String(cString: strerror(EEXIST)))
            case .unwritable(let reason): throw .unwritable(path: path, reason: reason)
            }
        }
    }
}

/// Why the site's configuration cannot be used. Nothing is changed when one is thrown.
public enum SiteConfigurationError: Error, Sendable, Equatable, UserFacingError {
    case unreadable(path: String)
    case readableByOthers(path: String)
    case damaged(path: String)
    case unwritable(path: String, reason: String)
    case otherSite(path: String, configured: SiteName, replica: SiteName)

    public func message(_ lang: Lang) -> String {
        switch self {
        case .unreadable(let path):
            return lang.pick("Impossible de lire la configuration du site \(path) : vérifiez ses droits.",
                             "Cannot read the site's configuration \(path): check its permissions.")
        case .readableByOthers(let path):
            return lang.pick(
                "La configuration du site \(path) est lisible par d’autres comptes : le jeton d’accès qu’elle contient n’est plus secret. Rendez-la privée (chmod 600 \(path)) ; si elle a pu être copiée, demandez un nouveau jeton à l’administrateur du pôle.",
                "The site's configuration \(path) is readable by other accounts: the access token in it is no longer secret. Make it private (chmod 600 \(path)); if it may have been copied, ask the hub administrator for a new token.")
        case .damaged(let path):
            return lang.pick(
                "La configuration du site \(path) est abîmée. Relancez « jonction join » avec le fichier d’adhésion (demandez-en un nouveau à l’administrateur du pôle s’il le faut).",
                "The site's configuration \(path) is damaged. Run “jonction join” again with the join file (ask the hub administrator for a new one if need be).")
        case .unwritable(let path, let reason):
            return lang.pick("Impossible d’écrire la configuration du site \(path) : \(reason). L’ancienne, s’il y en avait une, est intacte.",
                             "Cannot write the site's configuration \(path): \(reason). The old one, if any, is intact.")
        case .otherSite(let path, let configured, let replica):
            return lang.pick(
                "La configuration \(path) est celle du bureau \(configured), mais ce réplica est celui de \(replica) : lancez « jonction join » avec le fichier d’adhésion de \(replica).",
                "The configuration \(path) is office \(configured)'s, but this replica is \(replica)'s: run “jonction join” with \(replica)'s join file.")
        }
    }
}
