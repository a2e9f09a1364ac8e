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
    /// The bundles for `addressee`: every change above the vector it last acknowledged (or all of
    /// them, `full`), from every origin, in as few bundles as `limits` allow (protocol.md §5.2):
    /// one, unless there is more than a bundle may carry. Each carries contiguous seqs of each
    /// origin, in origin then seq order, and the whole vector. Empty when there is nothing to send.
    package func makeBundles(for addressee: SiteName, full: Bool = false, limits: ChangeBundle.Limits = .standard,
                             atMost: Int = .max) throws -> [ChangeBundle] {
        let vector = try vector()
        let needed = WhatToSend(ours: vector, acknowledged: full ? nil : try acknowledged(by: addressee)).ranges
        let createdAt = replica.clock.nowMillis()
        var bundles: [ChangeBundle] = []
        var parts = ChangeBundle.split(needed, maximum: limits.changeCount)[...]
        while bundles.count < atMost, let part = parts.popFirst() {
            let outgoing = try outgoing(part, vector: vector)
            let bundle = ChangeBundle(sender: replica.site, addressee: addressee, network: outgoing.network,
                                      createdAt: createdAt, senderVector: outgoing.vector, ranges: outgoing.ranges,
                                      changeCount: outgoing.count, blocks: outgoing.blocks)
            if bundle.fits(limits) || outgoing.count == 1 {
                bundles.append(bundle)
            } else {
                // Too many bytes for its changes: in two halves, then again if need be.
                parts = ArraySlice(ChangeBundle.split(part, maximum: (outgoing.count + 1) / 2) + parts)
            }
        }
        return bundles
    }

    /// The first of `makeBundles`: everything for `addressee` when it fits in one bundle, as it
    /// mostly does; otherwise the rest follows once the addressee acknowledges this one. Nil when
    /// there is nothing to send.
    package func makeBundle(for addressee: SiteName, full: Bool = false) throws -> ChangeBundle? {
        try makeBundles(for: addressee, full: full, atMost: 1).first
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
