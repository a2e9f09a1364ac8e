import Foundation
import Jonction
import JonctionStore

/// What importing one bundle did.
public struct ImportReport: Sendable {
    public var header: BundleHeader
    public var apply: ApplyReport
    /// What a scoped delivery from the hub did (an office holding a partial replica, §5.10).
    public var scope: ScopeReport?

    public init(header: BundleHeader, apply: ApplyReport, scope: ScopeReport? = nil) {
        self.header = header
        self.apply = apply
        self.scope = scope
    }

    /// Nothing new: every change was already held (a replay or a duplicate stick).
    public var isReplay: Bool {
        apply.applied == 0 && (scope.map { $0.stale || ($0.received == 0 && $0.dropped == 0) } ?? true)
    }
}

/// A bundle read, verified and planned: everything that can happen before its transaction.
package struct PreparedBundle: Sendable {
    package var header: BundleHeader
    package var plan: MergePlan
    package var network: String?

    /// A newer roster the bundle carried, kept with the merge.
    package var newerRoster: SignedRoster?
    /// The scoped delivery the bundle carries (from the hub, §5.10).
    package var scope: ScopedDelivery?

    /// Verifies and plans a decoded bundle (pure CPU work: may run off the writer's thread). A
    /// format 1 bundle must pass the transition rule against `roster`, this site's (§5.5).
    package init(_ bundle: ChangeBundle, replica: Replica, roster: Roster?) throws {
        if bundle.format == 1 {
            try FormatTransition.admit(bundle.header, roster: roster, now: replica.clock.nowMillis())
        }
        header = bundle.header
        plan = try replica.plan(bundle.receivedBlocks, dataModel: bundle.schemaVersion)
        network = bundle.network
        newerRoster = bundle.newerRoster
        scope = bundle.scope
    }
}

/// A bundle ready to travel: the bundle, and its file bytes in format 2 (signed, sealed). The
/// bundle's fields read as its own (`sealed.header`, `sealed.changeCount`…).
@dynamicMemberLookup
public struct SealedBundle: Sendable {
    public var bundle: ChangeBundle
    public var bytes: [UInt8]

    public subscript<T>(dynamicMember field: KeyPath<ChangeBundle, T>) -> T { bundle[keyPath: field] }
}

