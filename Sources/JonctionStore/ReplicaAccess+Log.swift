import Foundation
import GRDB
import Jonction

extension ReplicaAccess {
    /// The version vector: for each origin, the highest seq held.
    package func vector() throws -> VersionVector {
        try replica.versionVector(db)
    }

    /// The changes of `origin` with seqs in `range`, from the log, in seq order.
    package func changes(origin: SiteName, seqs range: ClosedRange<UInt64>) throws -> [Change] {
        try replica.logChanges(origin: origin, seqs: range, db: db)
    }

    /// What a peer with vector `known` lacks: every held change above it, from every origin,
    /// in origin then seq order.
    package func changes(since known: VersionVector) throws -> [Change] {
        try WhatToSend(ours: vector(), acknowledged: known).sorted.flatMap { try changes(origin: $0.origin, seqs: $0.seqs) }
    }

    /// The whole log (or a filter of it) in origin then seq order.
    package func log(origin: SiteName? = nil, table: String? = nil, id: String? = nil) throws -> [Change] {
        var result: [Change] = []
        for (o, seq) in try vector().sorted where origin == nil || origin == o {
            result += try changes(origin: o, seqs: 1...seq)
                .filter { (table == nil || $0.table == table) && (id == nil || $0.id == id) }
        }
        return result
    }
}

extension VersionVector {
    /// A vector from rows of (site, seq).
    init(rows: [Row]) {
        var entries: [SiteName: UInt64] = [:]
        for row in rows { entries[SiteName(unchecked: row[0])] = UInt64(row[1] as Int64) }
        self.init(entries)
    }

    /// A vector kept in one column (`scope_delivery.coverage`): `site=seq` in name order, separated
    /// by spaces. Written by the hub itself; nil if it is not that form.
    var storageText: String { sorted.map { "\($0.site.rawValue)=\($0.seq)" }.joined(separator: " ") }

    init?(storageText: String) {
        var entries: [SiteName: UInt64] = [:]
        for entry in storageText.split(separator: " ") {
            let parts = entry.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let seq = UInt64(parts[1]) else { return nil }
            entries[SiteName(unchecked: String(parts[0]))] = seq
        }
        self.init(entries)
    }
}

extension Replica {
    /// The changes of `origin` with seqs in `range`, decoded from the log segments that hold them.
    func logChanges(origin: SiteName, seqs range: ClosedRange<UInt64>, db: Database) throws -> [Change] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT segment, first_seq, last_seq FROM log_range
            WHERE origin = ? AND last_seq >= ? AND first_seq <= ? ORDER BY first_seq
            """, arguments: [origin.rawValue, Int64(range.lowerBound), Int64(range.upperBound)])
        var result: [Change] = []
        var decoded: [Int64: [Change]] = [:]
        for row in rows {
            let segment: Int64 = row[0]
            if decoded[segment] == nil {
                guard let data = try Data.fetchOne(db, sql: "SELECT block FROM log_segment WHERE id = ?", arguments: [segment])
                else { throw StoreError.corrupt(path: path) }
                do { decoded[segment] = try ChangeBlock.decode([UInt8](data)) } catch {
                    throw StoreError.corrupt(path: path)
                }
            }
            // A segment may hold seqs the log finds elsewhere (received again): its run says which.
            let run = UInt64(row[1] as Int64)...UInt64(row[2] as Int64)
            result += decoded[segment]!.filter { $0.origin == origin && range.contains($0.seq) && run.contains($0.seq) }
        }
        result.sort { $0.seq < $1.seq }
        return result
    }

    /// Appends a block to the log as one segment, with the signature it came with, indexed by
    /// `runs`: the seqs the log finds in it (all of them, or those it did not hold before). A signed
    /// block holds one origin's consecutive seqs, `span`, all of them kept with the block.
    func appendSegment(_ block: [UInt8], changeCount: Int, runs: [(origin: SiteName, seqs: ClosedRange<UInt64>)],
                       signature: SegmentSignature?, span: (origin: SiteName, seqs: ClosedRange<UInt64>)? = nil,
                       receivedFrom sender: SiteName?, in db: Database) throws {
        let span = signature == nil ? nil : span
        try db.execute(
            sql: """
                INSERT INTO log_segment (block, change_count, received_from, added_at, signer, signature,
                                         origin, first_seq, last_seq)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [Data(block), changeCount, sender?.rawValue, Int64(clock.nowMillis()),
                        signature?.signer.rawValue, signature.map { Data($0.bytes) },
                        span?.origin.rawValue, span.map { Int64($0.seqs.lowerBound) }, span.map { Int64($0.seqs.upperBound) }])
        let segment = db.lastInsertedRowID
        for run in runs {
            try db.execute(
                sql: "INSERT INTO log_range (origin, first_seq, last_seq, segment) VALUES (?, ?, ?, ?)",
                arguments: [run.origin.rawValue, Int64(run.seqs.lowerBound), Int64(run.seqs.upperBound), segment])
        }
    }
}
