/// Two writes of the same field made without seeing each other, and which one won.
///
/// Recorded for the audit (`jonction conflicts`); it changes nothing in the merged state.
public struct Conflict: Sendable, Hashable {
    public var table: String
    public var id: String
    public var field: String
    public var winner: Side
    public var loser: Side

    /// One of the two writes: a value, or (`value == nil`) the delete of the record.
    public struct Side: Sendable, Hashable {
        public var value: Value?
        public var stamp: Stamp

        public init(value: Value?, stamp: Stamp) {
            self.value = value
            self.stamp = stamp
        }
    }

    public init(table: String, id: String, field: String, winner: Side, loser: Side) {
        self.table = table
        self.id = id
        self.field = field
        self.winner = winner
        self.loser = loser
    }
}
