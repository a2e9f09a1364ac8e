import Foundation
import Jonction
import JonctionStore

/// What happened to one file of an import.
public struct FileOutcome: Sendable {
    public enum Result: Sendable {
        /// Merged (possibly with some changes already held).
        case imported(ImportReport)
        /// Every change was already held: nothing changed.
        case replay(ImportReport)
        /// In a mailbag folder but addressed to another site: left for it.
        case notForUs(BundleHeader)
        /// Refused, with nothing changed; the error says why in the user's words.
        case refused(any UserFacingError)
    }

    public var url: URL
    public var result: Result

    public var isRefused: Bool {
        if case .refused = result { return true }
        return false
    }
}

extension Replica {
    /// Imports bundle files and mailbag folders (protocol.md §5.4).
    ///
    /// From a folder, only the `.jnb` files addressed to this site are taken; files named
    /// explicitly are taken whoever they are addressed to. Each bundle is verified completely, then
    /// merged in one transaction, all or nothing. Bundles are taken sender by sender in the order
    /// they were written; one that would leave a gap is retried after the others, and refused only
    /// if the gap remains. A refused file changes nothing and does not stop the others.
    ///
    /// `allAddressees` takes every bundle of the folders too (the hub's inbox, where sticks are copied
    /// for it whatever they were written for).
    public func importFiles(_ paths: [URL], allAddressees: Bool = false,
                            progress: ((URL, Int, Int) -> Void)? = nil) throws -> [FileOutcome] {
        var outcomes: [FileOutcome] = []
        var pending: [(url: URL, header: BundleHeader?)] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else {
                outcomes.append(FileOutcome(url: path, result: .refused(MailbagError.cannotRead(path.path))))
                continue
            }
            if isDirectory.boolValue {
                for file in try Mailbag(path).files() {
                    do {
                        let header = try ChangeBundle.header(of: Mailbag.read(file))
                        if header.addressee == site || allAddressees {
                            pending.append((file, header))
                        } else {
                            outcomes.append(FileOutcome(url: file, result: .notForUs(header)))
                        }
                    } catch let error as UserFacingError {
                        outcomes.append(FileOutcome(url: file, result: .refused(error)))
                    }
                }
            } else {
                pending.append((path, try? ChangeBundle.header(of: Mailbag.read(path))))
            }
        }
        pending.sort { a, b in
            guard let ha = a.header, let hb = b.header else { return a.header != nil }
            return ha.sender != hb.sender ? ha.sender < hb.sender : ha.createdAt < hb.createdAt
        }

        // Retry gaps while progress is made: a later stick may fill what an earlier one lacked.
        var gaps: [(url: URL, error: StoreError)] = []
        var queue = pending.map(\.url)
        while !queue.isEmpty {
            var madeProgress = false
            gaps = []
            for (url, result) in importBundles(at: queue, progress: progress) {
                switch result {
                case .success(let report):
                    outcomes.append(FileOutcome(url: url, result: report.isReplay ? .replay(report) : .imported(report)))
                    madeProgress = true
                case .failure(let error as StoreError):
                    if case .gap = error { gaps.append((url, error)) } else {
                        outcomes.append(FileOutcome(url: url, result: .refused(error)))
                    }
                case .failure(let error as UserFacingError):
                    outcomes.append(FileOutcome(url: url, result: .refused(error)))
                case .failure(let error):
                    throw error
                }
            }
            queue = madeProgress ? gaps.map(\.url) : []
        }
        for gap in gaps { outcomes.append(FileOutcome(url: gap.url, result: .refused(gap.error))) }
        return outcomes
    }
}
