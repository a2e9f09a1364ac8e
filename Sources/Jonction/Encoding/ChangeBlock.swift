/// A run of changes encoded column by column, with dictionaries for the strings that repeat
/// (sites, tables, fields, ids, values). The replica's log segments and the body of bundles.
///
/// The byte layout is protocol.md §4.2. Encoding keeps the order of the changes it is given;
/// consecutive changes of one origin with consecutive seqs form a run whose seqs are implicit.
/// A block is written in version 1 unless it needs what only version 2 says (an erasure, an erased
/// value, an author); both are read.
public enum ChangeBlock {
    /// The versions of the block layout, first byte of every block.
    public static let version: UInt8 = 1
    public static let version2: UInt8 = 2

    /// The layout `changes` are written in: the oldest that can say them.
    public static func version(for changes: some Sequence<Change>) -> UInt8 {
        for c in changes {
            if c.author != nil || c.operation == .erase { return version2 }
            if case .set(_, .erased) = c.operation { return version2 }
        }
        return version
    }

    // MARK: Encoding

    public static func encode(_ changes: [Change]) -> [UInt8] {
        encode(changes[...])
    }

    /// Encodes a slice of changes (a part of a run cut into blocks) without copying it.
    public static func encode(_ changes: ArraySlice<Change>) -> [UInt8] {
        // Each change's strings numbered as first met, in one pass; then ranked in byte order.
        let layout = version(for: changes)
        let v2 = layout == version2
        var sites = StringTable(), tables = StringTable(), fields = StringTable(), ids = StringTable(), authors = StringTable()
        var slots = [Slots]()
        slots.reserveCapacity(changes.count)
        for change in changes {
            slots.append(Slots(
                origin: sites.position(change.origin.rawValue),
                previousSite: change.previous.map { sites.position($0.site.rawValue) } ?? -1,
                table: tables.position(change.table),
                id: ids.position(change.id),
                field: change.field.map { fields.position($0) } ?? -1,
                author: v2 ? change.author.map { authors.position($0.rawValue) } ?? -1 : -1))
        }
        let siteRank = sites.rank(), tableRank = tables.rank(), fieldRank = fields.rank(), idRank = ids.rank()
        let authorRank = authors.rank()

        var out = ByteWriter(capacity: changes.count * 8 + 64)
        out.byte(layout)
        out.varint(UInt64(changes.count))
        writeStrings(sites.sorted(siteRank), to: &out)
        writeStrings(tables.sorted(tableRank), to: &out)
        writeStrings(fields.sorted(fieldRank), to: &out)
        writeFrontCoded(ids.sorted(idRank), to: &out)
        if v2 { writeStrings(authors.sorted(authorRank), to: &out) }

        // Runs: origin, first seq, length.
        var runs = ByteWriter()
        let seqRuns = SeqRun.runs(in: changes)
        for run in seqRuns {
            runs.varint(UInt64(siteRank[Int(slots[run.indices.lowerBound - changes.startIndex].origin)]))
            runs.varint(run.seqs.lowerBound)
            runs.varint(UInt64(run.indices.count))
        }
        out.varint(UInt64(seqRuns.count))
        out.raw(runs.bytes)

        var tableColumn = ByteWriter(capacity: changes.count)
        var idColumn = ByteWriter(capacity: changes.count)
        var fieldColumn = ByteWriter(capacity: changes.count)
        var millisColumn = ByteWriter(capacity: changes.count * 2)
        var counterColumn = ByteWriter(capacity: changes.count)
        var previousColumn = ByteWriter(capacity: changes.count)
        var authorColumn = ByteWriter(capacity: v2 ? changes.count : 0)
        var valueStreams = Array(repeating: [Value](), count: fieldRank.count)
        var lastID: Int64 = 0
        var lastMillis: Int64 = 0
        var lastWrite = [UInt64: Int]()
        lastWrite.reserveCapacity(changes.count)

        for (index, slot) in zip(changes.indices, slots) {
            let change = changes[index]
            let table = Int(tableRank[Int(slot.table)]), id = Int(idRank[Int(slot.id)])
            tableColumn.varint(UInt64(table))
            idColumn.signed(Int64(id) &- lastID)
            lastID = Int64(id)
            let millis = Int64(change.hlc.millis)
            millisColumn.signed(millis &- lastMillis)
            lastMillis = millis
            counterColumn.varint(UInt64(change.hlc.counter))

            let valueSlot: Int
            switch change.operation {
            case .delete:
                fieldColumn.varint(0)
                valueSlot = 0
            case .erase:
                fieldColumn.varint(1)
                valueSlot = 0
            case .set(_, let value):
                let f = Int(fieldRank[Int(slot.field)])
                fieldColumn.varint(UInt64(v2 ? f + 2 : f + 1))
                valueStreams[f].append(value)
                valueSlot = f + 1
            }
            if v2 { authorColumn.varint(slot.author < 0 ? 0 : UInt64(authorRank[Int(slot.author)]) + 1) }
            // protocol.md §4.2.3: the implicit previous stamp.
            let recordKey = implicitKey(id: id, table: table, slot: 0)
            let key = implicitKey(id: id, table: table, slot: valueSlot)
            if let p = change.previous {
                if let last = lastWrite[key], changes[last].stamp == p {
                    previousColumn.byte(1)
                } else {
                    previousColumn.byte(2)
                    previousColumn.signed(millis &- Int64(p.hlc.millis))
                    previousColumn.varint(UInt64(p.hlc.counter))
                    previousColumn.varint(UInt64(siteRank[Int(slot.previousSite)]))
                }
            } else {
                previousColumn.byte(0)
            }
            lastWrite[key] = index
            if valueSlot != 0 { lastWrite[recordKey] = index }
        }

        let columns = [tableColumn, idColumn, fieldColumn, millisColumn, counterColumn, previousColumn] + (v2 ? [authorColumn] : [])
        let streams = valueStreams.map(encodeValues)
        // The block's size is known now: one allocation, not a doubling per megabyte.
        out.bytes.reserveCapacity(out.bytes.count + (columns.map(\.bytes.count) + streams.map(\.count)).reduce(10 * (columns.count + streams.count), +))
        for column in columns {
            out.varint(UInt64(column.bytes.count))
            out.raw(column.bytes)
        }
        for encoded in streams {
            out.varint(UInt64(encoded.count))
            out.raw(encoded)
        }
        return out.bytes
    }

