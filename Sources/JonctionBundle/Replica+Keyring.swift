import Crypto
import Foundation
import Jonction
import JonctionStore

extension ReplicaAccess {
    /// The roster this replica holds (protocol.md §7.3), checked again against the hub keys stored
    /// with it; nil if it never joined a network of format 2.
    public func roster() throws -> SignedRoster? {
        guard let stored = try storedRoster() else { return nil }
        guard let signing = try? Curve25519.Signing.PublicKey(rawRepresentation: stored.hubSigningKey),
            let agreement = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: stored.hubAgreementKey),
            let signed = try? SignedRoster(verifying: stored.bytes, trusting: SiteIdentity(site: .hub, signing: signing, agreement: agreement))
        else { throw StoreError.corrupt(path: replica.path) }
        return signed
    }
}

extension ReplicaTransaction {
    /// Keeps a roster verified against the hub identity this site trusts, if newer than its own.
    @discardableResult
    public func keep(_ roster: SignedRoster) throws -> Bool {
        try storeRoster(StoredRoster(
            hubSigningKey: Array(roster.roster.hub.signing.rawRepresentation),
            hubAgreementKey: Array(roster.roster.hub.agreement.rawRepresentation),
            issuedAt: roster.roster.issuedAt, bytes: roster.bytes))
    }
}

extension Replica {
    /// The key file beside this replica: `<replica>.cles`.
    public var keyFilePath: String { SiteKeys.defaultPath(forReplica: path) }

    /// What this site needs to read and write format 2 bundles: its keys (from its key file) and
    /// its roster. Nil if it holds no roster yet (it has not joined a network of format 2, and reads
    /// format 1 only during the transition). Throws `KeyFileError` if the roster is there but the
    /// keys are not.
    public func keyring() throws -> Keyring? {
        guard let roster = try read({ try $0.roster() }) else { return nil }
        let keys = try SiteKeys.read(from: keyFilePath)
        guard keys.site == site else { throw KeyFileError.damaged(path: keyFilePath) }
        return Keyring(keys: keys, roster: roster)
    }
}

extension ReplicaAccess {
    /// The signed segments of the log whose signature does not verify against the roster (protocol.md
    /// §5.3): altered in the replica since they were taken in. Such a segment would make every
    /// bundle that carries it refused. Empty without a roster.
    public func badlySignedSegments() throws -> [(origin: SiteName, seqs: ClosedRange<UInt64>)] {
        guard let roster = try roster()?.roster else { return [] }
        var bad: [(origin: SiteName, seqs: ClosedRange<UInt64>)] = []
        try forEachSignedSegment { segment in
            let signer = segment.signature.signer
            let key = signer == segment.origin || signer == roster.hub.site ? roster.signingKey(of: signer, for: segment.seqs) : nil
            let valid = key?.isValidSignature(segment.signature.bytes, for: ChangeBundle.segmentMessage(segment.block)) ?? false
            let matches = (try? ChangeBlock.decode(segment.block)).map { changes in
                changes.first?.origin == segment.origin && changes.first?.seq == segment.seqs.lowerBound
                    && changes.last?.seq == segment.seqs.upperBound && SeqRun.runs(in: changes).count == 1
            } ?? false
            if !valid || !matches { bad.append((segment.origin, segment.seqs)) }
        }
        return bad
    }
}

extension ReplicaAccess {
    /// Changes this replica holds from revoked offices beyond their revocation bound (protocol.md
    /// §7.2): taken before the roster said so; kept here, never relayed. Empty without a roster.
    public func changesAfterRevocation() throws -> [(origin: SiteName, seqs: ClosedRange<UInt64>)] {
        guard let roster = try roster()?.roster else { return [] }
        let vector = try vector()
        return roster.offices.compactMap { entry in
            guard let bound = entry.revokedAfterSeq, vector[entry.site] > bound else { return nil }
            return (entry.site, (bound + 1)...vector[entry.site])
        }
    }
}
