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
