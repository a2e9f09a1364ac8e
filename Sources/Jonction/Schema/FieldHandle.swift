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
