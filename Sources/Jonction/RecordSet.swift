/// The merged state of every record of a schema, held in memory.
///
/// The reference model of the merge: tests and the `merge` benchmark compare a replica against it,
/// and it renders the canonical dump that proves two replicas converged.
public struct RecordSet: Sendable, Hashable {
    public let schema: Schema
    /// Records by table name, then by id.
    public private(set) var tables: [String: [String: RecordState]]

    public init(schema: Schema) {
        self.schema = schema
        self.tables = [:]
    }

    public static func == (lhs: RecordSet, rhs: RecordSet) -> Bool {
        lhs.schema.version == rhs.schema.version && lhs.tables == rhs.tables
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(schema.version)
        hasher.combine(tables)
    }

    /// Applies one change (see `RecordState.apply`). Throws for a table or field the schema lacks.
    @discardableResult
    public mutating func apply(_ change: Change) throws(SchemaError) -> RecordState.Effect {
        let table = try schema.table(named: change.table)
        if let field = change.field { _ = try table.field(named: field) }
        var state = tables[table.name, default: [:]][change.id] ?? RecordState(fieldCount: table.fields.count)
        let effect = state.apply(change, in: table)
        tables[table.name, default: [:]][change.id] = state
        return effect
    }

    public func record(table: String, id: String) -> RecordState? { tables[table]?[id] }

    /// Sets a record's state as a whole (to load a replica's rows into the model).
    public mutating func set(table: String, id: String, _ state: RecordState) {
        tables[table, default: [:]][id] = state
    }

    /// All live records as canonical JSON (protocol.md §2.4): `{"table":{"id":{"field":value}}}`,
    /// every table of the schema, keys sorted by UTF-8 bytes, null fields left out, no spaces.
    public func canonicalJSON() -> String {
        var json = CanonicalJSON()
        json.beginObject()
        for table in schema.tables.sorted(by: { CanonicalJSON.precedes($0.name, $1.name) }) {
            json.key(table.name)
            json.beginObject()
            let records = tables[table.name] ?? [:]
            for id in records.keys.sorted(by: CanonicalJSON.precedes) {
                let state = records[id]!
                guard !state.isDeleted else { continue }
                json.key(id)
                json.record(state.values, fields: table.fields)
            }
            json.endObject()
        }
        json.endObject()
        return json.output
    }
}
