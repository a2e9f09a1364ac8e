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

    init(_ table: TableSchema) {
        self.table = table
        let columns = table.fields.map(\.name) + ["_stamps", "_tombstone"]
        columnList = columns.joined(separator: ", ")
        selectSQL = "SELECT id, \(columnList) FROM \(table.name) WHERE id = ?"
        upsertSQL = "INSERT OR REPLACE INTO \(table.name) (id, \(columnList)) VALUES (?\(String(repeating: ", ?", count: columns.count)))"
    }

    /// Reads a record's state, or nil when no change ever touched it.
    func load(_ id: String, in db: Database) throws -> RecordState? {
        try fastLoad(id, statement: db.cachedStatement(sql: selectSQL), db: db)
    }

    func save(_ id: String, _ state: RecordState, in db: Database) throws {
        try fastSave(id, state, statement: db.cachedStatement(sql: upsertSQL), db: db)
    }

    /// A record's state from a row whose field columns start at `offset` (reads of many rows).
    func state(from row: Row, offset: Int) -> RecordState {
        let n = table.fields.count
        var values = [Value](repeating: .null, count: n)
        for i in 0..<n { values[i] = Value(databaseValue: row[offset + i]) }
        let stamps: [Stamp?]
        if case .blob(let data) = (row[offset + n] as DatabaseValue).storage {
            stamps = data.withUnsafeBytes { StampsBlob.decode(UnsafeRawBufferPointer($0), fieldCount: n) }
        } else {
            stamps = Array(repeating: nil, count: n)
        }
        return RecordState(values: values, stamps: stamps, tombstone: Stamp(databaseValue: row[offset + n + 1]))
    }
}

/// The winning stamps of a record's fields, in one blob (internal to the replica, protocol.md §4.4):
/// `varint siteCount, siteCount × string`, then per field in schema order `varint k`: 0 for a field
/// never set, else the site is `sites[k−1]` and 8 bytes of big-endian HLC follow.
enum StampsBlob {
    static func encode(_ stamps: [Stamp?], into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        var sites: [SiteName] = []
        for case let s? in stamps where !sites.contains(s.site) { sites.append(s.site) }
        varint(UInt64(sites.count), &out)
        for site in sites {
            varint(UInt64(site.rawValue.utf8.count), &out)
            out.append(contentsOf: site.rawValue.utf8)
        }
        for stamp in stamps {
            guard let stamp else {
                out.append(0)
                continue
            }
            varint(UInt64(sites.firstIndex(of: stamp.site)! + 1), &out)
            let raw = stamp.hlc.rawValue
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: raw >> UInt64(shift))) }
        }
    }

    /// Decodes what `encode` wrote; a damaged blob gives the stamps it could read (nil for the rest).
    static func decode(_ bytes: UnsafeRawBufferPointer, fieldCount: Int) -> [Stamp?] {
        var stamps = [Stamp?](repeating: nil, count: fieldCount)
        var i = 0
        func varint() -> Int? {
            var result = 0, shift = 0
            while i < bytes.count, shift < 63 {
                let b = bytes[i]
                i += 1
                result |= Int(b & 0x7F) << shift
                if b < 0x80 { return result }
                shift += 7
            }
            return nil
        }
        guard let siteCount = varint(), siteCount <= 1024 else { return stamps }
        var sites: [SiteName] = []
        sites.reserveCapacity(siteCount)
        for _ in 0..<siteCount {
            guard let length = varint(), i + length <= bytes.count else { return stamps }
            sites.append(SiteName(unchecked: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[i..<(i + length)]), as: UTF8.self)))
            i += length
        }
        for f in 0..<fieldCount {
            guard let k = varint() else { return stamps }
            if k == 0 { continue }
            guard k <= sites.count, i + 8 <= bytes.count else { return stamps }
            var raw: UInt64 = 0
            for b in bytes[i..<(i + 8)] { raw = raw << 8 | UInt64(b) }
            i += 8
            stamps[f] = Stamp(hlc: HLC(rawValue: raw), site: sites[k - 1])
        }
        return stamps
    }

    private static func varint(_ value: UInt64, _ out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }
}
