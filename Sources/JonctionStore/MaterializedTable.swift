import Foundation
import GRDB
import Jonction

/// The SQL of one materialized table: a row per record with a typed column per field, the winning
/// stamps of all fields in one blob, and the tombstone (see `Migrations`).
struct MaterializedTable: Sendable {
    let table: TableSchema
    let selectSQL: String
    let upsertSQL: String
    /// The columns after `id`, in the order `state(from:offset:)` reads them.
    let columnList: String
    /// The fields' columns alone, in schema order.
    let fieldList: String

    init(_ table: TableSchema) {
        self.table = table
        let columns = table.fields.map(\.name) + ["_stamps", "_tombstone"]
        columnList = columns.joined(separator: ", ")
        fieldList = table.fields.map(\.name).joined(separator: ", ")
        selectSQL = "SELECT id, \(columnList) FROM \(table.name) WHERE id = ?"
        // An update in place rather than `INSERT OR REPLACE` (a delete, then an insert): the
        // search index's triggers on `candidate` then see what changed (migration v14).
        upsertSQL = "INSERT INTO \(table.name) (id, \(columnList)) VALUES (?\(String(repeating: ", ?", count: columns.count))) "
            + "ON CONFLICT (id) DO UPDATE SET " + columns.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
    }

    /// Reads a record's state, or nil when no change ever touched it.
    func load(_ id: String, in db: Database) throws -> RecordState? {
        try fastLoad(id, statement: db.cachedStatement(sql: selectSQL), db: db)
    }

    func save(_ id: String, _ state: RecordState, in db: Database) throws {
        try fastSave(id, state, statement: db.cachedStatement(sql: upsertSQL), db: db)
    }

    /// A record's state from a row whose field columns start at `offset` (reads of many rows).
    /// Throws `DamagedRecord` if its stamps or its tombstone cannot be decoded.
    func state(from row: Row, offset: Int) throws -> RecordState {
        let n = table.fields.count
        var values = [Value](repeating: .null, count: n)
        for i in 0..<n { values[i] = Value(databaseValue: row[offset + i]) }
        guard case .blob(let data) = (row[offset + n] as DatabaseValue).storage,
            let stamps = StampsBlob.decode([UInt8](data), fieldCount: n)
        else { throw DamagedRecord() }
        let tombstoneValue: DatabaseValue = row[offset + n + 1]
        let tombstone = Stamp(databaseValue: tombstoneValue)
        guard tombstone != nil || tombstoneValue.isNull else { throw DamagedRecord() }
        return RecordState(values: values, stamps: stamps, tombstone: tombstone)
    }
}

/// A materialized row whose stamps or tombstone do not decode: `Replica` reports the replica corrupt.
struct DamagedRecord: Error {
}

/// The winning stamps of a record's fields, in one blob (internal to the replica, protocol.md §4.4):
/// `varint siteCount, siteCount × string`, then per field in schema order `varint k`: 0 for a field
/// never set, else the site is `sites[k−1]` and 8 bytes of big-endian HLC follow (the primitive
/// encodings of protocol.md §4.1, through `ByteWriter` and `ByteReader`).
enum StampsBlob {
    static func encode(_ stamps: [Stamp?], into out: inout ByteWriter) {
        out.bytes.removeAll(keepingCapacity: true)
        var sites: [SiteName] = []
        for case let s? in stamps where !sites.contains(s.site) { sites.append(s.site) }
        out.varint(UInt64(sites.count))
        for site in sites { out.string(site.rawValue) }
        for stamp in stamps {
            guard let stamp else {
                out.byte(0)
                continue
            }
            out.varint(UInt64(sites.firstIndex(of: stamp.site)! + 1))
            out.uint64BE(stamp.hlc.rawValue)
        }
    }

    /// Decodes what `encode` wrote; nil if the blob is damaged (the record's stamps cannot be
    /// trusted: the replica is corrupt, never silently "never set").
    static func decode(_ bytes: [UInt8], fieldCount: Int) -> [Stamp?]? {
        var stamps = [Stamp?](repeating: nil, count: fieldCount)
        var reader = ByteReader(bytes)
        guard let siteCount = try? reader.count(max: 1024) else { return nil }
        var sites: [SiteName] = []
        sites.reserveCapacity(siteCount)
        for _ in 0..<siteCount {
            guard let name = try? reader.string(), SiteName.isValid(name) else { return nil }
            sites.append(SiteName(unchecked: name))
        }
        for f in 0..<fieldCount {
            guard let k = try? reader.count(max: sites.count) else { return nil }
            if k == 0 { continue }
            guard let raw = try? reader.uint64BE() else { return nil }
            stamps[f] = Stamp(hlc: HLC(rawValue: raw), site: sites[k - 1])
        }
        return reader.isAtEnd ? stamps : nil
    }
}
