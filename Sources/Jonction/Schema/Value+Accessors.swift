extension Value {
    /// The text, or nil for an integer or null.
    public var text: String? {
        if case .text(let s) = self { return s }
        return nil
    }

    /// The integer, or nil for a text or null.
    public var integer: Int64? {
        if case .integer(let n) = self { return n }
        return nil
    }

    /// The integer as an `Int`, or nil for a text or null.
    public var int: Int? { integer.map(Int.init) }

    /// The items of a list value (protocol.md §2.2), in their stored order; none for null.
    public var listItems: [Substring] { Field.listItems(self) }

    /// The code of an enumeration value, nil when unset or unknown.
    public func code<Code: SchemaCode>(_ type: Code.Type) -> Code? { text.flatMap(Code.init(rawValue:)) }
}
