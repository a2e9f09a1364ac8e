import Crypto
import Foundation
import Jonction
import JonctionStore

/// The hub's signed list of the network's sites and their public keys (protocol.md §7.2): who may
/// originate changes, with which key, and since when an office is revoked. Offices trust the hub's
/// signing key from their enrolment (the join file) and take a roster only if the hub signed it.
public struct Roster: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var identity: SiteIdentity
        public var enrolledAt: UInt64
        /// When the office was revoked (ms), nil while it is active.
        public var revokedAt: UInt64?
        /// The office's last seq the hub took before revoking it: its changes above are refused
        /// everywhere (what a stolen laptop writes afterwards). Nil while it is active.
        public var revokedAfterSeq: UInt64?
        /// Signing keys the office had before (keys lost and replaced, README "Lost keys"), each
        /// with the last seq it signs, in seq order. The current key signs the seqs above them.
        public var retiredKeys: [RetiredKey]

        public init(identity: SiteIdentity, enrolledAt: UInt64, revokedAt: UInt64? = nil, revokedAfterSeq: UInt64? = nil,
                    retiredKeys: [RetiredKey] = []) {
            self.identity = identity
            self.enrolledAt = enrolledAt
            self.revokedAt = revokedAt
            self.revokedAfterSeq = revokedAt == nil ? nil : (revokedAfterSeq ?? 0)
            self.retiredKeys = retiredKeys.sorted { $0.upToSeq < $1.upToSeq }
        }

        public var site: SiteName { identity.site }
        public var isActive: Bool { revokedAt == nil }

        /// The key that signs this office's seqs `seqs` (one segment): a retired key for the seqs up
        /// to its last, the current one above. Nil if no one key covers them all.
        public func signingKey(for seqs: ClosedRange<UInt64>) -> Curve25519.Signing.PublicKey? {
            var floor: UInt64 = 0
            for retired in retiredKeys {
                if seqs.upperBound <= retired.upToSeq { return seqs.lowerBound > floor ? retired.signing : nil }
                floor = retired.upToSeq
            }
            return seqs.lowerBound > floor ? identity.signing : nil
        }
    }

    /// A signing key an office no longer uses, and the last seq it signed.
    public struct RetiredKey: Sendable, Equatable {
        public var signing: Curve25519.Signing.PublicKey
        public var upToSeq: UInt64

        public init(signing: Curve25519.Signing.PublicKey, upToSeq: UInt64) {
            self.signing = signing
            self.upToSeq = upToSeq
        }

        public static func == (a: RetiredKey, b: RetiredKey) -> Bool {
            a.upToSeq == b.upToSeq && a.signing.rawRepresentation == b.signing.rawRepresentation
        }
    }

    public var network: String
    /// The hub's clock when it signed (ms): of two rosters, the later one is taken.
    public var issuedAt: UInt64
    public var hub: SiteIdentity
    /// The offices, sorted by name (the hub is not among them).
    public var offices: [Entry]

    public init(network: String, issuedAt: UInt64, hub: SiteIdentity, offices: [Entry]) {
        self.network = network
        self.issuedAt = issuedAt
        self.hub = hub
        self.offices = offices.sorted { $0.site < $1.site }
    }

    /// The public keys of `site` (the hub's own too), if it is listed.
    public func identity(of site: SiteName) -> SiteIdentity? {
        site == hub.site ? hub : offices.first { $0.site == site }?.identity
    }

    public func entry(of site: SiteName) -> Entry? { offices.first { $0.site == site } }

    /// The key that must have signed a segment of `seqs` signed by `signer` (protocol.md §5.3):
    /// the hub's, or the office's key for those seqs. Nil for a site the roster does not list.
    public func signingKey(of signer: SiteName, for seqs: ClosedRange<UInt64>) -> Curve25519.Signing.PublicKey? {
        signer == hub.site ? hub.signing : entry(of: signer)?.signingKey(for: seqs)
    }

    /// Whether `keys` are those the roster lists for their site (its current signing key).
    public func lists(_ keys: SiteKeys) -> Bool {
        identity(of: keys.site)?.signing.rawRepresentation == keys.signing.publicKey.rawRepresentation
    }

    /// Whether the roster lists `site` with keys (the hub always).
    public func lists(_ site: SiteName) -> Bool { site == hub.site || entry(of: site) != nil }

    public static let magic: [UInt8] = Array("JNCTROST".utf8)
    public static let version: UInt8 = 2
    /// A roster lists at most this many offices (a bound for readers).
    public static let maximumOffices = 10_000
    /// The largest signed roster: 2 MiB.
    public static let maximumSize = 2 << 20

    /// The signed bytes (protocol.md §7.2): the roster, then the hub's Ed25519 signature of them.
    public func signed(with keys: SiteKeys) throws(RosterError) -> [UInt8] {
        guard keys.identity == hub else { throw .notSignedByHub }
        var out = ByteWriter(capacity: 128 + offices.count * 96)
        out.raw(Roster.magic)
        out.byte(Roster.version)
        out.string(network)
        out.varint(issuedAt)
        out.string(hub.site.rawValue)
        out.raw(hub.signing.rawRepresentation)
        out.raw(hub.agreement.rawRepresentation)
        out.varint(UInt64(offices.count))
        for entry in offices {
            out.string(entry.site.rawValue)
            out.raw(entry.identity.signing.rawRepresentation)
            out.raw(entry.identity.agreement.rawRepresentation)
            out.varint(entry.enrolledAt)
            out.varint(entry.revokedAt ?? 0)
            out.varint(entry.revokedAfterSeq ?? 0)
            out.varint(UInt64(entry.retiredKeys.count))
            for retired in entry.retiredKeys {
                out.raw(retired.signing.rawRepresentation)
                out.varint(retired.upToSeq)
            }
        }
        guard let signature = try? keys.signing.signature(for: out.bytes) else { throw .notSignedByHub }
        out.raw(signature)
        return out.bytes
    }

    /// Reads a signed roster and checks the hub's signature against `trusted`, the hub identity the
    /// office took from its enrolment. Refuses anything else, before using any of it.
    public init(verifying bytes: [UInt8], trusting trusted: SiteIdentity) throws(RosterError) {
        guard bytes.count <= Roster.maximumSize else { throw .damaged }
        guard bytes.count > Roster.magic.count + 64, bytes.starts(with: Roster.magic) else { throw .notARoster }
        guard bytes[Roster.magic.count] == Roster.version else { throw .unknownVersion(bytes[Roster.magic.count]) }
        let body = Array(bytes.dropLast(64))
        let signature = Array(bytes.suffix(64))
        var r = ByteReader(body, offset: Roster.magic.count + 1)
        do {
            let network = try r.string()
            guard network.isEmpty || Replica.isValidNetwork(network) else { throw RosterError.damaged }
            let issuedAt = try r.varint()
            guard issuedAt <= UInt64(Int64.max) else { throw RosterError.damaged }
            let hub = try Roster.identity(&r)
            guard hub.site == .hub else { throw RosterError.damaged }
            guard hub == trusted else { throw RosterError.otherHub }
            guard trusted.signing.isValidSignature(signature, for: body) else { throw RosterError.badSignature }
            let n = try r.count(max: min(Roster.maximumOffices, r.remaining / 68))
            var offices: [Entry] = []
            var previous: SiteName? = nil
            for _ in 0..<n {
                let identity = try Roster.identity(&r)
                let enrolledAt = try r.varint(), revokedAt = try r.varint(), revokedAfterSeq = try r.varint()
                guard identity.site != .hub, previous.map({ $0 < identity.site }) ?? true,
                    enrolledAt <= UInt64(Int64.max), revokedAt <= UInt64(Int64.max), revokedAfterSeq <= UInt64(Int64.max),
                    revokedAt != 0 || revokedAfterSeq == 0
                else { throw RosterError.damaged }
                let k = try r.count(max: r.remaining / 33)
                var retired: [RetiredKey] = []
                for _ in 0..<k {
                    let key = try Curve25519.Signing.PublicKey(rawRepresentation: r.raw(32))
                    let upTo = try r.varint()
                    guard upTo <= UInt64(Int64.max), upTo > (retired.last?.upToSeq ?? 0) else { throw RosterError.damaged }
                    retired.append(RetiredKey(signing: key, upToSeq: upTo))
                }
                previous = identity.site
                offices.append(Entry(identity: identity, enrolledAt: enrolledAt, revokedAt: revokedAt == 0 ? nil : revokedAt,
                                     revokedAfterSeq: revokedAfterSeq, retiredKeys: retired))
            }
            guard r.isAtEnd else { throw RosterError.damaged }
            self.init(network: network, issuedAt: issuedAt, hub: hub, offices: offices)
        } catch let error as RosterError {
            throw error
        } catch {
            throw .damaged
        }
    }

    private static func identity(_ r: inout ByteReader) throws -> SiteIdentity {
        let name = try r.string()
        guard SiteName.isValid(name) else { throw RosterError.damaged }
        let signing = try Curve25519.Signing.PublicKey(rawRepresentation: r.raw(32))
        let agreement = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: r.raw(32))
        return SiteIdentity(site: SiteName(unchecked: name), signing: signing, agreement: agreement)
    }
}