extension ReplicaAccess {
    /// The bundles for `addressee`: every change above the vector it last acknowledged (or all of
    /// them, `full`), from every origin, in as few bundles as `limits` allow (protocol.md §5.2):
    /// one, unless there is more than a bundle may carry. Each carries whole signed segments (§5.3),
    /// contiguous seqs of each origin, and the whole vector. Changes not yet signed are not sent: see
    /// `bundles(for:keyring:)`, which signs first. An office sends another origin's changes only as far as it
    /// holds them signed; the hub attests the rest. Empty when there is nothing to send.
    /// `reserve` is room kept in each file (for the roster it carries).
    ///
    /// To or from an office holding a partial replica (§2.6, §5.10), only the changes of `onlyOrigin`
    /// travel as segments (the addressee's own, from the hub; the office's own, to it); the hub's
    /// `scope` delivery goes in the first bundle (alone if there are no segments), and every bundle
    /// names `scopeGeneration`.
    package func makeBundles(for addressee: SiteName, full: Bool = false, limits: ChangeBundle.Limits = .standard,
                             atMost: Int = .max, reserve: Int = 0, roster: Roster? = nil, onlyOrigin: SiteName? = nil,
                             scope: ScopedDelivery? = nil, scopeGeneration: UInt64 = 0) throws -> [ChangeBundle] {
        let vector = try vector()
        var needed = WhatToSend(ours: vector, acknowledged: full ? nil : try acknowledged(by: addressee)).ranges
        if let onlyOrigin { needed = needed.filter { $0.key == onlyOrigin } }
        // What a revoked office wrote after its revocation is refused everywhere (§7.2): a site that
        // took some before its roster said so keeps them, but never passes them on.
        for entry in roster?.offices ?? [] {
            guard let bound = entry.revokedAfterSeq, let seqs = needed[entry.site], seqs.upperBound > bound else { continue }
            needed[entry.site] = seqs.lowerBound <= bound ? seqs.lowerBound...bound : nil
        }
        let network = try network()
        let createdAt = replica.clock.nowMillis()
        var segments: [SignedSegment] = []
        for (origin, seqs) in needed.sorted(by: { $0.key < $1.key }) {
            segments += try signedSegments(origin: origin, from: seqs)
        }
        func bundle(_ part: [SignedSegment]) -> ChangeBundle {
            var bundle = ChangeBundle(sender: replica.site, addressee: addressee, network: network, createdAt: createdAt,
                                      senderVector: vector, segments: part)
            bundle.header.scopeGeneration = scopeGeneration
            return bundle
        }
        // What the header, the roster and the envelope take, at most, whatever the part.
        var head = ByteWriter()
        bundle(segments).writeHeader(to: &head, format: ChangeBundle.scopedFormatVersion)
        let fixed = head.bytes.count + 3 * 10 + reserve + ChangeBundle.sealOverhead + 64
        // The scope goes first, alone in its bundle when it does not fit beside segments.
        var scopeSize = 0
        if let scope {
            var encoded = ByteWriter()
            scope.encode(to: &encoded)
            scopeSize = encoded.bytes.count + 1
            guard scopeSize + 10 <= limits.plainLength, fixed + Zlib.worstCompressedSize(scopeSize + 10) <= limits.fileSize else {
                throw BundleError.scopeTooLarge(office: addressee, records: scope.records.count)
            }
        }
        var bundles: [ChangeBundle] = []
        var part: [SignedSegment] = [], count = 0, plain = 10 + scopeSize
        for segment in segments {
            guard bundles.count < atMost else { break }
            let cost = segment.block.count + 10 + 1 + segment.signature.signer.rawValue.utf8.count + 64
            let fits = count + segment.changeCount <= limits.changeCount && plain + cost <= limits.plainLength
                && fixed + Zlib.worstCompressedSize(plain + cost) <= limits.fileSize
            if !fits && !part.isEmpty {
                bundles.append(bundle(part))
                part = []
                count = 0
                plain = 10
            }
            part.append(segment)
            count += segment.changeCount
            plain += cost
        }
        if (!part.isEmpty || (scope != nil && bundles.isEmpty)) && bundles.count < atMost { bundles.append(bundle(part)) }
        if !bundles.isEmpty { bundles[0].scope = scope }
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
    /// Signs what this site has not signed yet (`signPendingSegments`) with `keyring`'s key, in
    /// segments no larger than a bundle of `limits` may carry.
    package func signPending(with keyring: Keyring, limits: ChangeBundle.Limits = .standard) throws {
        try signPendingSegments(maximumChanges: min(ReplicaTransaction.segmentChangeLimit, limits.changeCount)) {
            keyring.sign(segment: $0)
        }
    }

    /// Checks that this site may send to `addressee` with `keyring` (its keys enrolled, both in the
    /// roster and active) and signs what is pending (`signPending`). Returns whether the hub is
    /// sending to an office that serves regions (a partial replica, §2.6): its bundles carry a
    /// scoped delivery, made in a transaction (`preparedBundles(for:keyring:)`); any other addressee's are
    /// `makeBundles`, which a read snapshot can make once this is done.
    package func prepareSending(to addressee: SiteName, keyring: Keyring, limits: ChangeBundle.Limits = .standard) throws -> Bool {
        let roster = keyring.roster.roster
        guard keyring.keys.site == replica.site, roster.lists(keyring.keys) else { throw BundleError.keysNotEnrolled(replica.site) }
        if let entry = roster.entry(of: replica.site), !entry.isActive { throw BundleError.revokedSender(replica.site) }
        guard roster.identity(of: addressee) != nil else { throw BundleError.unknownAddressee(addressee) }
        if let entry = roster.entry(of: addressee), !entry.isActive { throw BundleError.revokedAddressee(addressee) }
        try signPending(with: keyring, limits: limits)
        return try sendsScope(to: addressee)
    }

    /// Whether this site is the hub and `addressee` an office that serves regions (a partial
    /// replica, §2.6), to which the hub sends scoped deliveries.
    private func sendsScope(to addressee: SiteName) throws -> Bool {
        guard replica.site == .hub else { return false }
        return !(try regions(of: addressee)).isEmpty
    }

    /// Signs what is pending, then makes the bundles for `addressee` (format 2, not sealed yet: see
    /// `Keyring.seal`, which may run after the transaction): see `makeBundles`. This site's keys must
    /// be those its roster lists; the addressee must be in the roster, and active.
    package func bundles(for addressee: SiteName, keyring: Keyring, full: Bool = false,
                         limits: ChangeBundle.Limits = .standard, atMost: Int = .max) throws -> [ChangeBundle] {
        _ = try prepareSending(to: addressee, keyring: keyring, limits: limits)
        return try preparedBundles(for: addressee, keyring: keyring, full: full, limits: limits, atMost: atMost)
    }

    /// `bundles(for:keyring:)` once `prepareSending` is done, in this transaction or an earlier one:
    /// what this site wrote since is not signed yet, so it waits for the next bundles (as a read
    /// snapshot's `makeBundles` does).
    package func preparedBundles(for addressee: SiteName, keyring: Keyring, full: Bool = false,
                                 limits: ChangeBundle.Limits = .standard, atMost: Int = .max) throws -> [ChangeBundle] {
        let scoped = try sendsScope(to: addressee)
        // A partial replica (§2.6): the hub sends its scope, and only its own changes as they are; the
        // office sends only its own changes, naming the generation it holds.
        var onlyOrigin: SiteName? = nil, scope: ScopedDelivery? = nil, generation: UInt64 = 0
        if replica.site == .hub {
            if scoped {
                onlyOrigin = addressee
                scope = try scopedDelivery(for: addressee, full: full)
                generation = scope?.generation ?? 0
            }
        } else {
            generation = try scopeGeneration()
            if generation > 0 { onlyOrigin = replica.site }
        }
        return try makeBundles(for: addressee, full: full, limits: limits, atMost: atMost,
                               reserve: keyring.roster.bytes.count, roster: keyring.roster.roster, onlyOrigin: onlyOrigin, scope: scope,
                               scopeGeneration: generation)
    }
}

extension Keyring {
    /// A bundle this site wrote, sealed to its addressee (as the roster lists it) and signed: the
    /// file bytes of format 2. Pure CPU work: outside any transaction.
    public func seal(_ bundle: ChangeBundle, level: Int32 = 6) throws(BundleError) -> SealedBundle {
        guard let identity = roster.roster.identity(of: bundle.addressee) else { throw .unknownAddressee(bundle.addressee) }
        return SealedBundle(bundle: bundle, bytes: try bundle.sealed(by: keys, for: identity, roster: roster, level: level))
    }
}

extension Replica {
    /// The bundles for `addressee`, signed and sealed (format 2): `ReplicaTransaction.bundles` in one
    /// transaction, then `Keyring.seal` outside it.
    /// `keyring` is this site's (`keyring()`) unless given.
    public func sealedBundles(for addressee: SiteName, keyring: Keyring? = nil, full: Bool = false,
                              limits: ChangeBundle.Limits = .standard, atMost: Int = .max,
                              level: Int32 = 6) throws -> [SealedBundle] {
        guard let keyring = try keyring ?? self.keyring() else { throw BundleError.noKeyring }
        let bundles = try write { try $0.bundles(for: addressee, keyring: keyring, full: full, limits: limits, atMost: atMost) }
        return try bundles.map { try keyring.seal($0, level: level) }
    }

