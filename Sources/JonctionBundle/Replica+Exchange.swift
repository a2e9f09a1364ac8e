import Dispatch
import Jonction
import JonctionStore

/// What one bundle received in an exchange became.
public typealias Received = (parcel: Parcel, result: ReceiveResult)

/// Where an exchange is, for a progress line.
public enum ExchangePhase: Sendable {
    case uploading(changes: Int)
    case downloading
    case merging(done: Int, total: Int)
}

extension Replica {
    /// Runs an exchange with `peer` over `transport`: the driver of `Exchange` (protocol.md §6.4).
    ///
    /// The machine decides (send what the peer lacks, resend everything once if it lost what it had
    /// acknowledged, remember its acknowledgement, fetch what we lack, merge it); this function only
    /// performs its actions, the blocking ones (SQLite, encoding) off the caller's thread. Each
    /// step is atomic, so an exchange cut off anywhere is simply run again.
    ///
    /// Bundles refused when merged are in the report's `received`, with their reason; a transport
    /// or replica failure is thrown.
    public func exchange(with peer: SiteName, over transport: some Transport, full: Bool = false,
                         progress: (@Sendable (ExchangePhase) -> Void)? = nil) async throws
        -> Exchange<[Parcel], [Received]>.Report
    {
        var machine = Exchange<[Parcel], [Received]>(full: full)
        var actions = machine.receive(.started)
        while !actions.isEmpty {
            let action = actions.removeFirst()
            let event: Exchange<[Parcel], [Received]>.Event?
            do {
                event = try await perform(action, peer: peer, transport: transport, progress: progress)
            } catch {
                actions = machine.receive(.failed(error))
                continue
            }
            switch action {
            case .finish(let report): return report
            case .fail(let error): throw error
            default: break
            }
            if let event { actions += machine.receive(event) }
        }
        throw Exchange<[Parcel], [Received]>.UnexpectedEvent(event: "no action left", state: "\(machine.state)")
    }

    /// Performs one action; returns the event it produced (nil for those that produce none).
    private func perform(_ action: Exchange<[Parcel], [Received]>.Action, peer: SiteName, transport: some Transport,
                         progress: (@Sendable (ExchangePhase) -> Void)?) async throws -> Exchange<[Parcel], [Received]>.Event? {
        switch action {
        case .makeBundle(let full):
            // One snapshot: the bundles (one, unless there is more than a bundle may carry), or
            // (nothing to send) the vector the download will give.
            let made = try await offload { () throws -> (bundles: [([UInt8], Int)], vector: VersionVector) in
                guard let keyring = try self.keyring() else { throw BundleError.noKeyring }
                let (bundles, vector) = try self.write { tx in
                    let bundles = try tx.bundles(for: peer, keyring: keyring, full: full)
                    return (bundles, try bundles.first?.senderVector ?? tx.vector())
                }
                return (try bundles.map { (try keyring.seal($0).bytes, $0.changeCount) }, vector)
            }
            guard !made.bundles.isEmpty else { return .nothingToSend(vector: made.vector) }
            let parcels = made.bundles.map { Parcel(name: "\(site) → \(peer)", bytes: $0.0) }
            return .bundleMade(parcels, changes: made.bundles.reduce(0) { $0 + $1.1 }, vector: made.vector)
        case .send(let parcels):
            var answer: Delivery?
            var applied = 0, undone = 0
            for parcel in parcels {
                progress?(.uploading(changes: parcel.header?.changeCount ?? 0))
                answer = try await transport.send(parcel.bytes())
                if case .accepted(let n, let u, _)? = answer {
                    applied += n
                    undone += u
                }
                if case .refusedAsGap? = answer { break }
            }
            switch answer {
            case .posted?, nil: return .uploadAccepted(applied: 0, undone: 0, acknowledgement: nil)
            case .accepted(_, _, let acknowledgement)?:
                return .uploadAccepted(applied: applied, undone: undone, acknowledgement: acknowledgement)
            case .refusedAsGap(let error)?: return .uploadRefusedAsGap(error)
            }
        case .remember(let acknowledgement):
            try await offload { try self.write { try $0.remember(peer: peer, acknowledgement) } }
            return nil
        case .requestDownload(let have):
            progress?(.downloading)
            let generation = try await offload { try self.read { try $0.scopeGeneration() } }
            let download = try await transport.download(for: site, have: have, scope: generation > 0 ? generation : nil,
                                                        at: clock.nowMillis())
            return download.parcels.isEmpty ? .nothingToDownload(peerHolds: download.peerHolds)
                : .downloaded(download.parcels, peerHolds: download.peerHolds)
        case .merge(let parcels):
            let (received, ours) = try await offload {
                (try self.receive(parcels) { _, done, total in progress?(.merging(done: done, total: total)) },
                 try self.read { try $0.vector() })
            }
            return .merged(received, ours: ours)
        case .finish, .fail:
            return nil
        }
    }
}

/// Runs blocking work (SQLite, encoding) on a Dispatch thread, off the Swift concurrency pool.
func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global(qos: .userInitiated).async { continuation.resume(with: Result { try work() }) }
    }
}
