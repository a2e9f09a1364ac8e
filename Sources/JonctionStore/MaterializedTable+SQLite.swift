import GRDB
import GRDBSQLite
import Jonction

// The write path's two statements (load a record by id, save it), and the search index's inserts,
// read and bind columns through SQLite's C API: GRDB's `Row` builds a column-name index per lookup,
// which is most of the cost of a point query, and its arguments box each value. This is the only
// file of the module that touches SQLite pointers.

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
        guard let bytes = blob(s, stampsColumn), let decoded = StampsBlob.decode(bytes, fieldCount: n) else {
            throw DamagedRecord()
        }
        stamps = decoded
        var tombstone: Stamp?
        if sqlite3_column_type(s, CInt(2 + n)) != SQLITE_NULL {
            guard let bytes = blob(s, CInt(2 + n)), let stamp = Stamp(storageBytes: bytes) else { throw DamagedRecord() }
            tombstone = stamp
        }
        return RecordState(values: values, stamps: stamps, tombstone: tombstone)
    }

    /// A blob column's bytes, or nil when it is not a blob.
    private func blob(_ s: OpaquePointer, _ column: CInt) -> [UInt8]? {
        guard sqlite3_column_type(s, column) == SQLITE_BLOB, let bytes = sqlite3_column_blob(s, column) else { return nil }
        return [UInt8](UnsafeRawBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(s, column))))
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
        for i in 0..<n where rc == SQLITE_OK { rc = bindValue(state.values[i], s, CInt(2 + i)) }
        var blob = ByteWriter(capacity: 16 + 9 * n)
        StampsBlob.encode(state.stamps, into: &blob)
        if rc == SQLITE_OK { rc = bind(blob.bytes, s, CInt(2 + n)) }
        if rc == SQLITE_OK, let tombstone = state.tombstone {
            tombstone.storageBytes(into: &blob)
            rc = bind(blob.bytes, s, CInt(3 + n))
        }
        if rc == SQLITE_OK { rc = sqlite3_step(s) }
        guard rc == SQLITE_DONE else { throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: db.lastErrorMessage) }
    }

    private func bind(_ bytes: [UInt8], _ s: OpaquePointer, _ column: CInt) -> CInt {
        bytes.withUnsafeBytes { sqlite3_bind_blob(s, column, $0.baseAddress, CInt($0.count), transient) }
    }
}

/// Binds a value to a statement's parameter: NULL (an erased value too), an integer, or a text by
/// its length, not up to a NUL (the stored text is every byte of the value).
private func bindValue(_ value: Value, _ s: OpaquePointer, _ column: CInt) -> CInt {
    switch value {
    case .null, .erased: return sqlite3_bind_null(s, column)
    case .integer(let v): return sqlite3_bind_int64(s, column, v)
    case .text(var t):
        return t.withUTF8 { b in
            b.withMemoryRebound(to: CChar.self) { p in
                p.isEmpty ? sqlite3_bind_text(s, column, "", 0, transient)
                    : sqlite3_bind_text(s, column, p.baseAddress, CInt(p.count), transient)
            }
        }
    }
}

extension Statement {
    /// Runs the statement once with `values` bound to its parameters 1, 2, … in order. The search
    /// index inserts hundreds of thousands of values in a large refresh: GRDB's arguments would box
    /// each one.
    func execute(binding values: ArraySlice<Value>, db: Database) throws {
        let s = sqliteStatement
        sqlite3_reset(s)
        sqlite3_clear_bindings(s)
        defer {
            sqlite3_reset(s)
            sqlite3_clear_bindings(s)
        }
        var rc = SQLITE_OK
        for (i, value) in values.enumerated() where rc == SQLITE_OK { rc = bindValue(value, s, CInt(1 + i)) }
        if rc == SQLITE_OK { rc = sqlite3_step(s) }
        guard rc == SQLITE_DONE else { throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: db.lastErrorMessage) }
    }
}