    /// The key under which a block remembers the last stamp written, for implicit previous stamps:
    /// a field of a record (slot = field index + 1), or (slot 0) any field of the record.
    @inline(__always)
    private static func implicitKey(id: Int, table: Int, slot: Int) -> UInt64 {
        UInt64(id) << 32 | UInt64(table) << 16 | UInt64(slot)
    }

    /// Dictionary sizes the implicit keys can hold.
    static let maxTables = 1 << 16 - 1, maxFields = 1 << 16 - 2, maxIDs = 1 << 32 - 1
    /// The longest record id (protocol.md §2.3).
    static let maxIDLength = 128
    /// Columns with one entry per change: tables, ids, fields, millis, counters, previous stamps.
    static let columnCount = 6

    private static func writeStrings(_ strings: [String], to out: inout ByteWriter) {
        out.varint(UInt64(strings.count))
        for s in strings { out.string(s) }
    }

    /// Sorted strings, each as the length of the prefix it shares with the previous one, then the rest.
    private static func writeFrontCoded(_ strings: [String], to out: inout ByteWriter) {
        out.varint(UInt64(strings.count))
        var previous: [UInt8] = []
        for s in strings {
            let bytes = Array(s.utf8)
            var shared = 0
            while shared < min(previous.count, bytes.count), previous[shared] == bytes[shared] { shared += 1 }
            out.varint(UInt64(shared))
            out.varint(UInt64(bytes.count - shared))
            out.raw(bytes[shared...])
            previous = bytes
        }
    }

