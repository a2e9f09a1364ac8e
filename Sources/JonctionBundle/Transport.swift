import Foundation
import Jonction
import JonctionStore

/// How bundles travel between a site and a peer (STYLE §5): a folder (a USB stick's mailbag, the
/// hub's inbox), the hub over HTTP, or a peer in the same process. The exchange's rules
/// (`Exchange`, admission, acknowledgements) are the same whatever carries the bytes.
public protocol Transport: Sendable {
    /// Hands a bundle to the peer.
    func send(_ bundle: [UInt8]) async throws -> Delivery
    /// The bundles waiting for `site`, which holds `have` at `at` (its clock, milliseconds): several on
    /// a stick, at most one from a hub. What it holds is also its acknowledgement to the peer.
    func fetch(for site: SiteName, have: VersionVector, at: UInt64) async throws -> [Parcel]
    /// `fetch`, with what the peer says it holds when it answers (a hub does; a folder cannot).
    /// `scope`: the generation of the last scoped delivery the site merged (a partial replica,
    /// protocol.md §5.10), nil for a full replica.
    func download(for site: SiteName, have: VersionVector, scope: UInt64?, at: UInt64) async throws -> Download
}

extension Transport {
    /// A peer that does not answer (a folder): the bundles only.
    public func download(for site: SiteName, have: VersionVector, scope: UInt64?, at: UInt64) async throws -> Download {
        Download(parcels: try await fetch(for: site, have: have, at: at), peerHolds: nil)
    }
}

/// What a download brought: the bundles, and what the peer holds (nil: it did not say).
public struct Download: Sendable {
    public var parcels: [Parcel]
    public var peerHolds: Acknowledgement?

    public init(parcels: [Parcel], peerHolds: Acknowledgement?) {
        self.parcels = parcels
        self.peerHolds = peerHolds
    }
}

/// What became of a bundle sent.
public enum Delivery: Sendable {
    /// Left for the peer (a file on a stick): no answer until the peer writes back.
    case posted(URL)
    /// Merged by the peer at once: how many of its changes were new to it, and what it holds now.
    /// `undone`: changes the hub took in and undid (protocol.md §2.5).
    case accepted(applied: Int, undone: Int = 0, acknowledgement: Acknowledgement?)
    /// Refused as a gap: the peer lacks changes it had acknowledged (restored from a backup), so
    /// only a full bundle can be merged.
    case refusedAsGap(any Error)
}

/// A bundle received, read when it is merged: a file of a folder, or bytes that came over the network.
public struct Parcel: Sendable {
    /// What the user knows it by: the file's name, or where it came from.
    public var name: String
    /// The file it is, if it is one (the nightly merge moves it to `done/` or `rejected/`).
    public var file: URL?
    /// The header when it was read to sort the parcels (nil: unreadable, refused when merged).
    public var header: BundleHeader?
    private let load: @Sendable () throws -> [UInt8]

    public init(name: String, file: URL? = nil, header: BundleHeader?, load: @escaping @Sendable () throws -> [UInt8]) {
        self.name = name
        self.file = file
        self.header = header
        self.load = load
    }

    /// Bytes already in memory.
    public init(name: String, bytes: [UInt8]) {
        self.init(name: name, header: try? ChangeBundle.header(of: bytes), load: { bytes })
    }

    /// The bundle's bytes.
    public func bytes() throws -> [UInt8] { try load() }
}
