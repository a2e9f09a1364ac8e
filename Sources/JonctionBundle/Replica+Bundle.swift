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

/// A bundle read, verified and planned: everything that can happen before its transaction.
package struct PreparedBundle: Sendable {
    package var header: BundleHeader
    package var plan: MergePlan
    package var network: String?

    /// Verifies and plans a decoded bundle (pure CPU work: may run off the writer's thread).
    package init(_ bundle: ChangeBundle, replica: Replica) throws {
        header = bundle.header
        plan = try replica.plan(bundle.receivedBlocks, dataModel: bundle.schemaVersion)
        network = bundle.network
    }
}

extension ReplicaAccess {
    /// The bundle for `addressee`: every change above the vector it last acknowledged (or all of
    /// them, `full`), from every origin. Nil when there is nothing to send.
    package func makeBundle(for addressee: SiteName, full: Bool = false) throws -> ChangeBundle? {
        let outgoing = try outgoing(for: addressee, full: full)
        guard outgoing.count > 0 else { return nil }
        return ChangeBundle(sender: replica.site, addressee: addressee, network: outgoing.network,
                      createdAt: replica.clock.nowMillis(), senderVector: outgoing.vector, ranges: outgoing.ranges,
                      changeCount: outgoing.count, blocks: outgoing.blocks)
    }
}

extension ReplicaTransaction {
    /// Merges a prepared bundle, all or nothing, and remembers what the sender holds.
    package func importBundle(_ prepared: PreparedBundle, progress: ((Int, Int) -> Void)? = nil) throws -> ImportReport {
        let header = prepared.header
        let report = try merge(prepared.plan, receivedFrom: header.sender,
                               acknowledging: Acknowledgement(vector: header.senderVector, writtenAt: header.createdAt),
                               network: prepared.network, progress: progress)
        return ImportReport(header: header, apply: report)
    }
}

extension Replica {
    /// Merges a verified bundle in one transaction, all or nothing, then remembers what the sender holds.
    @discardableResult
    public func importBundle(_ bundle: ChangeBundle, progress: ((Int, Int) -> Void)? = nil) throws -> ImportReport {
        let prepared = try PreparedBundle(bundle, replica: self)
        return try write { try $0.importBundle(prepared, progress: progress) }
    }

    /// Reads, verifies and merges a bundle file.
    @discardableResult
    public func importBundle(at url: URL, progress: ((Int, Int) -> Void)? = nil) throws -> ImportReport {
        try importBundle(ChangeBundle(decoding: Mailbag.read(url), schema: schema), progress: progress)
    }
}