    /// A field's values: plain (mode 0), or a dictionary of distinct values then indexes (mode 1)
    /// when values repeat: at most one distinct value in two. A long stream whose first
    /// `distinctProbe` values are mostly distinct (ids, phones, free texts) is written plain without
    /// looking further.
    private static func encodeValues(_ values: [Value]) -> [UInt8] {
        var out = ByteWriter()
        var distinct = [ByteKey: Int]()
        distinct.reserveCapacity(min(values.count, distinctProbe))
        var order: [Value] = []
        var indices: [Int] = []
        indices.reserveCapacity(values.count)
        var repeats = values.count >= 8
        for (n, v) in values.enumerated() {
            if n == distinctProbe && order.count * 4 > distinctProbe * 3 {
                repeats = false
                break
            }
            let key = ByteKey(value: v)
            if let known = distinct[key] {
                indices.append(known)
            } else {
                distinct[key] = order.count
                indices.append(order.count)
                order.append(v)
            }
        }
        if repeats && order.count * 2 <= values.count {
            out.bytes.reserveCapacity(1 + 10 + order.reduce(0) { $0 + size($1) } + 10 + indices.count * 3)
            out.byte(1)
            out.varint(UInt64(order.count))
            for v in order { writeValue(v, to: &out) }
            out.varint(UInt64(values.count))
            for i in indices { out.varint(UInt64(i)) }
        } else {
            out.bytes.reserveCapacity(1 + 10 + values.reduce(0) { $0 + size($1) })
            out.byte(0)
            out.varint(UInt64(values.count))
            for v in values { writeValue(v, to: &out) }
        }
        return out.bytes
    }

    /// How many values of a stream are looked at before deciding it does not repeat enough.
    static let distinctProbe = 4096

    /// A value compared and hashed by its bytes: a block stores bytes, and Swift's `String` compares
    /// by canonical equivalence and hashes through NFC (slower, and two texts with other bytes would
    /// be one entry of the dictionary).
    private struct ByteKey: Hashable {
        let value: Value

        static func == (a: ByteKey, b: ByteKey) -> Bool {
            switch (a.value, b.value) {
            case (.text(let x), .text(let y)): return x.utf8.count == y.utf8.count && x.utf8.elementsEqual(y.utf8)
            default: return a.value == b.value
            }
        }

        func hash(into hasher: inout Hasher) {
            switch value {
            case .null: hasher.combine(0)
            case .integer(let n):
                hasher.combine(1)
                hasher.combine(n)
            case .text(var s):
                hasher.combine(2)
                s.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            case .erased: hasher.combine(3)
            }
        }
    }

    /// The bytes `writeValue` appends.
    private static func size(_ value: Value) -> Int {
        switch value {
        case .null, .erased: return 1
        case .integer(let n): return 1 + ByteWriter.varintSize(UInt64(bitPattern: (n << 1) ^ (n >> 63)))
        case .text(let s):
            let count = s.utf8.count
            return 1 + ByteWriter.varintSize(UInt64(count)) + count
        }
    }

    private static func writeValue(_ value: Value, to out: inout ByteWriter) {
        switch value {
        case .null: out.byte(0)
        case .integer(let n):
            out.byte(1)
            out.signed(n)
        case .text(let s):
            out.byte(2)
            out.string(s)
        case .erased:
            out.byte(3)
        }
    }

    // MARK: Decoding

