import Foundation
import Jonction

/// When a bundle of format 1 (unsigned, unsealed) is still read (protocol.md §5.5): during the
/// transition only, and only from a network that has not yet given keys to its sender or to the
/// origins it carries. Once a site holds a roster, every site it lists, the hub first, speaks in
/// format 2: a format 1 bundle in its name would be a forgery.
public enum FormatTransition {
    /// The end of the transition: 1 July 2027, 00:00 UTC. From then on, format 1 is refused everywhere.
    public static let end: UInt64 = 1_814_400_000_000

    /// Throws `BundleError.formatOneRefused` unless a format 1 bundle with `header` may be read now.
    public static func admit(_ header: BundleHeader, roster: Roster?, now: UInt64) throws(BundleError) {
        guard now < end else { throw .formatOneRefused(header.sender) }
        guard let roster else { return }
        guard !roster.lists(header.sender), !header.ranges.keys.contains(where: roster.lists) else {
            throw .formatOneRefused(header.sender)
        }
    }
}
