/// Changes received together, with the change block they came in, if any (protocol.md §4.2), and
/// the signature the block travels with (§5.3).
public struct ReceivedBlock: Sendable {
    public var changes: [Change]
    /// The block's bytes, exactly as received; nil for changes that came otherwise.
    public var encoded: [UInt8]?
    /// Who signed the block's bytes, and the signature, as received; nil for an unsigned block (a
    /// local write not yet sent, a format 1 bundle, a test).
    public var signature: SegmentSignature?

    public init(changes: [Change], encoded: [UInt8]? = nil, signature: SegmentSignature? = nil) {
        self.changes = changes
        self.encoded = encoded
        self.signature = signature
    }
}

/// The signature of one log segment (protocol.md §5.3): the site that signed the block's bytes,
/// its origin (or the hub, attesting changes written before signatures), and the 64-byte Ed25519
/// signature. Checking it takes the roster's keys: see `JonctionBundle`.
public struct SegmentSignature: Sendable, Equatable {
    public var signer: SiteName
    public var bytes: [UInt8]

    public init(signer: SiteName, bytes: [UInt8]) {
        self.signer = signer
        self.bytes = bytes
    }
}
