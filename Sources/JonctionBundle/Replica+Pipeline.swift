import Dispatch
import Foundation
import Jonction
import JonctionStore

/// The outcome of preparing one file on the helper thread.
///
/// `@unchecked Sendable` is safe: `result` is written once, on the helper thread, before
/// `done.signal()`, and read only after `done.wait()`; the semaphore orders the two accesses.
private final class Slot: @unchecked Sendable {
    var result: Result<PreparedBundle, any Error>?
    let done = DispatchSemaphore(value: 0)
}

extension Replica {
    /// Reads, verifies and plans a bundle file: everything before the transaction.
    func prepareBundle(at url: URL) throws -> PreparedBundle {
        try PreparedBundle(ChangeBundle(decoding: Mailbag.read(url), schema: schema), replica: self)
    }

    /// Imports bundle files one after the other, each in its own transaction, while the next one is
    /// read, verified and planned on another core. Returns each file's outcome in order: a refused
    /// file changes nothing and does not stop the others.
    public func importBundles(at urls: [URL], progress: ((URL, Int, Int) -> Void)? = nil)
        -> [(url: URL, result: Result<ImportReport, any Error>)]
    {
        guard !urls.isEmpty else { return [] }
        let replica = self
        func start(_ url: URL) -> Slot {
            let slot = Slot()
            DispatchQueue.global(qos: .userInitiated).async {
                slot.result = Result { try replica.prepareBundle(at: url) }
                slot.done.signal()
            }
            return slot
        }
        var results: [(URL, Result<ImportReport, any Error>)] = []
        var next = start(urls[0])
        for (i, url) in urls.enumerated() {
            let current = next
            current.done.wait()
            if i + 1 < urls.count { next = start(urls[i + 1]) }
            results.append((url, current.result!.flatMap { prepared in
                Result { try write { try $0.importBundle(prepared) { done, total in progress?(url, done, total) } } }
            }))
        }
        return results
    }
}
