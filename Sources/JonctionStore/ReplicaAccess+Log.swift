import Foundation
import GRDB
import Jonction

/// A stored segment of the log (protocol.md §4.4): one change block, and the runs of seqs it holds.
package struct LogSegment: Sendable {
    package var id: Int64
    package var changeCount: Int
    /// The change block, as stored.
    package var block: [UInt8]
    /// Each run of one origin's consecutive seqs in the block.
    package var runs: [(origin: SiteName, seqs: ClosedRange<UInt64>)]
}

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

    /// The log segments holding any of `needed`'s seqs, in the order they were added.
    package func logSegments(covering needed: [SiteName: ClosedRange<UInt64>]) throws -> [LogSegment] {
        var ids = Set<Int64>()
        for (origin, seqs) in needed {
            ids.formUnion(try Int64.fetchAll(db, sql: """
                SELECT segment FROM log_range WHERE origin = ? AND last_seq >= ? AND first_seq <= ?
                """, arguments: [origin.rawValue, Int64(seqs.lowerBound), Int64(seqs.upperBound)]))
        }
        return try ids.sorted().map { id in
            let runs = try Row.fetchAll(db, sql: "SELECT origin, first_seq, last_seq FROM log_range WHERE segment = ?",
                                        arguments: [id]).map { row in
                (origin: SiteName(unchecked: row[0]), seqs: UInt64(row[1] as Int64)...UInt64(row[2] as Int64))
            }
            guard let row = try Row.fetchOne(db, sql: "SELECT block, change_count FROM log_segment WHERE id = ?", arguments: [id]),
                let data = row[0] as Data?
            else { throw StoreError.corrupt(path: replica.path) }
            return LogSegment(id: id, changeCount: row[1], block: [UInt8](data), runs: runs)
        }
    }
}

extension VersionVector {
    /// A vector from rows of (site, seq).
    init(rows: [Row]) {
        var entries: [SiteName: UInt64] = [:]
        for row in rows { entries[SiteName(unchecked: row[0])] = UInt64(row[1] as Int64) }
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
            result += decoded[segment]!.filter { $0.origin == origin && range.contains($0.seq) }
        }
        result.sort { $0.seq < $1.seq }
        return result
    }

    /// Appends changes to the log as one segment, indexed by each run of one origin's seqs.
    /// `encoded` is their change block when it is already at hand.
    func appendSegment(_ changes: [Change], encoded: [UInt8]?, receivedFrom sender: SiteName?, in db: Database) throws {
        let block = encoded ?? ChangeBlock.encode(changes)
        try db.execute(
            sql: "INSERT INTO log_segment (block, change_count, received_from, added_at) VALUES (?, ?, ?, ?)",
            arguments: [Data(block), changes.count, sender?.rawValue, Int64(clock.nowMillis())])
        let segment = db.lastInsertedRowID
        for run in SeqRun.runs(in: changes) {
            try db.execute(
                sql: "INSERT INTO log_range (origin, first_seq, last_seq, segment) VALUES (?, ?, ?, ?)",
                arguments: [run.origin.rawValue, Int64(run.seqs.lowerBound), Int64(run.seqs.upperBound), segment])
        }
    }
}
