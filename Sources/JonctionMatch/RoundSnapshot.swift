import Jonction

/// What a matching round reads from the hub's replica, as plain values: the live records of the
/// four tables it reasons about, values in schema v1 order (read them with the `Schema.V1`
/// handles), and the last round of the hub's round history.
public struct RoundSnapshot: Sendable {
    public typealias Record = (id: String, values: [Value])

    public var proposals: [Record]
    public var placements: [Record]
    public var opportunities: [Record]
    public var candidates: [Record]
    /// The last round the hub ran (0 when none): rounds that proposed nothing leave no proposal.
    public var lastRound: Int

    public init(proposals: [Record] = [], placements: [Record] = [], opportunities: [Record] = [],
                candidates: [Record] = [], lastRound: Int = 0) {
        self.proposals = proposals
        self.placements = placements
        self.opportunities = opportunities
        self.candidates = candidates
        self.lastRound = lastRound
    }
}
