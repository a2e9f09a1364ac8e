import Foundation
import Jonction
import JonctionStore

/// What happened to one file of an import.
public struct FileOutcome: Sendable {
    public typealias Result = ReceiveResult

    public var url: URL
    public var result: Result

    public var isRefused: Bool {
        if case .refused = result { return true }
        return false
    }
}

extension Replica {
    /// Imports bundle files and mailbag folders (protocol.md §5.4), through `FolderTransport` and
    /// `receive(_:)`.
    ///
    /// From a folder, only the `.jnb` files addressed to this site are taken; files named
    /// explicitly are taken whoever they are addressed to. `allAddressees` takes every bundle of the
    /// folders too (the hub's inbox, where sticks are copied for it whatever they were written for).
    public func importFiles(_ paths: [URL], allAddressees: Bool = false,
                            progress: ((URL, Int, Int) -> Void)? = nil) throws -> [FileOutcome] {
        var outcomes: [FileOutcome] = []
        var parcels: [Parcel] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else {
                outcomes.append(FileOutcome(url: path, result: .refused(MailbagError.cannotRead(path.path))))
                continue
            }
            if isDirectory.boolValue {
                let folder = try FolderTransport(path, allAddressees: allAddressees).parcels(for: site)
                parcels += folder.waiting
                outcomes += folder.forOthers.map { FileOutcome(url: $0.0, result: .notForUs($0.1)) }
            } else {
                parcels.append(Parcel(name: path.lastPathComponent, file: path, header: try? Mailbag.header(of: path)) {
                    try Mailbag.read(path)
                })
            }
        }
        for (parcel, result) in try receive(parcels, progress: { parcel, done, total in progress?(parcel.file ?? URL(fileURLWithPath: parcel.name), done, total) }) {
            outcomes.append(FileOutcome(url: parcel.file ?? URL(fileURLWithPath: parcel.name), result: result))
        }
        return outcomes
    }
}

extension Replica {
    /// Notes a stick read in the exchange journal (the office's home page): who sent what was
    /// merged, how many changes, which files were refused and why (file names and reasons only).
    public func journalStickRead(_ outcomes: [FileOutcome]) throws {
        var applied = 0, refused: [String] = [], sender: SiteName?
        for outcome in outcomes {
            switch outcome.result {
            case .imported(let report):
                applied += report.apply.applied
                sender = sender ?? report.header.sender
            case .replay(let report):
                sender = sender ?? report.header.sender
            case .refused(let error):
                refused.append("\(outcome.url.lastPathComponent) : \(error.message(.fr))")
            case .notForUs:
                break
            }
        }
        guard sender != nil || !refused.isEmpty else { return }
        try write {
            try $0.journal(ExchangeRecord(at: clock.nowMillis(), peer: sender, route: .usb, direction: .received, changes: applied,
                                          refused: refused.count, detail: refused.isEmpty ? nil : refused.joined(separator: " ; ")))
        }
    }

    /// Notes bundles written on a stick for `addressee` in the exchange journal.
    public func journalStickWritten(for addressee: SiteName, changes: Int) throws {
        try write { try $0.journal(ExchangeRecord(at: clock.nowMillis(), peer: addressee, route: .usb, direction: .sent, changes: changes)) }
    }
}