    /// Decodes a block. Every length and index is checked: damaged bytes give a `ByteDecodingError`,
    /// never a crash or a partial result.
    ///
    /// Memory follows the bytes, not what they declare: every count is checked against what the
    /// remaining bytes can hold before anything is allocated for it, so a block of n bytes costs
    /// O(n) whatever its counts say. `maximumCount` refuses a block of more changes before decoding
    /// them (a bundle passes what its header has left).
    public static func decode(_ bytes: [UInt8], maximumCount: Int = .max) throws(ByteDecodingError) -> [Change] {
        var r = ByteReader(bytes)
        let v = try r.byte()
        guard v == version || v == version2 else { throw .malformed("change block version \(v)") }
        let v2 = v == version2
        // Each change takes at least one byte in each of the six (version 2: seven) columns that follow.
        let count = try r.count(max: min(maximumCount, r.remaining / (v2 ? columnCount + 1 : columnCount)))
        // A dictionary holds only strings the changes use (protocol.md §4.2): each change names at
        // most two sites (its origin, its previous stamp's), one table, one field, one id.
        let siteNames = try readStrings(&r, max: 2 * count)
        var sites: [SiteName] = []
        sites.reserveCapacity(siteNames.count)
        for name in siteNames {
            guard SiteName.isValid(name) else { throw .malformed("invalid site name") }
            sites.append(SiteName(unchecked: name))
        }
        let tables = try readStrings(&r, max: min(count, maxTables))
        let fields = try readStrings(&r, max: min(count, maxFields))
        let ids = try readFrontCoded(&r, max: min(count, maxIDs))
        var authors: [UserName] = []
        if v2 {
            for name in try readStrings(&r, max: count) {
                guard UserName.isValid(name) else { throw .malformed("invalid user name") }
                authors.append(UserName(unchecked: name))
            }
        }

        // A run takes at least three bytes and covers at least one change.
        let runCount = try r.count(max: min(count, r.remaining / 3))
        var origins: [(site: SiteName, first: UInt64, length: Int)] = []
        origins.reserveCapacity(runCount)
        var total = 0
        for _ in 0..<runCount {
            let s = try r.count(max: sites.count - 1)
            let first = try r.varint()
            let length = try r.count(max: count - total)
            // Seqs stay within 2⁶³ − 1 (protocol.md §3.2): they are stored as signed 64-bit integers.
            guard first >= 1, length >= 1, first <= UInt64(Int64.max) - UInt64(length) + 1 else {
                throw .malformed("invalid run")
            }
            total += length
            origins.append((sites[s], first, length))
        }
        guard total == count else { throw .malformed("runs cover \(total) of \(count) changes") }

        // Each column holds one entry of at least one byte per change.
        func column(_ r: inout ByteReader) throws(ByteDecodingError) -> ByteReader {
            let length = try r.count(max: r.remaining)
            guard length >= count else { throw .malformed("column shorter than \(count) changes") }
            return try r.section(length)
        }
        var tableColumn = try column(&r)
        var idColumn = try column(&r)
        var fieldColumn = try column(&r)
        var millisColumn = try column(&r)
        var counterColumn = try column(&r)
        var previousColumn = try column(&r)
        var authorColumn = v2 ? try column(&r) : ByteReader([])
        var streams: [[Value]] = []
        streams.reserveCapacity(fields.count)
        var values = 0
        for _ in fields {
            var section = try r.section(r.count(max: r.remaining))
            // All the streams together hold one value per set change.
            streams.append(try decodeValues(&section, max: count - values, erasedAllowed: v2))
            values += streams[streams.count - 1].count
        }
        guard r.isAtEnd else { throw .malformed("trailing bytes after block") }

        var cursors = Array(repeating: 0, count: fields.count)
        var changes: [Change] = []
        changes.reserveCapacity(count)
        var lastID: Int64 = 0
        var lastMillis: Int64 = 0
        // Implicit previous stamps need the last write of each key; a block without any (a site's
        // first writes, most received blocks) skips that bookkeeping.
        let tracksWrites = try Self.hasImplicitPrevious(previousColumn, count: count)
        var lastWrite = [UInt64: Int]()
        if tracksWrites { lastWrite.reserveCapacity(count) }
        for run in origins {
            for k in 0..<run.length {
                let t = try tableColumn.count(max: tables.count - 1)
                let table = tables[t]
                let id = lastID &+ (try idColumn.signed())
                guard id >= 0, id < Int64(ids.count) else { throw .malformed("id index out of range") }
                lastID = id
                let f = try fieldColumn.count(max: fields.count + (v2 ? 1 : 0))
                let millis = lastMillis &+ (try millisColumn.signed())
                guard millis >= 0, millis <= Int64(HLC.maxMillis) else { throw .malformed("clock out of range") }
                lastMillis = millis
                let counter = try counterColumn.varint()
                guard counter <= UInt64(UInt16.max) else { throw .malformed("clock counter out of range") }
                let hlc = HLC(millis: UInt64(millis), counter: UInt16(counter))
                let operation: Change.Operation
                // The slot of the implicit previous stamp: 0 for the record, k + 1 for field k.
                let slot: Int
                if f == 0 {
                    operation = .delete
                    slot = 0
                } else if v2 && f == 1 {
                    operation = .erase
                    slot = 0
                } else {
                    let stream = v2 ? f - 2 : f - 1
                    guard cursors[stream] < streams[stream].count else { throw .malformed("value stream too short") }
                    operation = .set(field: fields[stream], value: streams[stream][cursors[stream]])
                    cursors[stream] += 1
                    slot = stream + 1
                }
                let author: UserName?
                if v2 {
                    let a = try authorColumn.count(max: authors.count)
                    author = a == 0 ? nil : authors[a - 1]
                } else {
                    author = nil
                }
                let key = implicitKey(id: Int(id), table: t, slot: slot)
                let previous: Stamp?
                switch try previousColumn.byte() {
                case 0: previous = nil
                case 1:
                    guard let last = lastWrite[key] else { throw .malformed("implicit stamp with no predecessor") }
                    previous = changes[last].stamp
                case 2:
                    let p = millis &- (try previousColumn.signed())
                    let c = try previousColumn.varint()
                    guard p >= 0, p <= Int64(HLC.maxMillis), c <= UInt64(UInt16.max) else {
                        throw .malformed("previous stamp out of range")
                    }
                    let s = try previousColumn.count(max: sites.count - 1)
                    previous = Stamp(hlc: HLC(millis: UInt64(p), counter: UInt16(c)), site: sites[s])
                default: throw .malformed("invalid previous-stamp kind")
                }
                if tracksWrites {
                    lastWrite[key] = changes.count
                    if slot != 0 { lastWrite[implicitKey(id: Int(id), table: t, slot: 0)] = changes.count }
                }
                changes.append(Change(origin: run.site, seq: run.first + UInt64(k), hlc: hlc,
                                      table: table, id: ids[Int(id)], operation: operation, previous: previous,
                                      author: author))
            }
        }
        guard tableColumn.isAtEnd, idColumn.isAtEnd, fieldColumn.isAtEnd, millisColumn.isAtEnd, counterColumn.isAtEnd,
            previousColumn.isAtEnd, authorColumn.isAtEnd,
            zip(cursors, streams).allSatisfy({ $0 == $1.count })
        else { throw .malformed("columns longer than the block") }
        return changes
    }

