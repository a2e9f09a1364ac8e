/// An office's exchange with a peer (the hub), protocol.md §6.4, as a pure state machine: the driver
/// feeds it what happened (`Event`) and performs what it returns (`Action`), in order. The machine
/// does no I/O, so the same rules drive the HTTP client, a folder of bundles or an in-memory peer,
/// and every path is testable without sockets.
///
/// The flow: make a bundle of what the peer lacks and send it (skipped when there is nothing); if
/// the peer refuses it as a gap (it lost what it had acknowledged, e.g. restored from a backup),
/// make and send everything, once; on success remember the peer's acknowledgement. Then ask for what
/// we lack, giving our vector, and merge what comes. The peer's answer says what it holds; if it
/// lacks changes we hold (it was restored from a backup, and we had nothing new to send), remember
/// that and send them, once. Each step is atomic on both sides, so an exchange cut off anywhere is
/// simply run again.
///
/// Driving it: send `.started`, then for each action returned perform it and send the event it
/// produced. Actions returned together are performed in order; if one fails, send `.failed` and drop
/// the rest. `.finish` and `.fail` end the exchange; later events are ignored.
///
/// `Payload` is a bundle as the transport carries it (bytes, a file, a value); `Receipt` what merging
/// one did (for the report).
public struct Exchange<Payload: Sendable, Receipt: Sendable>: Sendable {
    public enum Event: Sendable {
        case started
        /// The bundle asked for by `.makeBundle`, with its change count and our vector when made.
        case bundleMade(Payload, changes: Int, vector: VersionVector)
        /// `.makeBundle` found nothing the peer lacks; our vector.
        case nothingToSend(vector: VersionVector)
        /// The peer took the upload: how many changes were new to it, and its acknowledgement (nil
        /// if it gave none).
        case uploadAccepted(applied: Int, undone: Int = 0, acknowledgement: Acknowledgement?)
        /// The peer refused the upload as a gap. `error` is reported if the full resend is refused too.
        case uploadRefusedAsGap(any Error)
        /// The peer refused the upload for another reason: the exchange fails with `error`.
        case uploadRefused(any Error)
        /// The peer answered the download with a bundle, and said what it holds (nil: it did not say).
        case downloaded(Payload, peerHolds: Acknowledgement? = nil)
        /// The peer has nothing we lack, and said what it holds (nil: it did not say).
        case nothingToDownload(peerHolds: Acknowledgement? = nil)
        /// `.merge` merged the bundle; our vector afterwards (nil: not known, no further download).
        case merged(Receipt, ours: VersionVector? = nil)
        /// An action failed (a transport error, a refusal of our replica): the exchange fails with it.
        case failed(any Error)
    }

    public enum Action: Sendable {
        /// Build the bundle of what the peer lacks: above its last acknowledgement, or everything.
        case makeBundle(full: Bool)
        case send(Payload)
        /// Record the peer's acknowledgement (see `PeerState.contact`).
        case remember(Acknowledgement)
        /// Ask the peer for what we lack, giving what we hold.
        case requestDownload(have: VersionVector)
        case merge(Payload)
        case finish(Report)
        case fail(any Error)
    }

    /// What an exchange did.
    public struct Report: Sendable {
        /// Changes sent (in the uploads that were accepted), and how many of them the peer did not have yet.
        public var sent = 0
        public var acceptedByPeer = 0
        /// Of those, how many the hub took in and undid, not being allowed (protocol.md §2.5).
        public var undoneByPeer = 0
        /// Whether the upload was resent in full after a gap.
        public var resentInFull = false
        /// Whether the download's answer showed the peer lacking changes we hold, which were then
        /// sent (a peer restored from a backup).
        public var sentAfterDownload = false
        /// What merging each of the peer's bundles did, in order (empty: the peer had nothing for us).
        public var received: [Receipt] = []
    }

    /// An event the current state does not expect: a bug in the driver, reported rather than trapped.
    public struct UnexpectedEvent: Error, Sendable, CustomStringConvertible {
        public var event: String
        public var state: String
        public var description: String { "exchange: \(event) while \(state)" }

        public init(event: String, state: String) {
            self.event = event
            self.state = state
        }
    }

    public enum State: Sendable, Equatable {
        case idle
        case makingBundle(full: Bool)
        case uploading(full: Bool)
        case downloading
        case merging
        case finished
        case failed
    }

