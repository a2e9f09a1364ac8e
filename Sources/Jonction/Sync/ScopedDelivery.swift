/// What the hub sends an office that holds a partial replica (protocol.md §2.6, §5.10): instead of
/// every origin's changes, the current state of the records of the office's scope that it lacks,
/// and the records it must drop.
///
/// A snapshot gives each set field's value with its stamp, so that merging it is the merge rule of
/// §3.3 applied to the field's winning change: idempotent, commutative with everything else, and
/// the office's state of a record in its scope ends equal to the hub's. Deliveries are numbered by
/// the hub, per office (`generation`); each is relative to the generation the office last
/// acknowledged (`base`), or `complete`: then it lists every record the office holds.
public struct ScopedDelivery: Sendable, Equatable {
    /// The hub's number of this delivery's scope, per office, from 1.
    public var generation: UInt64
    /// The generation the office acknowledged, that this delivery completes (0 with `complete`).
    public var base: UInt64
    /// Whether `records` is everything the office holds of the replicated tables (then it drops the rest).
    public var complete: Bool
    /// The seq of the office's own changes the hub holds: an office drops its own changes of a record
    /// that left its scope only once the hub holds them.
    public var hubHolds: UInt64
    /// The hub's version vector without the office's own entry: the office's state of its scope now
    /// reflects every change the hub holds up to it.
    public var coverage: VersionVector
    /// The records of the scope the office lacks, whole.
    public var records: [RecordSnapshot]
    /// The records that left the scope (not with `complete`).
    public var drops: [RecordKey]

    public init(generation: UInt64, base: UInt64, complete: Bool, hubHolds: UInt64, coverage: VersionVector,
                records: [RecordSnapshot], drops: [RecordKey]) {
        self.generation = generation
        self.base = base
        self.complete = complete
        self.hubHolds = hubHolds
        self.coverage = coverage
        self.records = records
        self.drops = drops
    }

    /// Whether it tells the office nothing it holds: no record, no drop, no new generation or coverage.
    public func isEmpty(for acknowledgedGeneration: UInt64, acknowledged: VersionVector) -> Bool {
        !complete && records.isEmpty && drops.isEmpty && generation == acknowledgedGeneration
            && coverage.entries.allSatisfy { acknowledged[$0.key] >= $0.value }
    }
}

/// One live record as the hub holds it: each set field's value and stamp.
public struct RecordSnapshot: Sendable, Equatable {
    public var key: RecordKey
    public var fields: [Field]

    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: Value
        public var stamp: Stamp

        public init(name: String, value: Value, stamp: Stamp) {
            self.name = name
            self.value = value
            self.stamp = stamp
        }
    }

    public init(key: RecordKey, fields: [Field]) {
        self.key = key
        self.fields = fields
    }

    /// The snapshot of a record's merged state (the fields never set are left out).
    public init(key: RecordKey, state: RecordState, table: TableSchema) {
        self.key = key
        fields = state.stamps.indices.compactMap { i in
            state.stamps[i].map { Field(name: table.fields[i].name, value: state.values[i], stamp: $0) }
        }
    }

    /// The field changes the snapshot stands for, as `RecordState.apply` merges them: each field's
    /// winning value at its stamp. `previous` gives the receiver's own stamps, so that merging them
    /// reports no conflict the hub has not seen (the hub keeps the audit, §3.4).
    public func changes(previous: (Int) -> Stamp?, in table: TableSchema) -> [(position: Int, change: Change)] {
        // Fields usually come in the table's order: the next position is tried before the lookup.
        var next = 0
        return fields.compactMap { field in
            let p: Int
            if next < table.fields.count, table.fields[next].name == field.name {
                p = next
            } else {
                guard let q = table.position(of: field.name) else { return nil }
                p = q
            }
            next = p + 1
            return (p, Change(origin: field.stamp.site, seq: 0, hlc: field.stamp.hlc, table: key.table, id: key.id,
                              operation: .set(field: field.name, value: field.value), previous: previous(p)))
        }
    }
}

// MARK: - Encoding (protocol.md §5.10)

extension ScopedDelivery {
    /// Appends the scope part of a format 3 body.
    public func encode(to out: inout ByteWriter) {
        out.varint(generation)
        out.varint(base)
        out.byte(complete ? 1 : 0)
        out.varint(hubHolds)
        let coverage = coverage.sorted
        out.varint(UInt64(coverage.count))
        for (site, seq) in coverage {
            out.string(site.rawValue)
            out.varint(seq)
        }
        out.varint(UInt64(records.count))
        for record in records {
            out.string(record.key.table)
            out.string(record.key.id)
            out.varint(UInt64(record.fields.count))
            for field in record.fields {
                out.string(field.name)
                out.string(field.stamp.site.rawValue)
                out.uint64BE(field.stamp.hlc.rawValue)
                switch field.value {
                case .null, .erased: out.byte(0)
                case .integer(let n):
                    out.byte(1)
                    out.signed(n)
                case .text(let s):
                    out.byte(2)
                    out.string(s)
                }
            }
        }
        out.varint(UInt64(drops.count))
        for key in drops {
            out.string(key.table)
            out.string(key.id)
        }
    }

