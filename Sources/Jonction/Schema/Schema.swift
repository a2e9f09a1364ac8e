/// A field of a table.
public struct Field: Sendable, Hashable {
    public let name: String
    public let type: FieldType
    /// Whether the field identifies a person (protocol.md §2.1, "Identifying fields"): a name, a
    /// phone, a place smaller than a region, free text. The other fields are what the programme
    /// needs to count and plan.
    public let identifying: Bool

    public init(_ name: String, _ type: FieldType, identifying: Bool = false) {
        self.name = name
        self.type = type
        self.identifying = identifying
    }
}

/// A table of the data model: its name and its typed fields, in a fixed order.
public struct TableSchema: Sendable, Hashable {
    public let name: String
    public let fields: [Field]
    private let positions: [String: Int]

    public init(_ name: String, _ fields: [Field]) {
        self.name = name
        self.fields = fields
        self.positions = Dictionary(uniqueKeysWithValues: fields.enumerated().map { ($1.name, $0) })
    }

    /// The position of a field in `fields`, or nil.
    public func position(of field: String) -> Int? { positions[field] }

    /// The field of that name, or a `SchemaError.unknownField`.
    public func field(named name: String) throws(SchemaError) -> Field {
        guard let i = positions[name] else {
            throw .unknownField(table: self.name, field: name, known: fields.map(\.name))
        }
        return fields[i]
    }

    public static func == (lhs: TableSchema, rhs: TableSchema) -> Bool { lhs.name == rhs.name && lhs.fields == rhs.fields }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(fields)
    }
}

/// A version of the data model: its tables. Replicas and bundles name the version they speak.
public struct Schema: Sendable {
    public let version: Int
    public let tables: [TableSchema]
    private let byName: [String: Int]

    public init(version: Int, tables: [TableSchema]) {
        self.version = version
        self.tables = tables
        self.byName = Dictionary(uniqueKeysWithValues: tables.enumerated().map { ($1.name, $0) })
    }

    /// The table of that name, or a `SchemaError.unknownTable`.
    public func table(named name: String) throws(SchemaError) -> TableSchema {
        guard let i = byName[name] else { throw .unknownTable(name, known: tables.map(\.name)) }
        return tables[i]
    }

    /// Whether `id` may name a record: 1 to 128 characters among letters `A-Z a-z`, digits, `-`, `_`, `.`, `:`.
    public static func isValidRecordID(_ id: String) -> Bool {
        let bytes = id.utf8
        guard !bytes.isEmpty, bytes.count <= 128 else { return false }
        return bytes.allSatisfy { b in
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
                || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: ":")
        }
    }

    /// Checks a record id, throwing `SchemaError.invalidRecordID`.
    public static func validateRecordID(_ id: String) throws(SchemaError) {
        guard isValidRecordID(id) else { throw .invalidRecordID(id) }
    }
}
