import Foundation
import GRDB
import Jonction

/// A signed log segment (protocol.md §5.3): one origin's consecutive seqs in one change block, with
/// the signature it travels with. Relays send it as it is stored.
public struct SignedSegment: Sendable, Equatable {
    public var origin: SiteName
    public var seqs: ClosedRange<UInt64>
    public var block: [UInt8]
    public var signature: SegmentSignature

    public init(origin: SiteName, seqs: ClosedRange<UInt64>, block: [UInt8], signature: SegmentSignature) {
        self.origin = origin
        self.seqs = seqs
        self.block = block
        self.signature = signature
    }

    public var changeCount: Int { seqs.count }
}

extension ReplicaTransaction {
    /// The most changes one signed segment holds: as many as a bundle carries (§5.2), so that a large
    /// transaction stays one block, which compresses best.
    package static let segmentChangeLimit = 1 << 18
    /// The largest block one signed segment holds, so that it always fits in a bundle with room to spare.
    package static let segmentBlockLimit = 12 << 20
    /// A block of at least this many changes, one run of one origin, is signed as it is stored;
    /// smaller ones (a clerk's single entries) are gathered into one block first.
    package static let signInPlaceMinimum = 1024

    /// Signs what this site vouches for and has not signed yet (protocol.md §5.3), before it sends:
    /// its own changes (local writes are stored unsigned, and signed when they first leave) and, at
    /// the hub, the others' changes held unsigned (received before format 2), which the hub attests.
    /// A large block that is one run already is signed as stored; the other changes are cut by origin
    /// into runs of consecutive seqs of at most `maximumChanges` changes, encoded, signed by `sign`
    /// (the site's key over the block, see `JonctionBundle`), and replace the unsigned segments they
    /// came from. Segments holding another origin's changes stay unsigned at an office: only their
    /// origin or the hub may sign them.
    ///
    /// Returns how many segments were signed.
    @discardableResult
    package func signPendingSegments(maximumChanges: Int = segmentChangeLimit, sign: ([UInt8]) throws -> [UInt8]) throws -> Int {
        let db = try db
        let site = replica.site
        let attests = site == .hub
        var pending: [Change] = []
        var replaced: [Int64] = []
        var signed = 0
        let rows = try Row.fetchAll(db, sql: "SELECT id, block, change_count FROM log_segment WHERE signature IS NULL ORDER BY id")
        for row in rows {
            let id: Int64 = row[0]
            let runs = try Row.fetchAll(db, sql: "SELECT origin, first_seq, last_seq FROM log_range WHERE segment = ?",
                                        arguments: [id]).map { row in
                (origin: SiteName(unchecked: row[0]), seqs: UInt64(row[1] as Int64)...UInt64(row[2] as Int64))
            }
            guard attests || runs.allSatisfy({ $0.origin == site }) else { continue }
            let stored = [UInt8](row[1] as Data)
            let count: Int = row[2]
            // A large block that is already one run of one origin's consecutive seqs, all indexed
            // here (a big local transaction): signed as it is stored, without decoding it.
            if runs.count == 1, runs[0].seqs.count == count, count >= Self.signInPlaceMinimum, count <= maximumChanges,
                stored.count <= Self.segmentBlockLimit
            {
                let signature = try sign(stored)
                try db.execute(sql: """
                    UPDATE log_segment SET signer = ?, signature = ?, origin = ?, first_seq = ?, last_seq = ? WHERE id = ?
                    """, arguments: [site.rawValue, Data(signature), runs[0].origin.rawValue,
                                     Int64(runs[0].seqs.lowerBound), Int64(runs[0].seqs.upperBound), id])
                signed += 1
                continue
            }
            let changes: [Change]
            do { changes = try ChangeBlock.decode(stored) } catch { throw StoreError.corrupt(path: replica.path) }
            // Only the seqs the log finds in this segment (a block received again holds others).
            pending += changes.filter { c in runs.contains { $0.origin == c.origin && $0.seqs.contains(c.seq) } }
            replaced.append(id)
        }
        guard !replaced.isEmpty else { return signed }
        pending.sort { $0.origin != $1.origin ? $0.origin < $1.origin : $0.seq < $1.seq }

        for id in replaced {
            try db.execute(sql: "DELETE FROM log_range WHERE segment = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM log_segment WHERE id = ?", arguments: [id])
        }
        for run in SeqRun.runs(in: pending) {
            for (range, block) in SegmentBlocks.encode(pending[run.indices], maximumChanges: maximumChanges) {
                let seqs = pending[range.lowerBound].seq...pending[range.upperBound - 1].seq
                let signature = SegmentSignature(signer: site, bytes: try sign(block))
                try replica.appendSegment(block, changeCount: range.count, runs: [(run.origin, seqs)], signature: signature,
                                          span: (run.origin, seqs), receivedFrom: nil, in: db)
                signed += 1
            }
        }
        return signed
    }
}

