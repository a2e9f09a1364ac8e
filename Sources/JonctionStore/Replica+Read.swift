import Foundation
import GRDB
import Jonction

/// A live record as `get` shows it.
public struct LiveRecord: Sendable, Equatable {
    public var table: TableSchema
    public var id: String
    public var state: RecordState

    /// The set fields, in schema order.
    public var fields: [(field: Field, value: Value, stamp: Stamp)] {
        table.fields.indices.compactMap { i in
            guard let stamp = state.stamps[i], !state.values[i].isNull else { return nil }
            return (table.fields[i], state.values[i], stamp)
        }
    }

    public static func == (lhs: LiveRecord, rhs: LiveRecord) -> Bool {
        lhs.table == rhs.table && lhs.id == rhs.id && lhs.state == rhs.state
    }
}

/// What `status` shows.
public struct ReplicaStatus: Sendable {
    public struct TableCount: Sendable {
        public var table: String
        public var live: Int
        public var deleted: Int
    }

    public struct Peer: Sendable {
        public var site: SiteName
        public var lastContact: UInt64
        public var acknowledged: VersionVector
    }

    public struct ClockWarning: Sendable {
        public var site: SiteName
        public var aheadMillis: UInt64
        public var seenAt: UInt64
    }

    public var site: SiteName
    public var network: String?
    public var path: String
    public var schemaVersion: Int
    public var createdAt: UInt64
    public var clock: HLC
    public var vector: VersionVector
    public var tables: [TableCount]
    public var logSegments: Int
    public var conflicts: Int
    public var peers: [Peer]
    public var clockWarnings: [ClockWarning]
}

extension Replica {
    /// The version vector: for each origin, the highest seq held.
    public func vector() throws -> VersionVector {
        try translatingErrors { try pool.read { db in try versionVector(db) } }
    }

    /// A record's merged state (live or deleted), or nil if no change ever touched it.
    public func state(table: String, id: String) throws -> RecordState? {
        let schema = try schema.table(named: table)
        try Schema.validateRecordID(id)
        return try translatingErrors { try pool.read { db in try tables[schema.name]!.load(id, in: db) } }
    }

    /// A live record, or `recordNotFound` / `recordDeleted`.
    public func get(table: String, id: String) throws -> LiveRecord {
        guard let state = try state(table: table, id: id) else {
            throw StoreError.recordNotFound(table: table, id: id)
        }
        if let tombstone = state.tombstone { throw StoreError.recordDeleted(table: table, id: id, by: tombstone) }
        return LiveRecord(table: try schema.table(named: table), id: id, state: state)
    }

    /// Every record's merged state, tombstones and stamps included: what convergence compares.
    public func recordSet() throws -> RecordSet {
        try translatingErrors {
            try pool.read { db in
                var set = RecordSet(schema: schema)
                for table in schema.tables {
                    let m = tables[table.name]!
                    let rows = try Row.fetchCursor(db, sql: "SELECT id, \(m.columnList) FROM \(table.name)")
                    while let row = try rows.next() {
                        set.set(table: table.name, id: row[0], m.state(from: row, offset: 1))
                    }
                }
                return set
            }
        }
    }

    /// All live records as canonical JSON (protocol.md §2.4), read table by table without
    /// holding them all in memory.
    public func dumpJSON() throws -> String {
        try translatingErrors {
            try pool.read { db in
                var json = CanonicalJSON()
                json.beginObject()
                for table in schema.tables.sorted(by: { CanonicalJSON.precedes($0.name, $1.name) }) {
                    let m = tables[table.name]!
                    json.key(table.name)
                    json.beginObject()
                    // BINARY collation orders by UTF-8 bytes: the canonical key order.
                    let rows = try Row.fetchCursor(
                        db, sql: "SELECT id, \(m.columnList) FROM \(table.name) WHERE _tombstone IS NULL ORDER BY id")
                    while let row = try rows.next() {
                        json.key(row[0])
                        json.record(m.state(from: row, offset: 1).values, fields: table.fields)
                    }
                    json.endObject()
                }
                json.endObject()
                return json.output
            }
        }
    }

    /// The changes of `origin` with seqs in `range`, from the log, in seq order.
    public func changes(origin: SiteName, seqs range: ClosedRange<UInt64>) throws -> [Change] {
        try translatingErrors { try pool.read { db in try logChanges(origin: origin, seqs: range, db: db) } }
    }

