import Foundation
import Jonction
import JonctionBundle
import JonctionTestSupport
import Testing

@Suite("Liste des sites signée par le pôle")
struct RosterTests {
    let hubKeys = SiteKeys.generate(for: .hub)
    let kayes = SiteKeys.generate(for: SiteName(unchecked: "kayes"))
    let mopti = SiteKeys.generate(for: SiteName(unchecked: "mopti"))

    var roster: Roster {
        Roster(network: "0123456789abcdef0123456789abcdef", issuedAt: 1_790_000_000_000, hub: hubKeys.identity, offices: [
            .init(identity: mopti.identity, enrolledAt: 1_789_000_000_000, revokedAt: 1_789_900_000_000),
            .init(identity: kayes.identity, enrolledAt: 1_789_000_000_000),
        ])
    }

    @Test("signée par le pôle, relue avec l’identité du pôle : les bureaux, leurs clés, les révocations")
    func roundTrip() throws {
        let bytes = try roster.signed(with: hubKeys)
        let read = try Roster(verifying: bytes, trusting: hubKeys.identity)
        #expect(read == roster)
        #expect(read.offices.map(\.site.rawValue) == ["kayes", "mopti"])
        #expect(read.entry(of: SiteName(unchecked: "mopti"))?.isActive == false)
        #expect(read.identity(of: SiteName(unchecked: "kayes")) == kayes.identity)
        #expect(read.identity(of: .hub) == hubKeys.identity)
        #expect(throws: RosterError.notSignedByHub) { try roster.signed(with: kayes) }
    }

    @Test("altérée n’importe où, signée par un autre pôle, tronquée : refusée")
    func tampered() throws {
        let bytes = try roster.signed(with: hubKeys)
        for i in stride(from: 9, to: bytes.count, by: 7) {
            var altered = bytes
            altered[i] ^= 0x20
            #expect(throws: RosterError.self) { try Roster(verifying: altered, trusting: hubKeys.identity) }
        }
        let otherHub = SiteKeys.generate(for: .hub)
        var forged = roster
        forged.hub = otherHub.identity
        #expect(throws: RosterError.otherHub) { try Roster(verifying: forged.signed(with: otherHub), trusting: hubKeys.identity) }
        for n in [0, 8, 9, 40, bytes.count - 1] {
            #expect(throws: RosterError.self) { try Roster(verifying: Array(bytes.prefix(n)), trusting: hubKeys.identity) }
        }
        #expect(throws: RosterError.notARoster) { try Roster(verifying: Array(repeating: 0, count: 200), trusting: hubKeys.identity) }
    }
}