public enum RosterError: Error, Sendable, Equatable, UserFacingError {
    case notARoster
    case unknownVersion(UInt8)
    case damaged
    /// Signed by a hub other than the one this site enrolled with.
    case otherHub
    case badSignature
    /// Keys that are not the hub's were given to sign.
    case notSignedByHub

    public func message(_ lang: Lang) -> String {
        switch self {
        case .notARoster:
            return lang.pick("Ce n’est pas une liste des sites Jonction.", "This is not a Jonction site roster.")
        case .unknownVersion(let v):
            return lang.pick("Liste des sites de version \(v), inconnue de cette version de Jonction : mettez Jonction à jour.",
                             "Site roster of version \(v), unknown to this Jonction: update Jonction.")
        case .damaged:
            return lang.pick("La liste des sites est abîmée : elle est ignorée, rien n’a été modifié.",
                             "The site roster is damaged: it is ignored, nothing was changed.")
        case .otherHub:
            return lang.pick(
                "La liste des sites est signée par un autre pôle que celui de l’inscription de ce bureau : elle est refusée, rien n’a été modifié. Vérifiez l’empreinte du pôle avec l’administrateur.",
                "The site roster is signed by another hub than the one this office enrolled with: it is refused, nothing was changed. Check the hub's fingerprint with the administrator.")
        case .badSignature:
            return lang.pick("La signature du pôle sur la liste des sites est fausse : la liste a été modifiée ; elle est refusée, rien n’a été modifié.",
                             "The hub's signature on the site roster is wrong: the roster was altered; it is refused, nothing was changed.")
        case .notSignedByHub:
            return lang.pick("Seules les clés du pôle signent la liste des sites.", "Only the hub's keys sign the site roster.")
        }
    }
}