    /// Whether the previous-stamp column uses kind 1 anywhere (a quick pass over its bytes).
    private static func hasImplicitPrevious(_ column: ByteReader, count: Int) throws(ByteDecodingError) -> Bool {
        var r = column
        for _ in 0..<count {
            switch try r.byte() {
            case 0: continue
            case 1: return true
            case 2:
                _ = try r.varint()
                _ = try r.varint()
                _ = try r.varint()
            default: throw .malformed("invalid previous-stamp kind")
            }
        }
        return false
    }

    /// A dictionary of at most `limit` strings; each takes at least one byte.
    private static func readStrings(_ r: inout ByteReader, max limit: Int) throws(ByteDecodingError) -> [String] {
        let n = try r.count(max: min(limit, r.remaining))
        var result: [String] = []
        result.reserveCapacity(n)
        for _ in 0..<n { result.append(try r.string()) }
        return result
    }

    /// Front-coded ids, each at most `maxIDLength` bytes: an id costs two bytes of input, but it
    /// may repeat up to its whole predecessor, so their length is what bounds their memory.
    private static func readFrontCoded(_ r: inout ByteReader, max limit: Int) throws(ByteDecodingError) -> [String] {
        let n = try r.count(max: min(limit, r.remaining / 2))
        var result: [String] = []
        result.reserveCapacity(n)
        var previous: [UInt8] = []
        for _ in 0..<n {
            let shared = try r.count(max: previous.count)
            let rest = try r.count(max: min(r.remaining, maxIDLength - shared))
            var bytes = Array(previous[..<shared])
            bytes.append(contentsOf: try r.raw(rest))
            guard let s = bytes.withUnsafeBufferPointer(ByteReader.utf8String) else { throw .malformed("invalid UTF-8 in ids") }
            result.append(s)
            previous = bytes
        }
        return result
    }

