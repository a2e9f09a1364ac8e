/// Changes received together, with the change block they came in, if any (protocol.md §4.2).
public struct ReceivedBlock: Sendable {
    public var changes: [Change]
    /// The block's bytes, exactly as received; nil for changes that came otherwise.
    public var encoded: [UInt8]?

    public init(changes: [Change], encoded: [UInt8]? = nil) {
        self.changes = changes
        self.encoded = encoded
    }
}
