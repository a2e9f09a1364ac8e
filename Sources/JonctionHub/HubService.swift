import Foundation
import Jonction
import JonctionBundle
import JonctionStore

/// The hub's side of an exchange (protocol.md §6), whatever carries it: the HTTP handlers of
/// `HubServer`, or `MemoryTransport` in the same process. Blocking: run it off the event loops.
public struct HubService: Sendable {
    public let replica: Replica
    /// How much one downloaded bundle carries (`.standard`, protocol.md §5.2; smaller in tests).
    public let limits: ChangeBundle.Limits

    public init(replica: Replica, limits: ChangeBundle.Limits = .standard) {
        self.replica = replica
        self.limits = limits
    }

    /// What the hub answers to an upload: what merging did, and what it holds now (the
    /// acknowledgement the office remembers).
    public struct UploadAnswer: Sendable {
        public var report: ImportReport
        public var vector: VersionVector
        public var writtenAt: UInt64

        public var acknowledgement: Acknowledgement { Acknowledgement(vector: vector, writtenAt: writtenAt) }
    }

    /// The active office a token belongs to; unknown tokens and revoked offices are refused.
    public func office(token: AccessToken) throws -> OfficeRecord {
        guard let office = try replica.read({ try $0.office(tokenSHA256: token.sha256) }) else { throw HubFailure.unauthorized }
        guard office.isActive else { throw HubFailure.revoked(office.site) }
        return office
    }

    /// An office uploads a bundle it wrote for the hub: verified, planned, then merged with the
    /// office's contact in one transaction, which also reads the vector the answer acknowledges.
    public func upload(_ bytes: [UInt8], from office: SiteName) throws -> UploadAnswer {
        // The header first: a bundle for another site, or in another's name, is refused before
        // anything is opened. Then every signature (protocol.md §5.5): no office writes under
        // another's origin or the hub's, nor takes their seqs.
        let header = try ChangeBundle.header(of: bytes)
        guard header.sender == office else { throw HubFailure.wrongSender(token: office, bundle: header.sender) }
        guard header.addressee == replica.site else { throw HubFailure.wrongAddressee(header.addressee) }
        let keyring = try replica.hubKeyring()
        let bundle = try ChangeBundle(decoding: bytes, keyring: keyring, schema: replica.schema)
        let prepared = try PreparedBundle(bundle, replica: replica, roster: keyring.roster.roster)
        let (report, vector) = try replica.write { hub in
            let report = try hub.importBundle(prepared)
            try hub.touchOffice(office)
            return (report, try hub.vector())
        }
        return UploadAnswer(report: report, vector: vector, writtenAt: replica.clock.nowMillis())
    }

    /// What the hub answers to a download: the bundle of what the office lacks (nil when it lacks
    /// nothing), and what the hub holds, so that an office can tell that the hub lost changes it
    /// holds (the hub restored from a backup) even when it had nothing new to send.
    public struct DownloadAnswer: Sendable {
        public var bundle: [UInt8]?
        public var holds: Acknowledgement
    }

    /// What an office lacks, given the vector it says it holds (its acknowledgement, remembered
    /// with the contact), and what the hub holds, read in one snapshot.
    /// `scope`: the generation of the last scoped delivery the office merged (§5.10), if it said.
    public func download(for office: SiteName, have: VersionVector, scope: UInt64? = nil, at: UInt64?) throws -> DownloadAnswer {
        let keyring = try replica.hubKeyring()
        let scoped = try replica.write {
            try $0.acknowledge(office: office, Acknowledgement(vector: have, writtenAt: at ?? replica.clock.nowMillis()))
            if let scope { try $0.acknowledgeScope(of: office, generation: scope) }
            return try $0.prepareSending(to: office, keyring: keyring, limits: limits)
        }
        // One bundle per answer: when the office lacks more than one carries, the first; it asks
        // again once it holds it (`Replica.exchange`). With it, what the hub holds, in one snapshot.
        // A full replica's is read from a snapshot, beside the uploads being merged (what the hub
        // writes meanwhile waits for the next answer: a segment not yet signed is not sent); a
        // partial replica's scoped delivery is made in a transaction.
        let (bundle, vector) = scoped
            ? try replica.write { hub in
                let bundle = try hub.preparedBundles(for: office, keyring: keyring, limits: limits, atMost: 1).first
                return (bundle, try bundle?.senderVector ?? hub.vector())
            }
            : try replica.read { hub in
                let bundle = try hub.makeBundles(for: office, limits: limits, atMost: 1, reserve: keyring.roster.bytes.count,
                                                 roster: keyring.roster.roster).first
                return (bundle, try bundle?.senderVector ?? hub.vector())
            }
        // Sealed once the transaction is over: other writers need not wait for it.
        return DownloadAnswer(bundle: try bundle.map { try keyring.seal($0).bytes },
                              holds: Acknowledgement(vector: vector, writtenAt: replica.clock.nowMillis()))
    }
}
