import Crypto
import Foundation
import GRDB
import Jonction
import JonctionBundle
import JonctionStore

/// An office in the hub's register.
public struct OfficeRecord: Sendable, Equatable {
    public var site: SiteName
    public var enrolledAt: UInt64
    public var revokedAt: UInt64?
    public var lastContact: UInt64?
    /// Its public keys, if it was enrolled with its identity (`hub enroll --identity`).
    public var identity: SiteIdentity?
    /// The regions it serves (`hub enroll --region`, `hub scope`), in byte order.
    public var regions: [String] = []

    public var isActive: Bool { revokedAt == nil }
}

/// Why the register refuses an enrolment or a revocation.
public enum OfficeRegisterError: Error, Sendable, Equatable, UserFacingError {
    case alreadyEnrolled(SiteName)
    case alreadyRevoked(SiteName)
    case unknown(SiteName)
    /// The identity given names another site.
    case identityOfAnotherSite(identity: SiteName, site: SiteName)

    public func message(_ lang: Lang) -> String {
        switch self {
        case .alreadyEnrolled(let site):
            return lang.pick(
                "Le bureau \(site) est déjà inscrit. Pour lui donner un nouveau jeton : « jonction hub revoke \(site) » puis « jonction hub enroll \(site) ».",
                "Office \(site) is already enrolled. To give it a new token: “jonction hub revoke \(site)” then “jonction hub enroll \(site)”.")
        case .alreadyRevoked(let site):
            return lang.pick("Le bureau \(site) est déjà révoqué.", "Office \(site) is already revoked.")
        case .unknown(let site):
            return lang.pick(
                "Aucun bureau « \(site) » n’est inscrit. « jonction hub sites » les liste.",
                "No office “\(site)” is enrolled. “jonction hub sites” lists them.")
        case .identityOfAnotherSite(let identity, let site):
            return lang.pick(
                "Cette identité est celle du site « \(identity) », pas de « \(site) » : rien n’a été inscrit. Demandez au bureau la ligne « jonction-site \(site) … » affichée par « jonction init ».",
                "This identity is site “\(identity)”'s, not “\(site)”'s: nothing was enrolled. Ask the office for the “jonction-site \(site) …” line “jonction init” printed.")
        }
    }
}

/// The hub's register of enrolled offices (table `office`, in the hub's replica only): who may
/// sync over HTTP, with only the SHA-256 of each access token.
extension ReplicaTransaction {
    /// Registers an office with the SHA-256 of its token. An active office is not enrolled twice;
    /// a revoked one is enrolled again with the new token.
    package func enrollOffice(_ site: SiteName, tokenSHA256: [UInt8], identity: SiteIdentity? = nil) throws {
        if let identity, identity.site != site { throw OfficeRegisterError.identityOfAnotherSite(identity: identity.site, site: site) }
        if let revoked = try Row.fetchOne(db, sql: "SELECT revoked_at, revoked_after_seq, signing_key FROM office WHERE site = ?",
                                          arguments: [site.rawValue]) {
            guard (revoked[0] as Int64?) != nil else { throw OfficeRegisterError.alreadyEnrolled(site) }
            // Enrolled again (a new laptop, keys lost): its old key keeps signing what it wrote up
            // to its revocation, the new one what it writes after (protocol.md §7.2).
            if let old = revoked[2] as Data?, let bound = revoked[1] as Int64?, bound > 0,
                old != identity.map({ $0.signing.rawRepresentation })
            {
                try db.execute(sql: "DELETE FROM office_retired_key WHERE site = ? AND up_to_seq >= ?", arguments: [site.rawValue, bound])
                try db.execute(sql: "INSERT INTO office_retired_key (site, signing_key, up_to_seq) VALUES (?, ?, ?)",
                               arguments: [site.rawValue, old, bound])
            }
            try db.execute(sql: "DELETE FROM office WHERE site = ?", arguments: [site.rawValue])
        }
        try db.execute(sql: "INSERT INTO office (site, token_sha256, enrolled_at, signing_key, agreement_key) VALUES (?, ?, ?, ?, ?)",
                       arguments: [site.rawValue, Data(tokenSHA256), Int64(replica.clock.nowMillis()),
                                   identity.map { $0.signing.rawRepresentation }, identity.map { $0.agreement.rawRepresentation }])
    }

