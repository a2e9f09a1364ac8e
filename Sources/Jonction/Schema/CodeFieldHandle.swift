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
