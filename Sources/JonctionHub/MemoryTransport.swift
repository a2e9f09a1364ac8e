import Foundation
import Jonction
import JonctionBundle
import JonctionStore

/// Bundles to and from a hub in the same process: the same `HubService` the HTTP handlers call,
/// without sockets (tests, simulations, the demo). Bytes still go through the bundle codec.
public struct MemoryTransport: Transport {
    public let hub: HubService
    /// The office the hub sees: what a token names over HTTP.
    public let office: SiteName

    public init(hub: Replica, office: SiteName, limits: ChangeBundle.Limits = .standard) {
        self.hub = HubService(replica: hub, limits: limits)
        self.office = office
    }

    public func send(_ bundle: [UInt8]) async throws -> Delivery {
        do {
            let answer = try hub.upload(bundle, from: office)
            return .accepted(applied: answer.report.apply.applied, undone: answer.report.apply.undone.count,
                             acknowledgement: answer.acknowledgement)
        } catch let error as StoreError {
            if case .gap = error { return .refusedAsGap(error) }
            throw error
        }
    }

    public func fetch(for site: SiteName, have: VersionVector, at: UInt64) async throws -> [Parcel] {
        try await download(for: site, have: have, scope: nil, at: at).parcels
    }

    public func download(for site: SiteName, have: VersionVector, scope: UInt64?, at: UInt64) async throws -> Download {
        guard site == office else { throw HubFailure.wrongSender(token: office, bundle: site) }
        let answer = try hub.download(for: site, have: have, scope: scope, at: at)
        return Download(parcels: answer.bundle.map { [Parcel(name: "hub", bytes: $0)] } ?? [], peerHolds: answer.holds)
    }
}
