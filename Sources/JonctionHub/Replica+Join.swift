import Foundation
import Jonction
import JonctionStore

/// What adopting a join file did.
public struct JoinReport: Sendable, Equatable {
    /// Where the site's configuration was written.
    public var configurationPath: String
    /// Whether the replica took the network now (it had none).
    public var adoptedNetwork: Bool
    /// Whether an older configuration was replaced, and whether it named another hub identity.
    public var replaced: Bool
    public var hubIdentityChanged: Bool
}

extension Replica {
    /// Adopts a join file written by `hub enroll` for this office: checks it is for this replica's site
    /// and network (a replica with no network yet takes the file's), then keeps it as the site's
    /// configuration at `configurationPath` (see `SiteConfiguration`), replacing an older one. The
    /// network and the configuration are written together, or neither.
    public func join(_ file: JoinFile, trusting authority: CertificateAuthority? = nil,
                     configurationPath: String) throws -> JoinReport {
        guard site != .hub else { throw JoinError.atHub }
        guard file.site == site else { throw JoinError.otherSite(file: file.site, replica: site) }
        let previous = FileManager.default.fileExists(atPath: configurationPath)
        let older = try? SiteConfiguration.read(from: configurationPath)
        return try write { transaction in
            var adopted = false
            if let ours = try transaction.network() {
                guard ours == file.network else { throw JoinError.otherNetwork(ours: ours, theirs: file.network) }
            } else {
                adopted = try transaction.adoptNetwork(file.network)
            }
            if let roster = file.roster { try transaction.keep(roster) }
            // Last, so that a configuration that cannot be written leaves the network as it was.
            try SiteConfiguration(join: file, authority: authority).write(to: configurationPath)
            return JoinReport(configurationPath: configurationPath, adoptedNetwork: adopted, replaced: previous,
                              hubIdentityChanged: older.map { $0.join.hub != file.hub } ?? false)
        }
    }
}

/// Why a join file is refused. Nothing is changed when one is thrown.
public enum JoinError: Error, Sendable, Equatable, UserFacingError {
    case atHub
    case otherSite(file: SiteName, replica: SiteName)
    case otherNetwork(ours: String, theirs: String)

    public func message(_ lang: Lang) -> String {
        switch self {
        case .atHub:
            return lang.pick("Ce réplica est celui du pôle : « jonction join » s’utilise au bureau, sur le réplica du bureau.",
                             "This replica is the hub's: “jonction join” is for an office, on the office's replica.")
        case .otherSite(let file, let replica):
            return lang.pick(
                "Ce fichier d’adhésion est pour le bureau \(file), mais ce réplica est celui de \(replica). Vérifiez --db, ou demandez à l’administrateur du pôle le fichier de \(replica). Rien n’a été modifié.",
                "This join file is for office \(file), but this replica is \(replica)'s. Check --db, or ask the hub administrator for \(replica)'s file. Nothing was changed.")
        case .otherNetwork(let ours, let theirs):
            return lang.pick(
                "Ce fichier d’adhésion est pour un autre réseau Jonction (\(theirs.prefix(8))…) que celui de ce réplica (\(ours.prefix(8))…) : un poste de démonstration ou de formation, sans doute. Rien n’a été modifié.",
                "This join file is for another Jonction network (\(theirs.prefix(8))…) than this replica's (\(ours.prefix(8))…): a demo or training machine, probably. Nothing was changed.")
        }
    }
}
