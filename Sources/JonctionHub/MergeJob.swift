import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Jonction
import JonctionBundle
import JonctionStore

/// The hub's nightly job (DESIGN §5): take in the sticks copied into the inbox — from enrolled
/// offices that are not revoked; the others are refused with the reason — then write for every
/// active office one bundle of what it lacks.
///
/// Safe to run twice (imported files leave the inbox; bundles are idempotent), and only one at a
/// time: a lock file beside the replica keeps a second run out.
public struct MergeJob: Sendable {
    public let replica: Replica
    public let inbox: URL
    public let outbox: URL
    /// Runs between the import and the outbox (the matching round, once there is one).
    /// If it throws, the outbox is still written and the error is in `Summary.beforeOutboxFailure`.
    public var beforeOutbox: (@Sendable (Replica) throws -> Void)?

    public init(replica: Replica, inbox: URL, outbox: URL, beforeOutbox: (@Sendable (Replica) throws -> Void)? = nil) {
        self.replica = replica
        self.inbox = inbox
        self.outbox = outbox
        self.beforeOutbox = beforeOutbox
    }

    public struct Summary: Sendable {
        public var taken: [String] = []
        /// File names and why (in French and English).
        public var refused: [(file: String, reason: any UserFacingError)] = []
        /// Files left in the inbox for a later run (an earlier stick is missing).
        public var pending: [(file: String, reason: any UserFacingError)] = []
        public var changesMerged = 0
        public var conflicts = 0
        public var written: [(site: SiteName, file: String, changes: Int)] = []
        /// Why `beforeOutbox` (the matching round) failed, if it did. The outbox is written anyway:
        /// the offices still get the night's changes; the round can be run again by hand.
        public var beforeOutboxFailure: (any Error)?
        /// Whether the night merged an erasure: the outbox was rewritten and `done/` emptied.
        public var erased = false
        /// Changes to proposals taken in and undone, not being allowed (protocol.md §2.5).
        public var undone: [UndoneChange] = []
    }

    /// Runs the night's merge, and notes the run (when, how long, what came of it) in the hub's
    /// replica for its monitoring (`GET /metrics`).
    public func run(progress: ((String, Int, Int) -> Void)? = nil) throws -> Summary {
        let start = Date()
        do {
            let summary = try merge(progress: progress)
            try? replica.write {
                try $0.recordMergeRun(MergeRunSummary(at: UInt64(start.timeIntervalSince1970 * 1000),
                                                      milliseconds: UInt64(Date().timeIntervalSince(start) * 1000),
                                                      taken: summary.taken.count, refused: summary.refused.count,
                                                      changes: summary.changesMerged, conflicts: summary.conflicts,
                                                      succeeded: summary.beforeOutboxFailure == nil))
            }
            return summary
        } catch {
            try? replica.write {
                try $0.recordMergeRun(MergeRunSummary(at: UInt64(start.timeIntervalSince1970 * 1000),
                                                      milliseconds: UInt64(Date().timeIntervalSince(start) * 1000),
                                                      taken: 0, refused: 0, changes: 0, conflicts: 0, succeeded: false))
            }
            throw error
        }
    }

    private func merge(progress: ((String, Int, Int) -> Void)?) throws -> Summary {
        let lock = try MergeLock(replicaPath: replica.path)
        defer { lock.release() }
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: inbox.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw MailbagError.folderMissing(inbox.path)
        }
        try folderOperation(outbox) { try fm.createDirectory(at: outbox, withIntermediateDirectories: true) }
        let done = inbox.appendingPathComponent("done"), rejected = inbox.appendingPathComponent("rejected")

        var summary = Summary()
        // Only enrolled offices that are not revoked may send: the others' sticks are refused with
        // the reason, before anything of theirs is read further (a stolen laptop, a stranger).
        let register = Dictionary(uniqueKeysWithValues: try replica.read { try $0.offices() }.map { ($0.site, $0) })
        var parcels: [Parcel] = [], outcomes: [(parcel: Parcel, result: ReceiveResult)] = []
        for parcel in try FolderTransport(inbox, allAddressees: true).parcels(for: replica.site).waiting {
            guard let sender = parcel.header?.sender else {
                parcels.append(parcel)  // unreadable: refused when merged, with what is wrong
                continue
            }
            if let office = register[sender], let revokedAt = office.revokedAt {
                outcomes.append((parcel, .refused(MergeJobError.revokedSender(sender, since: revokedAt))))
            } else if register[sender] == nil {
                outcomes.append((parcel, .refused(MergeJobError.unknownSender(sender))))
            } else {
                parcels.append(parcel)
            }
        }
        _ = try replica.hubKeyring()  // a hub made before format 2 publishes its roster first
        outcomes += try replica.receive(parcels) { parcel, n, total in progress?(parcel.name, n, total) }
        var erased = false
        for outcome in outcomes {
            guard let file = outcome.parcel.file else { continue }
            let name = file.lastPathComponent
            switch outcome.result {
            case .imported(let r), .replay(let r):
                summary.taken.append(name)
                summary.changesMerged += r.apply.applied
                summary.conflicts += r.apply.conflicts.count
                if r.apply.erased > 0 { erased = true }
                summary.undone += r.apply.undone
                try move(file, to: done)
            case .refused(let error):
                if case StoreError.gap? = error as? StoreError {
                    summary.pending.append((name, error))
                } else {
                    summary.refused.append((name, error))
                    let target = try move(file, to: rejected)
                    let reason = "Paquet refusé par la fusion du \(HLC(millis: replica.clock.nowMillis()).frenchDate) :\n"
                        + error.message(.fr) + "\n\n(English) " + error.message(.en) + "\n"
                    try folderOperation(rejected) { try Data(reason.utf8).write(to: target.appendingPathExtension("raison.txt")) }
                }
            case .notForUs:
                break
            }
        }