    package func revokeOffice(_ site: SiteName) throws {
        // What the hub holds of it now is what it wrote before: its later changes are refused
        // everywhere once the roster says so.
        let bound = try vector()[site]
        try db.execute(sql: "UPDATE office SET revoked_at = ?, revoked_after_seq = ? WHERE site = ? AND revoked_at IS NULL",
                       arguments: [Int64(replica.clock.nowMillis()), Int64(bound), site.rawValue])
        guard try db.changesCount == 1 else {
            let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM office WHERE site = ?", arguments: [site.rawValue]) ?? false
            throw exists ? OfficeRegisterError.alreadyRevoked(site) : OfficeRegisterError.unknown(site)
        }
    }

    /// Sets the regions an office serves (issue 13: its scope), each in normal form (a region of
    /// Mali, protocol.md §2.2), replacing those it had. The office must be enrolled.
    package func setRegions(_ regions: [String], of site: SiteName) throws {
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM office WHERE site = ?", arguments: [site.rawValue]) ?? false else {
            throw OfficeRegisterError.unknown(site)
        }
        try db.execute(sql: "DELETE FROM office_region WHERE site = ?", arguments: [site.rawValue])
        for region in Set(regions) {
            try db.execute(sql: "INSERT INTO office_region (site, region) VALUES (?, ?)", arguments: [site.rawValue, region])
        }
    }

    /// Notes that an office was just in contact.
    package func touchOffice(_ site: SiteName) throws {
        try db.execute(sql: "UPDATE office SET last_contact = ? WHERE site = ?",
                       arguments: [Int64(replica.clock.nowMillis()), site.rawValue])
    }

    /// Records what an office holds, as it told us (a sync request, an upload's answer), and the contact.
    package func acknowledge(office: SiteName, _ acknowledgement: Acknowledgement) throws {
        try remember(peer: office, acknowledgement)
        try touchOffice(office)
    }
}

extension ReplicaAccess {
    /// The office a token belongs to (active or revoked), by the token's SHA-256.
    package func office(tokenSHA256: [UInt8]) throws -> OfficeRecord? {
        try Row.fetchOne(db, sql: "SELECT site, enrolled_at, revoked_at, last_contact, signing_key, agreement_key FROM office WHERE token_sha256 = ?",
                         arguments: [Data(tokenSHA256)]).map(officeRecord)
    }

    /// Every office of the register, by name.
    package func offices() throws -> [OfficeRecord] {
        var regions: [String: [String]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT site, region FROM office_region ORDER BY site, region") {
            regions[row[0], default: []].append(row[1])
        }
        return try Row.fetchAll(db, sql: "SELECT site, enrolled_at, revoked_at, last_contact, signing_key, agreement_key FROM office ORDER BY site")
            .map(officeRecord).map { office in
                var office = office
                office.regions = regions[office.site.rawValue] ?? []
                return office
            }
    }

    /// The offices the hub writes bundles for: the enrolled ones not revoked. A revoked or unknown
    /// site gets nothing, whatever it sent.
    package func activeOffices() throws -> [SiteName] {
        try String.fetchAll(db, sql: "SELECT site FROM office WHERE revoked_at IS NULL ORDER BY site")
            .map { SiteName(unchecked: $0) }.filter { $0 != replica.site }
    }

