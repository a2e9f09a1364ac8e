import Foundation
import Jonction
import JonctionBundle

/// What an office needs to join the network, written by `hub enroll` and carried to the office by
/// the administrator (a stick, never a chat): its name, the network, the hub's public identity
/// (which the office then trusts for the roster), and for offices that sync over HTTP the hub's
/// address and the office's access token. It holds a secret (the token): readable by its owner only.
///
/// Text, one field per line:
///
///     JONCTION-ADHESION 1
///     site kayes
///     reseau 0123456789abcdef0123456789abcdef
///     pole-identite jonction-site hub <signing key> <agreement key>
///     pole-adresse https://pole.example.org:8443      (optional)
///     jeton jnct_…                                    (optional)
///     liste <signed roster, base64url>                (the roster when the file was written)
public struct JoinFile: Sendable, Equatable {
    public var site: SiteName
    public var network: String
    public var hub: SiteIdentity
    public var hubURL: URL?
    public var token: AccessToken?
    /// The roster, signed by the hub, when the file was written: the office trusts it at once (a
    /// USB-only office needs it to read its first stick).
    public var roster: SignedRoster?

    public init(site: SiteName, network: String, hub: SiteIdentity, hubURL: URL? = nil, token: AccessToken? = nil,
                roster: SignedRoster? = nil) {
        self.site = site
        self.network = network
        self.hub = hub
        self.hubURL = hubURL
        self.token = token
        self.roster = roster
    }

    static let header = "JONCTION-ADHESION 1"

    public var text: String {
        var lines = [JoinFile.header, "site \(site)", "reseau \(network)", "pole-identite \(hub.line)"]
        if let hubURL { lines.append("pole-adresse \(hubURL.absoluteString)") }
        if let token { lines.append("jeton \(token.text)") }
        if let roster { lines.append("liste \(Base64URL.encode(roster.bytes))") }
        return lines.joined(separator: "\n") + "\n"
    }

    public init(text: String) throws(JoinFileError) {
        let lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        guard lines.first.map({ $0.trimmingCharacters(in: .whitespaces) }) == JoinFile.header else { throw .notAJoinFile }
        var fields: [String: String] = [:]
        for line in lines.dropFirst() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, fields[String(parts[0])] == nil else { throw .damaged }
            fields[String(parts[0])] = parts[1].trimmingCharacters(in: .whitespaces)
        }
        guard let name = fields["site"], let site = try? SiteName(name), let network = fields["reseau"],
            network.utf8.count == 32, network.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }),
            let hub = fields["pole-identite"].flatMap(SiteIdentity.init(line:)), hub.site == .hub
        else { throw .damaged }
        var url: URL? = nil
        if let text = fields["pole-adresse"] {
            guard let u = URL(string: text), ["http", "https"].contains(u.scheme ?? ""), u.host != nil else { throw .damaged }
            url = u
        }
        var token: AccessToken? = nil
        if let text = fields["jeton"] {
            guard let t = AccessToken(text) else { throw .damaged }
            token = t
        }
        var roster: SignedRoster? = nil
        if let text = fields["liste"] {
            guard let bytes = Base64URL.decode(text), let signed = try? SignedRoster(verifying: Array(bytes), trusting: hub),
                signed.roster.network == network
            else { throw .damaged }
            roster = signed
        }
        self.init(site: site, network: network, hub: hub, hubURL: url, token: token, roster: roster)
    }

    /// Writes the file for its owner only (mode 0600), never over an existing one.
    public func write(to path: String) throws(JoinFileError) {
        do { try OwnedFile.create(path, Array(text.utf8)) } catch {
            throw error == .exists ? .exists(path: path) : .unwritable(path: path)
        }
    }

    /// Reads a join file (at most 3 MiB: the roster of the largest network).
    public static func read(from path: String) throws(JoinFileError) -> JoinFile {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .missing(path: path) }
        guard info.st_size <= 3 << 20, let data = FileManager.default.contents(atPath: path),
            let text = String(data: data, encoding: .utf8)
        else { throw .damaged }
        return try JoinFile(text: text)
    }
}

public enum JoinFileError: Error, Sendable, Equatable, UserFacingError {
    case notAJoinFile
    case damaged
    case missing(path: String)
    case exists(path: String)
    case unwritable(path: String)

    public func message(_ lang: Lang) -> String {
        switch self {
        case .notAJoinFile:
            return lang.pick("Ce fichier n’est pas un fichier d’adhésion Jonction (écrit par « jonction hub enroll »).",
                             "This file is not a Jonction join file (written by “jonction hub enroll”).")
        case .damaged:
            return lang.pick("Le fichier d’adhésion est abîmé ou incomplet : demandez-en un nouveau à l’administrateur du pôle.",
                             "The join file is damaged or incomplete: ask the hub administrator for a new one.")
        case .missing(let path):
            return lang.pick("Fichier d’adhésion introuvable : \(path).", "Join file not found: \(path).")
        case .exists(let path):
            return lang.pick("Un fichier existe déjà à \(path) : il n’a pas été touché. Choisissez un autre chemin.",
                             "A file already exists at \(path): it was left untouched. Choose another path.")
        case .unwritable(let path):
            return lang.pick("Impossible d’écrire \(path). Rien n’a été écrit.", "Cannot write \(path). Nothing was written.")
        }
    }
}