    /// What a peer with vector `known` lacks: every held change above it, from every origin,
    /// in origin then seq order.
    public func changes(since known: VersionVector) throws -> [Change] {
        try translatingErrors {
            try pool.read { db in
                var result: [Change] = []
                for (origin, seq) in try versionVector(db).sorted where seq > known[origin] {
                    result += try logChanges(origin: origin, seqs: (known[origin] + 1)...seq, db: db)
                }
                return result
            }
        }
    }

    /// The whole log (or a filter of it) in origin then seq order.
    public func log(origin: SiteName? = nil, table: String? = nil, id: String? = nil) throws -> [Change] {
        try translatingErrors {
            try pool.read { db in
                var result: [Change] = []
                for (o, seq) in try versionVector(db).sorted where origin == nil || origin == o {
                    let changes = try logChanges(origin: o, seqs: 1...seq, db: db)
                    result += changes.filter { (table == nil || $0.table == table) && (id == nil || $0.id == id) }
                }
                return result
            }
        }
    }

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

    public func status() throws -> ReplicaStatus {
        try translatingErrors {
            try pool.read { db in
                let meta = try Row.fetchOne(db, sql: "SELECT schema_version, created_at, last_hlc, network FROM replica")!
                var counts: [ReplicaStatus.TableCount] = []
                for table in schema.tables {
                    let row = try Row.fetchOne(db, sql: """
                        SELECT count(*) FILTER (WHERE _tombstone IS NULL), count(*) FILTER (WHERE _tombstone IS NOT NULL)
                        FROM \(table.name)
                        """)!
                    counts.append(.init(table: table.name, live: row[0], deleted: row[1]))
                }
                var acks: [String: [SiteName: UInt64]] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT peer, origin, seq FROM peer_ack") {
                    acks[row[0], default: [:]][SiteName(unchecked: row[1])] = UInt64(row[2] as Int64)
                }
                let peers = try Row.fetchAll(db, sql: "SELECT site, last_contact FROM peer ORDER BY site").map { row in
                    ReplicaStatus.Peer(site: SiteName(unchecked: row[0]), lastContact: UInt64(row[1] as Int64),
                                       acknowledged: VersionVector(acks[row[0]] ?? [:]))
                }
                let warnings = try Row.fetchAll(db, sql: "SELECT site, ahead_ms, seen_at FROM clock_warning ORDER BY site")
                    .map { row in
                        ReplicaStatus.ClockWarning(site: SiteName(unchecked: row[0]), aheadMillis: UInt64(row[1] as Int64),
                                                   seenAt: UInt64(row[2] as Int64))
                    }
                return ReplicaStatus(
                    site: site, network: meta[3], path: path, schemaVersion: meta[0], createdAt: UInt64(meta[1] as Int64),
                    clock: HLC(rawValue: UInt64(bitPattern: meta[2] as Int64)), vector: try versionVector(db),
                    tables: counts, logSegments: try Int.fetchOne(db, sql: "SELECT count(*) FROM log_segment") ?? 0,
                    conflicts: try Int.fetchOne(db, sql: "SELECT count(*) FROM conflict") ?? 0,
                    peers: peers, clockWarnings: warnings)
            }
        }
    }
}

/// What a peer lacks, as change blocks ready to go into a bundle.
public struct Outgoing: Sendable {
    public var blocks: [[UInt8]]
    /// For each origin, the seqs the blocks hold (all of them, each once).
    public var ranges: [SiteName: ClosedRange<UInt64>]
    public var count: Int
    /// This replica's vector when the blocks were read.
    public var vector: VersionVector
    public var network: String?
}

/// A conflict as `conflicts` shows it.
public struct RecordedConflict: Sendable, Equatable {
    public var conflict: Conflict
    public var detectedAt: UInt64
}

extension Replica {
    /// Segments of at least this many changes go into bundles as they are stored.
    static let passThroughSegmentSize = 1024

    /// The network this replica belongs to, if it has learned one.
    public func network() throws -> String? {
        try translatingErrors { try pool.read { db in try String.fetchOne(db, sql: "SELECT network FROM replica") } }
    }

    /// The last vector `peer` acknowledged (from the bundles it sent us).
    public func acknowledged(by peer: SiteName) throws -> VersionVector {
        try translatingErrors { try pool.read { db in try acknowledged(by: peer, db: db) } }
    }

    func acknowledged(by peer: SiteName, db: Database) throws -> VersionVector {
        var entries: [SiteName: UInt64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT origin, seq FROM peer_ack WHERE peer = ?", arguments: [peer.rawValue]) {
            entries[SiteName(unchecked: row[0])] = UInt64(row[1] as Int64)
        }
        return VersionVector(entries)
    }