extension ReplicaAccess {
    /// The signed segments that carry `origin`'s seqs from `seqs.lowerBound` on, in seq order, as far
    /// as they reach without a hole, up to `seqs.upperBound` (fewer segments rather than more: at
    /// each step, the one reaching furthest). The first may start below, the last end above: a
    /// segment travels whole. Empty if no signed segment holds the first seq.
    package func signedSegments(origin: SiteName, from seqs: ClosedRange<UInt64>) throws -> [SignedSegment] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, first_seq, last_seq FROM log_segment
            WHERE origin = ? AND signature IS NOT NULL AND last_seq >= ? AND first_seq <= ?
            ORDER BY first_seq
            """, arguments: [origin.rawValue, Int64(seqs.lowerBound), Int64(seqs.upperBound)])
        var chosen: [Int64] = []
        var next = seqs.lowerBound
        var i = 0
        while next <= seqs.upperBound {
            var best: (id: Int64, last: UInt64)? = nil
            while i < rows.count, UInt64(rows[i][1] as Int64) <= next {
                let last = UInt64(rows[i][2] as Int64)
                if last >= next, last > best?.last ?? 0 { best = (rows[i][0], last) }
                i += 1
            }
            guard let best else { break }
            chosen.append(best.id)
            if best.last == UInt64(Int64.max) { break }
            next = best.last + 1
        }
        return try chosen.map { id in
            guard let row = try Row.fetchOne(db, sql: """
                    SELECT block, signer, signature, first_seq, last_seq FROM log_segment WHERE id = ?
                    """, arguments: [id]),
                let block = row[0] as Data?, let signer = row[1] as String?, let signature = row[2] as Data?
            else { throw StoreError.corrupt(path: replica.path) }
            return SignedSegment(origin: origin, seqs: UInt64(row[3] as Int64)...UInt64(row[4] as Int64), block: [UInt8](block),
                                 signature: SegmentSignature(signer: SiteName(unchecked: signer), bytes: [UInt8](signature)))
        }
    }
}

/// The roster a replica trusts, as stored (protocol.md §7.3): the hub's public keys, taken at
/// enrolment, and the newest roster they signed. Public data: a copied replica reveals no secret.
package struct StoredRoster: Sendable {
    package var hubSigningKey: [UInt8]
    package var hubAgreementKey: [UInt8]
    package var issuedAt: UInt64
    package var bytes: [UInt8]

    package init(hubSigningKey: [UInt8], hubAgreementKey: [UInt8], issuedAt: UInt64, bytes: [UInt8]) {
        self.hubSigningKey = hubSigningKey
        self.hubAgreementKey = hubAgreementKey
        self.issuedAt = issuedAt
        self.bytes = bytes
    }
}

extension ReplicaAccess {
    /// The roster this replica holds, if it joined a network of format 2.
    package func storedRoster() throws -> StoredRoster? {
        guard let row = try Row.fetchOne(db, sql: "SELECT hub_signing_key, hub_agreement_key, issued_at, bytes FROM roster")
        else { return nil }
        return StoredRoster(hubSigningKey: [UInt8](row[0] as Data), hubAgreementKey: [UInt8](row[1] as Data),
                            issuedAt: UInt64(row[2] as Int64), bytes: [UInt8](row[3] as Data))
    }
}

extension ReplicaTransaction {
    /// Keeps `roster` (already verified by the caller against the hub keys it names) if it is newer
    /// than the one held, or the first. Returns whether it was kept.
    @discardableResult
    package func storeRoster(_ roster: StoredRoster) throws -> Bool {
        if let held = try storedRoster(), held.issuedAt >= roster.issuedAt { return false }
        try db.execute(sql: """
            INSERT OR REPLACE INTO roster (id, hub_signing_key, hub_agreement_key, issued_at, bytes) VALUES (1, ?, ?, ?, ?)
            """, arguments: [Data(roster.hubSigningKey), Data(roster.hubAgreementKey), Int64(roster.issuedAt), Data(roster.bytes)])
        return true
    }
}

extension ReplicaAccess {
    /// Every signed segment of the log, one at a time (`jonction check`).
    package func forEachSignedSegment(_ body: (SignedSegment) throws -> Void) throws {
        let rows = try Row.fetchCursor(db, sql: """
            SELECT block, signer, signature, origin, first_seq, last_seq FROM log_segment
            WHERE signature IS NOT NULL ORDER BY id
            """)
        while let row = try rows.next() {
            guard let block = row[0] as Data?, let signer = row[1] as String?, let signature = row[2] as Data?,
                let origin = row[3] as String?, let first = row[4] as Int64?, let last = row[5] as Int64?, first <= last
            else { throw StoreError.corrupt(path: replica.path) }
            try body(SignedSegment(origin: SiteName(unchecked: origin), seqs: UInt64(first)...UInt64(last), block: [UInt8](block),
                                   signature: SegmentSignature(signer: SiteName(unchecked: signer), bytes: [UInt8](signature))))
        }
    }
}