        do {
            try beforeOutbox?(replica)
        } catch {
            summary.beforeOutboxFailure = error
        }

        let keyring = try replica.hubKeyring()
        for site in try replica.read({ try $0.activeOffices() }) where keyring.roster.roster.lists(site) {
            let folder = outbox.appendingPathComponent(site.rawValue)
            try folderOperation(folder) { try fm.createDirectory(at: folder, withIntermediateDirectories: true) }
            let transport = FolderTransport(folder)
            let old = try transport.mailbag.files()
            // One bundle, or several when the office lacks more than one may carry (protocol.md §5.2).
            let bundles = try replica.sealedBundles(for: site, keyring: keyring)
            // After an erasure, no bundle written before it stays (protocol.md §3.5).
            guard !bundles.isEmpty || erased else { continue }
            var written: Set<String> = []
            for sealed in bundles {
                let name = try transport.post(sealed.bytes).lastPathComponent
                written.insert(name)
                summary.written.append((site, name, sealed.bundle.changeCount))
            }
            // The new bundles hold everything the older ones did: keep only them.
            for file in old where !written.contains(file.lastPathComponent) { try? fm.removeItem(at: file) }
        }
        // The bundles merged before are kept in `done/` for the administrator; after an erasure they
        // may hold the values it removed: they go.
        if erased, let files = try? fm.contentsOfDirectory(at: done, includingPropertiesForKeys: nil) {
            for file in files { try? fm.removeItem(at: file) }
        }
        summary.erased = erased
        return summary
    }

    @discardableResult
    private func move(_ file: URL, to folder: URL) throws -> URL {
        try folderOperation(folder) {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            var target = folder.appendingPathComponent(file.lastPathComponent)
            if FileManager.default.fileExists(atPath: target.path) {
                target = folder.appendingPathComponent("\(Int(Date().timeIntervalSince1970))-\(file.lastPathComponent)")
            }
            try FileManager.default.moveItem(at: file, to: target)
            return target
        }
    }

    /// Runs a file operation in `folder`, turning Foundation's failures into the mailbag's French
    /// words (full disk, permissions) instead of an internal error.
    private func folderOperation<T>(_ folder: URL, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as CocoaError where error.code == .fileWriteOutOfSpace {
            throw MailbagError.full(folder.path)
        } catch let error as CocoaError {
            let errno = (error.userInfo[NSUnderlyingErrorKey] as? NSError).map { Int32($0.code) } ?? EIO
            throw MailbagError.cannotWrite(folder.path, errno: errno)
        }
    }
}

/// An exclusive advisory lock (flock) on `<replica>.merge-lock`, released when the process ends.
struct MergeLock {
    let fd: Int32

    init(replicaPath: String) throws {
        let path = replicaPath + ".merge-lock"
        fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw MergeJobError.cannotLock(path) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw MergeJobError.alreadyRunning(path)
        }
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

public enum MergeJobError: Error, UserFacingError, Equatable {
    case alreadyRunning(String)
    case cannotLock(String)
    /// A stick from a site the register does not know.
    case unknownSender(SiteName)
    /// A stick from an office revoked at that time (ms since the epoch).
    case revokedSender(SiteName, since: UInt64)

    public func message(_ lang: Lang) -> String {
        switch self {
        case .alreadyRunning(let path):
            return lang.pick("Une fusion est déjà en cours sur ce réplica (verrou \(path)) : attendez qu’elle se termine. Rien n’a été fait.",
                             "A merge is already running on this replica (lock \(path)): wait for it to finish. Nothing was done.")
        case .unknownSender(let site):
            return lang.pick(
                "Ce paquet vient de « \(site) », qui n’est pas un bureau inscrit au pôle : il n’a pas été lu. S’il s’agit bien d’un bureau du programme, inscrivez-le (jonction hub enroll \(site)), puis remettez ce fichier dans le dossier d’arrivée.",
                "This bundle comes from “\(site)”, which is not an office enrolled at the hub: it was not read. If it is indeed an office of the programme, enroll it (jonction hub enroll \(site)), then put this file back into the inbox.")
        case .revokedSender(let site, let since):
            return lang.pick(
                "Ce paquet vient du bureau \(site), révoqué le \(HLC(millis: since).frenchDate) : il n’a pas été lu. Si la révocation était une erreur, réinscrivez le bureau (jonction hub enroll \(site)) puis remettez ce fichier dans le dossier d’arrivée.",
                "This bundle comes from office \(site), revoked on \(HLC(millis: since).englishDate): it was not read. If the revocation was a mistake, enroll the office again (jonction hub enroll \(site)), then put this file back into the inbox.")
        case .cannotLock(let path):
            return lang.pick("Impossible de créer le verrou \(path) : vérifiez les droits sur le dossier du réplica.",
                             "Cannot create the lock \(path): check the permissions on the replica's folder.")
        }
    }
}
