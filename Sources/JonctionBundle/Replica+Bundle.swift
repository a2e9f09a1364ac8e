import Foundation
import Jonction
import JonctionStore

/// What importing one bundle did.
public struct ImportReport: Sendable {
    public var header: BundleHeader
    public var apply: ApplyReport

    public init(header: BundleHeader, apply: ApplyReport) {
        self.header = header
        self.apply = apply
    }

    /// Nothing new: every change was already held (a replay or a duplicate stick).
    public var isReplay: Bool { apply.applied == 0 }
}

extension Replica {
    /// The bundle for `addressee`: every change above the vector it last acknowledged (or all of
    /// them, `full`), from every origin. Nil when there is nothing to send.
    public func makeBundle(for addressee: SiteName, full: Bool = false) throws -> Bundle? {
        let outgoing = try outgoing(for: addressee, full: full)
        guard outgoing.count > 0 else { return nil }
        return Bundle(sender: site, addressee: addressee, network: outgoing.network, createdAt: clock.nowMillis(),
                      senderVector: outgoing.vector, ranges: outgoing.ranges, changeCount: outgoing.count,
                      blocks: outgoing.blocks)
    }

    /// Merges a verified bundle: all or nothing, then remembers what the sender holds.
    public func importBundle(_ bundle: Bundle, progress: ((Int, Int) -> Void)? = nil) throws -> ImportReport {
        let report = try apply(blocks: bundle.receivedBlocks, receivedFrom: bundle.sender,
                               acknowledging: Acknowledgement(vector: bundle.senderVector, writtenAt: bundle.createdAt), network: bundle.network, progress: progress)
        return ImportReport(header: bundle.header, apply: report)
    }

    /// Reads, verifies and merges a bundle file.
    public func importBundle(at url: URL, progress: ((Int, Int) -> Void)? = nil) throws -> ImportReport {
        try importBundle(Bundle(decoding: Mailbag.read(url), schema: schema), progress: progress)
    }
}