    public private(set) var state: State = .idle
    public private(set) var report = Report()
    /// Our vector as of the last bundle made (what the download request gives).
    private var have = VersionVector()
    private var sending = 0
    /// What the peer said it holds when it answered the download.
    private var peerHolds: Acknowledgement?
    /// Whether the upload under way is the one after the download (then the exchange ends with it).
    private var afterDownload = false
    /// Downloads so far, and what the last one asked with.
    private var downloads = 0
    private var lastRequest = VersionVector()

    /// Downloads in one exchange at most: a peer whose vector keeps moving ahead (offices writing
    /// meanwhile) does not keep an exchange going for ever.
    public static var maximumDownloads: Int { 64 }

    /// `full`: upload everything from the start, not only what the peer acknowledged lacking (after
    /// the peer was restored from a backup: see `PeerState`; an office with nothing new to send would
    /// otherwise never learn that the peer lost its changes).
    public init(full: Bool = false) {
        self.startsFull = full
    }

    private let startsFull: Bool

    public var isOver: Bool { state == .finished || state == .failed }

    public mutating func receive(_ event: Event) -> [Action] {
        switch (state, event) {
        case (.finished, _), (.failed, _):
            return []
        case (_, .failed(let error)):
            return fail(error)

        case (.idle, .started):
            state = .makingBundle(full: startsFull)
            return [.makeBundle(full: startsFull)]

        case (.makingBundle(let full), .bundleMade(let payload, let changes, let vector)):
            have = vector
            sending = changes
            state = .uploading(full: full)
            return [.send(payload)]
        case (.makingBundle, .nothingToSend(let vector)):
            have = vector
            if afterDownload {
                state = .finished
                return [.finish(report)]
            }
            return requestDownload(have: vector)

        case (.uploading(full: false), .uploadRefusedAsGap):
            report.resentInFull = true
            state = .makingBundle(full: true)
            return [.makeBundle(full: true)]
        case (.uploading(full: true), .uploadRefusedAsGap(let error)), (.uploading, .uploadRefused(let error)):
            return fail(error)
        case (.uploading, .uploadAccepted(let applied, let undone, let acknowledgement)):
            report.sent += sending
            report.acceptedByPeer += applied
            report.undoneByPeer += undone
            if afterDownload {
                state = .finished
                return (acknowledgement.map { [.remember($0)] } ?? []) + [.finish(report)]
            }
            return (acknowledgement.map { [.remember($0)] } ?? []) + requestDownload(have: have)

        case (.downloading, .downloaded(let payload, let holds)):
            peerHolds = holds
            state = .merging
            return [.merge(payload)]
        case (.downloading, .nothingToDownload(let holds)):
            peerHolds = holds
            return catchUpOrFinish()

        case (.merging, .merged(let receipt, let ours)):
            report.received.append(receipt)
            // A peer answers with one bundle; when we lacked more than one carries (protocol.md
            // §5.2), what it holds is still ahead of ours: ask again, while each answer brings something.
            if let ours, let holds = peerHolds?.vector, ours != lastRequest, downloads < Self.maximumDownloads,
                [.before, .concurrent].contains(ours.compare(holds))
            {
                return requestDownload(have: ours)
            }
            return catchUpOrFinish()

        default:
            return fail(UnexpectedEvent(event: Self.name(of: event), state: "\(state)"))
        }
    }

    private mutating func requestDownload(have: VersionVector) -> [Action] {
        downloads += 1
        lastRequest = have
        state = .downloading
        return [.requestDownload(have: have)]
    }

    /// After the download: if the peer said it lacks changes we held when we asked (it lost them),
    /// remember what it holds and send them, once; otherwise the exchange is over.
    private mutating func catchUpOrFinish() -> [Action] {
        guard !afterDownload, let holds = peerHolds, have.sorted.contains(where: { holds.vector[$0.site] < $0.seq }) else {
            state = .finished
            return [.finish(report)]
        }
        afterDownload = true
        report.sentAfterDownload = true
        state = .makingBundle(full: false)
        return [.remember(holds), .makeBundle(full: false)]
    }

    private mutating func fail(_ error: any Error) -> [Action] {
        state = .failed
        return [.fail(error)]
    }

    private static func name(of event: Event) -> String {
        switch event {
        case .started: "started"
        case .bundleMade: "bundleMade"
        case .nothingToSend: "nothingToSend"
        case .uploadAccepted: "uploadAccepted"
        case .uploadRefusedAsGap: "uploadRefusedAsGap"
        case .uploadRefused: "uploadRefused"
        case .downloaded: "downloaded"
        case .nothingToDownload: "nothingToDownload"
        case .merged: "merged"
        case .failed: "failed"
        }
    }
}
