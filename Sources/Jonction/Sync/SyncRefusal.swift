/// Why a pure sync rule refused a delivery: facts only. Nothing is changed when one is thrown; the
/// store translates it into its own `StoreError`, the CLI and hub into words and status codes.
public enum SyncRefusal: Error, Sendable, Equatable {
    /// Changes of `origin` continue at `first` while `held` is the last seq held or received before
    /// it: `held+1…first-1` is missing (protocol.md §3.2).
    case gap(origin: SiteName, held: UInt64, first: UInt64)
    /// A different change under a number already held or received: its site was restored from a
    /// backup and wrote again before taking back its own changes.
    case reusedSeq(origin: SiteName, seq: UInt64)
    /// A change the schema refuses (a table, field or value it lacks, a malformed record id).
    case invalidChange(origin: SiteName, seq: UInt64, reason: SchemaError)
    /// Changes of `origin` dated more than the bound ahead of the receiver's clock (protocol.md §3.1).
    case clockAhead(origin: SiteName, aheadMillis: UInt64)
}
