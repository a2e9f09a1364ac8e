/// What a site knows of one peer: when it last heard from it, and what the peer last said it held.
/// The acknowledged vector decides what the next bundle for that peer carries (see `WhatToSend`).
public struct PeerState: Sendable, Equatable {
    /// Our clock when we last heard from the peer (ms).
    public var lastContact: UInt64
    /// The vector of the most recently written acknowledgement taken.
    public var acknowledged: VersionVector
    /// The peer's clock when it wrote that acknowledgement (ms); 0 before the first.
    public var acknowledgedAt: UInt64

    public init(lastContact: UInt64 = 0, acknowledged: VersionVector = VersionVector(), acknowledgedAt: UInt64 = 0) {
        self.lastContact = lastContact
        self.acknowledged = acknowledged
        self.acknowledgedAt = acknowledgedAt
    }

    /// Records a contact at `now` and what the peer said it held, if it said. The acknowledgement
    /// most recently *received* replaces what we knew, even if it is smaller (a peer restored from a
    /// backup then gets back what it lost), whatever the peer's clock said when it wrote it: a
    /// peer's clock decides nothing here (protocol.md §5.2). An old stick imported late only makes
    /// the next bundle carry again what the peer holds, which it ignores. Returns whether the
    /// acknowledgement was taken.
    @discardableResult
    public mutating func contact(at now: UInt64, acknowledging acknowledgement: Acknowledgement?) -> Bool {
        lastContact = now
        guard let acknowledgement else { return false }
        acknowledged = acknowledgement.vector
        acknowledgedAt = acknowledgement.writtenAt
        return true
    }
}
