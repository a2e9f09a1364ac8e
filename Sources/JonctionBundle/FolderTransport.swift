import Foundation
import Jonction

/// Bundles through a folder (protocol.md §5.4): a USB stick's `JONCTION/`, or the hub's inbox and
/// outbox. Sending writes a file atomically; fetching lists the files addressed to the site.
public struct FolderTransport: Transport {
    public let mailbag: Mailbag
    /// Take every bundle of the folder, whoever it is addressed to (the hub's inbox, where sticks
    /// are copied whatever they were written for).
    public var allAddressees: Bool

    public init(_ folder: URL, allAddressees: Bool = false) {
        mailbag = Mailbag(folder)
        self.allAddressees = allAddressees
    }

    public func send(_ bundle: [UInt8]) async throws -> Delivery {
        .posted(try post(bundle))
    }

    /// Writes a bundle file under its conventional name and returns where.
    public func post(_ bundle: [UInt8]) throws -> URL {
        try mailbag.write(bundle, name: Mailbag.fileName(for: ChangeBundle.header(of: bundle)))
    }

    public func fetch(for site: SiteName, have: VersionVector, at: UInt64) async throws -> [Parcel] {
        try parcels(for: site).waiting
    }

    /// The folder's bundles: those for `site` (or all, `allAddressees`), those for other sites, and
    /// files whose header cannot be read (refused when merged, with the reason).
    ///
    /// Only each file's header is read here; a file is read whole once, when it is merged.
    public func parcels(for site: SiteName) throws -> (waiting: [Parcel], forOthers: [(URL, BundleHeader)]) {
        var waiting: [Parcel] = [], others: [(URL, BundleHeader)] = []
        for file in try mailbag.files() {
            let header = try? Mailbag.header(of: file)
            if let header, header.addressee != site, !allAddressees {
                others.append((file, header))
            } else {
                waiting.append(Parcel(name: file.lastPathComponent, file: file, header: header) { try Mailbag.read(file) })
            }
        }
        return (waiting, others)
    }
}