    /// Reads a scope part, checking every name and value against `schema` (the one data model: what
    /// a snapshot may hold is what a change may set) and every count against the bytes left.
    public init(decoding r: inout ByteReader, schema: Schema) throws(ByteDecodingError) {
        let largest = UInt64(Int64.max)
        generation = try r.varint()
        base = try r.varint()
        let flag = try r.byte()
        guard generation >= 1, generation <= largest, base <= generation, flag <= 1, flag == 0 || base == 0 else {
            throw .malformed("scope generation")
        }
        complete = flag == 1
        hubHolds = try r.varint()
        guard hubHolds <= largest else { throw .malformed("scope seq") }
        // Each entry takes at least: a site and a seq (2 bytes); a record, 5; a field, 12; a drop, 3.
        func entries(ofAtLeast size: Int) throws(ByteDecodingError) -> Int {
            let n = try r.varint()
            guard n <= UInt64(r.remaining / size) else { throw .truncated }
            return Int(n)
        }
        // Most fields name the site of the field before: its bytes are compared, not decoded and
        // checked again.
        var lastSite: (bytes: ArraySlice<UInt8>, name: SiteName)?
        func site() throws(ByteDecodingError) -> SiteName {
            let bytes = try r.stringBytes()
            if let lastSite, lastSite.bytes.elementsEqual(bytes) { return lastSite.name }
            guard let name = bytes.withUnsafeBufferPointer(ByteReader.utf8String), SiteName.isValid(name) else {
                throw .malformed("site name")
            }
            lastSite = (bytes, SiteName(unchecked: name))
            return SiteName(unchecked: name)
        }
        func key() throws(ByteDecodingError) -> (RecordKey, TableSchema) {
            let tableName = try r.string()
            guard let table = try? schema.table(named: tableName) else { throw .malformed("table \(tableName)") }
            let id = try r.string()
            guard Schema.isValidRecordID(id) else { throw .malformed("record id") }
            return (RecordKey(table: tableName, id: id), table)
        }
        var vector: [SiteName: UInt64] = [:]
        for _ in 0..<(try entries(ofAtLeast: 2)) {
            let s = try site()
            let seq = try r.varint()
            guard seq <= largest, vector[s] == nil else { throw .malformed("scope coverage") }
            vector[s] = seq
        }
        coverage = VersionVector(vector)
        var records: [RecordSnapshot] = []
        for _ in 0..<(try entries(ofAtLeast: 5)) {
            let (key, table) = try key()
            var fields: [RecordSnapshot.Field] = []
            var seen = [Bool](repeating: false, count: table.fields.count)
            var next = 0
            for _ in 0..<(try entries(ofAtLeast: 12)) {
                // Fields usually come in the table's order: the next one's name is compared first.
                let bytes = try r.stringBytes()
                let position: Int
                if next < table.fields.count, table.fields[next].name.utf8.elementsEqual(bytes), !seen[next] {
                    position = next
                } else {
                    guard let name = bytes.withUnsafeBufferPointer(ByteReader.utf8String), let p = table.position(of: name), !seen[p] else {
                        throw .malformed("field \(String(decoding: bytes, as: UTF8.self))")
                    }
                    position = p
                }
                next = position + 1
                seen[position] = true
                let field = table.fields[position], name = field.name
                let s = try site()
                let hlc = HLC(rawValue: try r.uint64BE())
                let value: Value
                switch try r.byte() {
                case 0: value = .null
                case 1: value = .integer(try r.signed())
                case 2: value = .text(try r.string())
                default: throw .malformed("value kind")
                }
                guard field.accepts(value) else { throw .malformed("value of \(key.table).\(name)") }
                fields.append(.init(name: name, value: value, stamp: Stamp(hlc: hlc, site: s)))
            }
            records.append(RecordSnapshot(key: key, fields: fields))
        }
        self.records = records
        var drops: [RecordKey] = []
        for _ in 0..<(try entries(ofAtLeast: 3)) { drops.append(try key().0) }
        guard !complete || drops.isEmpty else { throw .malformed("drops in a complete delivery") }
        self.drops = drops
    }
}
