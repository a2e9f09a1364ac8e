/// A closed list of codes of the schema (an `.enumeration` field's values), as a Swift enum whose
/// raw values are exactly the codes stored.
public protocol SchemaCode: RawRepresentable, CaseIterable, Sendable, Hashable where RawValue == String {}

extension SchemaCode {
    /// The code as a stored value.
    public var value: Value { .text(rawValue) }
}
