import Dispatch
import Foundation
import Jonction
import JonctionStore

/// What happened to one bundle received.
public enum ReceiveResult: Sendable {
    /// Merged (possibly with some changes already held).
    case imported(ImportReport)
    /// Every change was already held: nothing changed.
    case replay(ImportReport)
    /// In a mailbag folder but addressed to another site: left for it.
    case notForUs(BundleHeader)
    /// Refused, with nothing changed; the error says why in the user's words.
    case refused(any UserFacingError)
}

/// One preparation on its helper thread.
///
/// `@unchecked Sendable` is safe: `result` is written once, on the helper thread, before
/// `done.signal()`, and read only after `done.wait()`; the semaphore orders the two accesses.
private final class Slot: @unchecked Sendable {
    var result: Result<PreparedBundle, any Error>?
    let done = DispatchSemaphore(value: 0)
}

extension Replica {
    /// Merges bundles received together (a stick's folder, the hub's inbox, a download), in the
    /// order of protocol.md §5.4: sender by sender, in the order they were written. Each bundle is
    /// verified completely, then merged in one transaction, all or nothing; one that would leave a
    /// gap is retried after the others, and refused only if the gap remains. A refused bundle
    /// changes nothing and does not stop the others.
    ///
    /// Returns each parcel's outcome; errors that are not the bundle's fault (a failing disk) are thrown.
    public func receive(_ parcels: [Parcel], progress: ((Parcel, Int, Int) -> Void)? = nil) throws
        -> [(parcel: Parcel, result: ReceiveResult)]
    {
        let sorted = parcels.sorted { a, b in
            guard let ha = a.header, let hb = b.header else { return a.header != nil }
            return ha.sender != hb.sender ? ha.sender < hb.sender : ha.createdAt < hb.createdAt
        }
        var outcomes: [(parcel: Parcel, result: ReceiveResult)] = []
        // Retry gaps while progress is made: a later stick may fill what an earlier one lacked.
        var gaps: [(parcel: Parcel, error: StoreError)] = []
        var queue = sorted
        while !queue.isEmpty {
            var madeProgress = false
            gaps = []
            for (parcel, result) in merge(queue, progress: progress) {
                switch result {
                case .success(let report):
                    outcomes.append((parcel, report.isReplay ? .replay(report) : .imported(report)))
                    madeProgress = true
                case .failure(let error as StoreError):
                    if case .gap = error { gaps.append((parcel, error)) } else { outcomes.append((parcel, .refused(error))) }
                case .failure(let error as UserFacingError):
                    outcomes.append((parcel, .refused(error)))
                case .failure(let error):
                    throw error
                }
            }
            queue = madeProgress ? gaps.map(\.parcel) : []
        }
        for gap in gaps { outcomes.append((gap.parcel, .refused(gap.error))) }
        return outcomes
    }

    /// Merges bundles one after the other, each in its own transaction, while the next one is read,
    /// verified and planned on another core.
    private func merge(_ parcels: [Parcel], progress: ((Parcel, Int, Int) -> Void)?)
        -> [(parcel: Parcel, result: Result<ImportReport, any Error>)]
    {
        let replica = self
        guard !parcels.isEmpty else { return [] }
        // The keyring as it was before these bundles: a roster one of them brings is kept with its
        // merge, and checks the next run's bundles.
        let keyring: Keyring?
        do { keyring = try self.keyring() } catch { return parcels.map { ($0, .failure(error)) } }
        @Sendable func prepare(_ parcel: Parcel) throws -> PreparedBundle {
            try PreparedBundle(ChangeBundle(decoding: parcel.bytes(), keyring: keyring, schema: replica.schema), replica: replica,
                               roster: keyring?.roster.roster)
        }
        // The first bundle is prepared here; each next one on a thread of its own while the current
        // one is merged. Not on Dispatch's shared pool: the merge waits for it, and may itself run
        // on that pool (an exchange's `offload`), which many exchanges at once would starve.
        func start(_ parcel: Parcel) -> Slot {
            let slot = Slot()
            let thread = Thread {
                slot.result = Result { try prepare(parcel) }
                slot.done.signal()
            }
            thread.start()
            return slot
        }
        var results: [(Parcel, Result<ImportReport, any Error>)] = []
        var next = Slot()
        next.result = Result { try prepare(parcels[0]) }
        next.done.signal()
        for (i, parcel) in parcels.enumerated() {
            let current = next
            current.done.wait()
            if i + 1 < parcels.count { next = start(parcels[i + 1]) }
            results.append((parcel, current.result!.flatMap { prepared in
                Result { try write { try $0.importBundle(prepared) { done, total in progress?(parcel, done, total) } } }
            }))
        }
        return results
    }
}