    /// What to send `peer`, read in one snapshot: every change above the vector it last
    /// acknowledged (or above nothing, for `full`), as change blocks.
    ///
    /// A large log segment whose changes are all needed is sent as it is stored, without decoding;
    /// the needed changes of the other segments (partly needed, or small: one local transaction
    /// each) are re-encoded together into one more block, which compresses better.
    public func outgoing(for peer: SiteName, full: Bool = false) throws -> Outgoing {
        try translatingErrors {
            try pool.read { db in
                let vector = try versionVector(db)
                let selection = WhatToSend(ours: vector, acknowledged: full ? nil : try acknowledged(by: peer, db: db))
                let needed = selection.ranges
                var outgoing = Outgoing(blocks: [], ranges: needed, count: selection.count,
                                        vector: vector, network: try String.fetchOne(db, sql: "SELECT network FROM replica"))
                guard !needed.isEmpty else { return outgoing }

                var segments = Set<Int64>()
                for (origin, seqs) in needed {
                    segments.formUnion(try Int64.fetchAll(db, sql: """
                        SELECT segment FROM log_range WHERE origin = ? AND last_seq >= ? AND first_seq <= ?
                        """, arguments: [origin.rawValue, Int64(seqs.lowerBound), Int64(seqs.upperBound)]))
                }
                var leftovers: [Change] = []
                for segment in segments.sorted() {
                    let runs = try Row.fetchAll(db, sql: "SELECT origin, first_seq, last_seq FROM log_range WHERE segment = ?",
                                                arguments: [segment])
                    let whole = runs.allSatisfy { run in
                        guard let seqs = needed[SiteName(unchecked: run[0])] else { return false }
                        return seqs.contains(UInt64(run[1] as Int64)) && seqs.contains(UInt64(run[2] as Int64))
                    }
                    guard let row = try Row.fetchOne(db, sql: "SELECT block, change_count FROM log_segment WHERE id = ?",
                                                     arguments: [segment]),
                        let data = row[0] as Data?
                    else { throw StoreError.corrupt(path: path) }
                    if whole && (row[1] as Int) >= Replica.passThroughSegmentSize {
                        outgoing.blocks.append([UInt8](data))
                    } else {
                        let changes: [Change]
                        do { changes = try ChangeBlock.decode([UInt8](data)) } catch { throw StoreError.corrupt(path: path) }
                        leftovers += changes.filter { needed[$0.origin]?.contains($0.seq) == true }
                    }
                }
                if !leftovers.isEmpty {
                    leftovers.sort { $0.origin != $1.origin ? $0.origin < $1.origin : $0.seq < $1.seq }
                    outgoing.blocks.append(ChangeBlock.encode(leftovers))
                }
                return outgoing
            }
        }
    }

    /// The recorded conflicts, newest first.
    public func conflicts() throws -> [RecordedConflict] {
        try translatingErrors {
            try pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT table_name, record_id, field, winner_value, winner_deleted, winner_hlc, winner_site,
                           loser_value, loser_hlc, loser_site, detected_at
                    FROM conflict ORDER BY id DESC
                    """).map { row in
                    let winnerDeleted: Bool = row[4]
                    let winner = Conflict.Side(
                        value: winnerDeleted ? nil : Value(databaseValue: row[3]),
                        stamp: Stamp(hlc: HLC(rawValue: UInt64(bitPattern: row[5])), site: SiteName(unchecked: row[6])))
                    let loser = Conflict.Side(
                        value: Value(databaseValue: row[7]),
                        stamp: Stamp(hlc: HLC(rawValue: UInt64(bitPattern: row[8])), site: SiteName(unchecked: row[9])))
                    return RecordedConflict(
                        conflict: Conflict(table: row[0], id: row[1], field: row[2], winner: winner, loser: loser),
                        detectedAt: UInt64(row[10] as Int64))
                }
            }
        }
    }
}

extension Replica {
    /// Every live record of a table, values in schema order (the matching reads candidates and
    /// opportunities this way).
    public func liveRecords(table name: String) throws -> [(id: String, values: [Value])] {
        let table = try schema.table(named: name)
        let m = tables[table.name]!
        return try translatingErrors {
            try pool.read { db in
                var records: [(String, [Value])] = []
                let rows = try Row.fetchCursor(db, sql: "SELECT id, \(m.columnList) FROM \(table.name) WHERE _tombstone IS NULL")
                while let row = try rows.next() {
                    var values = [Value](repeating: .null, count: table.fields.count)
                    for i in 0..<table.fields.count { values[i] = Value(databaseValue: row[1 + i]) }
                    records.append((row[0], values))
                }
                return records
            }
        }
    }
}