    private func officeRecord(_ row: Row) -> OfficeRecord {
        let site = SiteName(unchecked: row[0])
        var identity: SiteIdentity? = nil
        if let s = row[4] as Data?, let a = row[5] as Data?, let signing = try? Curve25519.Signing.PublicKey(rawRepresentation: s),
            let agreement = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: a)
        {
            identity = SiteIdentity(site: site, signing: signing, agreement: agreement)
        }
        return OfficeRecord(site: site, enrolledAt: UInt64(row[1] as Int64), revokedAt: (row[2] as Int64?).map(UInt64.init),
                            lastContact: (row[3] as Int64?).map(UInt64.init), identity: identity)
    }

    /// The roster the hub signs (protocol.md §7.2): every office enrolled with its keys, active or
    /// revoked, and the hub's own identity. Offices enrolled without keys are not listed.
    package func roster(hub: SiteIdentity) throws -> Roster {
        let network = try String.fetchOne(db, sql: "SELECT network FROM replica") ?? ""
        var bounds: [SiteName: UInt64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT site, revoked_after_seq FROM office WHERE revoked_after_seq IS NOT NULL") {
            bounds[SiteName(unchecked: row[0])] = UInt64(row[1] as Int64)
        }
        var retired: [SiteName: [Roster.RetiredKey]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT site, signing_key, up_to_seq FROM office_retired_key ORDER BY up_to_seq") {
            guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: row[1] as Data) else { continue }
            retired[SiteName(unchecked: row[0]), default: []].append(Roster.RetiredKey(signing: key, upToSeq: UInt64(row[2] as Int64)))
        }
        let entries = try offices().compactMap { office in
            office.identity.map {
                Roster.Entry(identity: $0, enrolledAt: office.enrolledAt, revokedAt: office.revokedAt,
                             revokedAfterSeq: bounds[office.site], retiredKeys: retired[office.site] ?? [])
            }
        }
        return Roster(network: network, issuedAt: replica.clock.nowMillis(), hub: hub, offices: entries)
    }
}

extension ReplicaTransaction {
    /// Signs the register as a roster with the hub's keys and keeps it as the hub's own (protocol.md
    /// §7.3): after every change to the register, so that the next bundle carries it. Issued after
    /// the roster held, even within the same millisecond.
    @discardableResult
    package func publishRoster(hubKeys: SiteKeys) throws -> SignedRoster {
        var roster = try roster(hub: hubKeys.identity)
        if let held = try storedRoster(), held.issuedAt >= roster.issuedAt { roster.issuedAt = held.issuedAt + 1 }
        let signed = SignedRoster(roster: roster, bytes: try roster.signed(with: hubKeys))
        try keep(signed)
        return signed
    }
}

extension Replica {
    /// The hub's keyring: its keys (from its key file) and the roster it signed last, published now
    /// if it has none yet (a hub made before format 2).
    public func hubKeyring() throws -> Keyring {
        if let keyring = try keyring() { return keyring }
        let keys = try SiteKeys.read(from: keyFilePath)
        guard keys.site == .hub else { throw KeyFileError.damaged(path: keyFilePath) }
        let roster = try write { try $0.publishRoster(hubKeys: keys) }
        return Keyring(keys: keys, roster: roster)
    }
}

/// Enrolment of offices whose replicas are at hand in the same process (the demo, benchmarks,
/// tests): what `jonction init`, `hub enroll --identity` and `jonction join` do on three machines.
package enum LocalEnrolment {
    /// Gives the hub and each office keys (unless they have a key file), enrols each office with its
    /// identity and a new token, publishes the roster and gives it to every office. Returns the tokens.
    @discardableResult
    package static func enrol(_ offices: [Replica], at hub: Replica) throws -> [SiteName: AccessToken] {
        let hubKeys = try SiteKeys.readOrCreate(at: hub.keyFilePath, for: hub.site)
        var tokens: [SiteName: AccessToken] = [:]
        for office in offices {
            let identity = try SiteKeys.readOrCreate(at: office.keyFilePath, for: office.site).identity
            let token = AccessToken.generate()
            try hub.write { try $0.enrollOffice(office.site, tokenSHA256: token.sha256, identity: identity) }
            tokens[office.site] = token
        }
        let roster = try hub.write { try $0.publishRoster(hubKeys: hubKeys) }
        for office in offices { try office.write { try $0.keep(roster) } }
        return tokens
    }
}
