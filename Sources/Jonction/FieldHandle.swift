/// A field of a known table, with its position in the table's fields: reading a record by handle
/// needs no lookup by name and cannot miss (`values[handle]`, `state[handle]`).
///
/// The handles of schema v1 are declared in `Schema.V1`; `Schema.V1.check(_:)` proves each one
/// names the field at its position.
public struct FieldHandle: Sendable, Hashable, CustomStringConvertible {
    public let table: String
    public let position: Int
    public let name: String

    public init(table: String, position: Int, name: String) {
        self.table = table
        self.position = position
        self.name = name
    }

    public var description: String { "\(table).\(name)" }
}

/// A closed list of codes of the schema (an `.enumeration` field's values), as a Swift enum whose
/// raw values are exactly the codes stored.
public protocol SchemaCode: RawRepresentable, CaseIterable, Sendable, Hashable where RawValue == String {}

extension SchemaCode {
    /// The code as a stored value.
    public var value: Value { .text(rawValue) }
}

/// An enumeration field whose codes the code reasons about: reading it gives a `Code`, or nil when
/// the field is unset or holds a code this version does not know.
public struct CodeFieldHandle<Code: SchemaCode>: Sendable, Hashable, CustomStringConvertible {
    public let field: FieldHandle

    public init(table: String, position: Int, name: String) {
        field = FieldHandle(table: table, position: position, name: name)
    }

    public var table: String { field.table }
    public var position: Int { field.position }
    public var name: String { field.name }
    public var description: String { field.description }
}

extension Array where Element == Value {
    /// The value of a field, `.null` when the record has no such position.
    public subscript(field: FieldHandle) -> Value {
        indices.contains(field.position) ? self[field.position] : .null
    }

    /// The code of an enumeration field, nil when unset or unknown.
    public subscript<Code>(field: CodeFieldHandle<Code>) -> Code? {
        self[field.field].text.flatMap(Code.init(rawValue:))
    }
}

extension RecordState {
    /// The value of a field, `.null` when the record has no such position.
    public subscript(field: FieldHandle) -> Value { values[field] }

    /// The code of an enumeration field, nil when unset or unknown.
    public subscript<Code>(field: CodeFieldHandle<Code>) -> Code? { values[field] }
}