    /// The first of `sealedBundles`, nil when there is nothing to send.
    public func sealedBundle(for addressee: SiteName, keyring: Keyring? = nil, full: Bool = false) throws -> SealedBundle? {
        try sealedBundles(for: addressee, keyring: keyring, full: full, atMost: 1).first
    }
}

extension ReplicaTransaction {
    /// Merges a prepared bundle, all or nothing, and remembers what the sender holds.
    package func importBundle(_ prepared: PreparedBundle, progress: ((Int, Int) -> Void)? = nil) throws -> ImportReport {
        let header = prepared.header
        // A partial replica takes other sites' changes from the hub only (§2.6).
        if replica.site != .hub, header.sender != .hub, try scopeGeneration() > 0 {
            throw StoreError.partialReceivesFromHubOnly(sender: header.sender)
        }
        if let roster = prepared.newerRoster { try keep(roster) }
        let report = try merge(prepared.plan, receivedFrom: header.sender,
                               acknowledging: Acknowledgement(vector: header.senderVector, writtenAt: header.createdAt),
                               network: prepared.network, progress: progress)
        var scope: ScopeReport? = nil
        if let delivery = prepared.scope { scope = try mergeScoped(delivery) }
        // The hub remembers which scoped delivery an office holds (§5.10).
        if replica.site == .hub, header.sender != .hub {
            try acknowledgeScope(of: header.sender, generation: header.scopeGeneration)
        }
        return ImportReport(header: header, apply: report, scope: scope)
    }
}

extension Replica {
    /// Merges a verified bundle in one transaction, all or nothing, then remembers what the sender holds.
    @discardableResult
    public func importBundle(_ bundle: ChangeBundle, progress: ((Int, Int) -> Void)? = nil) throws -> ImportReport {
        let prepared = try PreparedBundle(bundle, replica: self, roster: try read { try $0.roster() }?.roster)
        return try write { try $0.importBundle(prepared, progress: progress) }
    }

    /// Reads, verifies (with this site's keyring) and merges a bundle file.
    @discardableResult
    public func importBundle(at url: URL, progress: ((Int, Int) -> Void)? = nil) throws -> ImportReport {
        try importBundle(bytes: Mailbag.read(url), progress: progress)
    }

    /// Reads, verifies (with this site's keyring) and merges a bundle's bytes.
    @discardableResult
    public func importBundle(bytes: [UInt8], progress: ((Int, Int) -> Void)? = nil) throws -> ImportReport {
        try importBundle(ChangeBundle(decoding: bytes, keyring: keyring(), schema: schema), progress: progress)
    }
}
