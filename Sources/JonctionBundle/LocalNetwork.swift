import Foundation
import Jonction
import JonctionStore

/// A network of replicas at hand in one process (tests, benchmarks, fuzzing): each gets its keys
/// and the same roster, as `jonction init`, `hub enroll --identity` and `jonction join` would give
/// them. The hub's register is not involved: see `JonctionHub` for that path.
package enum LocalNetwork {
    /// Gives each replica a key file (unless it has one) and a roster listing them all, signed by
    /// the hub's keys (the hub replica's, if it is among them, else fresh ones), which every
    /// replica keeps. `alsoListing`: replicas listed too, which do not receive this roster (yet).
    /// `revoked` revokes offices after the given seq. Returns the roster.
    @discardableResult
    package static func join(_ replicas: [Replica], alsoListing others: [Replica] = [], revoked: [SiteName: UInt64] = [:],
                             issuedAt: UInt64? = nil) throws -> SignedRoster {
        var keys: [SiteName: SiteKeys] = [:]
        for replica in replicas + others {
            keys[replica.site] = try SiteKeys.readOrCreate(at: replica.keyFilePath, for: replica.site)
        }
        let hub = keys[.hub] ?? SiteKeys.generate(for: .hub)
        let network = try replicas.lazy.compactMap { try $0.read { try $0.network() } }.first ?? ""
        let held = try (replicas + others).compactMap { try $0.read { try $0.roster() }?.roster.issuedAt }.max() ?? 0
        let offices = keys.values.filter { $0.site != .hub }.map { k in
            Roster.Entry(identity: k.identity, enrolledAt: 1, revokedAt: revoked[k.site].map { _ in 2 },
                         revokedAfterSeq: revoked[k.site])
        }
        let roster = Roster(network: network, issuedAt: issuedAt ?? held + 1, hub: hub.identity, offices: offices)
        let signed = SignedRoster(roster: roster, bytes: try roster.signed(with: hub))
        for replica in replicas { try replica.write { try $0.keep(signed) } }
        return signed
    }
}