    /// A value stream of at most `limit` values.
    private static func decodeValues(_ r: inout ByteReader, max limit: Int, erasedAllowed: Bool) throws(ByteDecodingError) -> [Value] {
        let mode = try r.byte()
        switch mode {
        case 0:
            // Each value takes at least one byte.
            let n = try r.count(max: min(limit, r.remaining))
            var values: [Value] = []
            values.reserveCapacity(n)
            for _ in 0..<n { values.append(try readValue(&r, erasedAllowed: erasedAllowed)) }
            guard r.isAtEnd else { throw .malformed("trailing bytes in value stream") }
            return values
        case 1:
            let d = try r.count(max: min(limit, r.remaining))
            var dictionary: [Value] = []
            dictionary.reserveCapacity(d)
            for _ in 0..<d { dictionary.append(try readValue(&r, erasedAllowed: erasedAllowed)) }
            // Each index takes at least one byte.
            let n = try r.count(max: min(limit, r.remaining))
            var values: [Value] = []
            values.reserveCapacity(n)
            for _ in 0..<n { values.append(dictionary[try r.count(max: d - 1)]) }
            guard r.isAtEnd else { throw .malformed("trailing bytes in value stream") }
            return values
        default:
            throw .malformed("unknown value stream mode \(mode)")
        }
    }

    private static func readValue(_ r: inout ByteReader, erasedAllowed: Bool) throws(ByteDecodingError) -> Value {
        switch try r.byte() {
        case 0: return .null
        case 1: return .integer(try r.signed())
        case 2: return .text(try r.string())
        case 3 where erasedAllowed: return .erased
        default: throw .malformed("unknown value kind")
        }
    }
}

/// Where a change's strings stand in their tables, as first met (-1: none).
private struct Slots {
    var origin: Int32
    var previousSite: Int32
    var table: Int32
    var id: Int32
    var field: Int32
    var author: Int32
}

/// Distinct strings numbered in the order they are first met (one lookup each, none for a string
/// equal to the one before, as a record's fields follow each other), then ranked by UTF-8 bytes.
private struct StringTable {
    private var positions: [String: Int32] = [:]
    private var strings: [String] = []
    private var last = ""
    private var lastPosition: Int32 = -1

    mutating func position(_ s: String) -> Int32 {
        if lastPosition >= 0 && s == last { return lastPosition }
        let p: Int32
        if let known = positions[s] {
            p = known
        } else {
            p = Int32(strings.count)
            positions[s] = p
            strings.append(s)
        }
        last = s
        lastPosition = p
        return p
    }

    /// For each string, by the position it was first met at, its place in byte order.
    func rank() -> [Int32] {
        let order = strings.indices.sorted { CanonicalJSON.precedes(strings[$0], strings[$1]) }
        var rank = [Int32](repeating: 0, count: strings.count)
        for (place, position) in order.enumerated() { rank[position] = Int32(place) }
        return rank
    }

    /// The strings in byte order, given `rank()`.
    func sorted(_ rank: [Int32]) -> [String] {
        var sorted = strings
        for (position, s) in strings.enumerated() { sorted[Int(rank[position])] = s }
        return sorted
    }
}
