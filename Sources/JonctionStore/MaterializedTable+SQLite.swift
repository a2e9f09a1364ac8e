import GRDB
import GRDBSQLite
import Jonction

// The write path's two statements (load a record by id, save it) read and bind columns through
// SQLite's C API: GRDB's `Row` builds a column-name index per lookup, which is most of the cost of a
// point query. This is the only file of the module that touches SQLite pointers.

private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension MaterializedTable {
    /// Loads a record's state with a prepared `selectSQL` statement, or nil when there is no row.
    func fastLoad(_ id: String, statement: Statement, db: Database) throws -> RecordState? {
        let s = statement.sqliteStatement
        sqlite3_reset(s)
        sqlite3_clear_bindings(s)
        defer { sqlite3_reset(s) }
        var rc = id.withCString { sqlite3_bind_text(s, 1, $0, -1, transient) }
        guard rc == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: db.lastErrorMessage) }
        rc = sqlite3_step(s)
        if rc == SQLITE_DONE { return nil }
        guard rc == SQLITE_ROW else { throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: db.lastErrorMessage) }
        let n = table.fields.count
        var values = [Value](repeating: .null, count: n)
        for i in 0..<n {
            let c = CInt(1 + i)
            switch sqlite3_column_type(s, c) {
            case SQLITE_INTEGER: values[i] = .integer(sqlite3_column_int64(s, c))
            case SQLITE_TEXT: values[i] = .text(String(cString: sqlite3_column_text(s, c)))
            default: break
            }
        }
        let stampsColumn = CInt(1 + n)
        var stamps = [Stamp?](repeating: nil, count: n)
        if sqlite3_column_type(s, stampsColumn) == SQLITE_BLOB, let bytes = sqlite3_column_blob(s, stampsColumn) {
            stamps = StampsBlob.decode(UnsafeRawBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(s, stampsColumn))),
                                       fieldCount: n)
        }
        return RecordState(values: values, stamps: stamps, tombstone: stamp(s, CInt(2 + n)))
    }

    private func stamp(_ s: OpaquePointer, _ column: CInt) -> Stamp? {
        guard sqlite3_column_type(s, column) == SQLITE_BLOB, let bytes = sqlite3_column_blob(s, column) else { return nil }
        let count = Int(sqlite3_column_bytes(s, column))
        guard count > 8 else { return nil }
        let buffer = UnsafeRawBufferPointer(start: bytes, count: count)
        var raw: UInt64 = 0
        for b in buffer.prefix(8) { raw = raw << 8 | UInt64(b) }
        let name = String(decoding: buffer.dropFirst(8), as: UTF8.self)
        return Stamp(hlc: HLC(rawValue: raw), site: SiteName(unchecked: name))
    }

    /// Saves a record's state with a prepared `upsertSQL` statement.
    func fastSave(_ id: String, _ state: RecordState, statement: Statement, db: Database) throws {
        let s = statement.sqliteStatement
        sqlite3_reset(s)
        sqlite3_clear_bindings(s)
        defer {
            sqlite3_reset(s)
            sqlite3_clear_bindings(s)
        }
        var rc = id.withCString { sqlite3_bind_text(s, 1, $0, -1, transient) }
        let n = table.fields.count
        for i in 0..<n where rc == SQLITE_OK {
            let c = CInt(2 + i)
            switch state.values[i] {
            case .null: rc = sqlite3_bind_null(s, c)
            case .integer(let v): rc = sqlite3_bind_int64(s, c, v)
            case .text(let t): rc = t.withCString { sqlite3_bind_text(s, c, $0, -1, transient) }
            }
        }
        var blob = [UInt8]()
        blob.reserveCapacity(16 + 9 * n)
        StampsBlob.encode(state.stamps, into: &blob)
        if rc == SQLITE_OK {
            rc = blob.withUnsafeBytes { sqlite3_bind_blob(s, CInt(2 + n), $0.baseAddress, CInt($0.count), transient) }
        }
        if rc == SQLITE_OK, let tombstone = state.tombstone { rc = bind(tombstone, s, CInt(3 + n), &blob) }
        if rc == SQLITE_OK { rc = sqlite3_step(s) }
        guard rc == SQLITE_DONE else { throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: db.lastErrorMessage) }
    }

    private func bind(_ stamp: Stamp, _ s: OpaquePointer, _ column: CInt, _ blob: inout [UInt8]) -> CInt {
        blob.removeAll(keepingCapacity: true)
        let raw = stamp.hlc.rawValue
        for shift in stride(from: 56, through: 0, by: -8) { blob.append(UInt8(truncatingIfNeeded: raw >> UInt64(shift))) }
        blob.append(contentsOf: stamp.site.rawValue.utf8)
        return blob.withUnsafeBytes { sqlite3_bind_blob(s, column, $0.baseAddress, CInt($0.count), transient) }
    }
}
