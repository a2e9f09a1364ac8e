import Jonction
import Testing

@Suite("Échange avec le pôle : machine à états pure (envoi, renvoi complet après un trou, réception)")
struct ExchangeTests {
    typealias Machine = Exchange<String, Int>
    struct Refused: Error, Equatable { var reason: String }

    static let ours = VersionVector([SiteName(unchecked: "kayes"): 4])
    static let hubAck = Acknowledgement(vector: VersionVector([.hub: 9]), writtenAt: 77)

    /// One line per action, so that paths compare as text.
    static func describe(_ action: Machine.Action) -> String {
        switch action {
        case .makeBundle(let full): return full ? "make full" : "make"
        case .send(let payload): return "send \(payload)"
        case .remember(let ack): return "remember \(ack.vector) @\(ack.writtenAt)"
        case .requestDownload(let have): return "download \(have)"
        case .merge(let payload): return "merge \(payload)"
        case .finish(let r):
            return "finish sent=\(r.sent) accepted=\(r.acceptedByPeer) full=\(r.resentInFull) received=\(r.received.isEmpty ? "-" : r.received.map(String.init).joined(separator: "+"))"
        case .fail(let error):
            if let refused = error as? Refused { return "fail \(refused.reason)" }
            if error is Machine.UnexpectedEvent { return "fail unexpected" }
            return "fail \(error)"
        }
    }

    static func run(_ events: [Machine.Event]) -> [String] {
        var machine = Machine()
        return events.flatMap { machine.receive($0).map(describe) }
    }

    @Test("rien à envoyer, rien à recevoir")
    func nothingEitherWay() {
        #expect(Self.run([.started, .nothingToSend(vector: Self.ours), .nothingToDownload()]) == [
            "make", "download {kayes:4}", "finish sent=0 accepted=0 full=false received=-",
        ])
    }

    @Test("le pôle répond par morceaux : la machine redemande tant que chaque réponse apporte quelque chose")
    func downloadsInPieces() {
        let kayes = SiteName(unchecked: "kayes")
        let hubHolds = Acknowledgement(vector: VersionVector([.hub: 9, kayes: 4]), writtenAt: 80)
        let half = VersionVector([.hub: 5, kayes: 4]), whole = VersionVector([.hub: 9, kayes: 4])
        #expect(Self.run([
            .started, .nothingToSend(vector: Self.ours), .downloaded("d1", peerHolds: hubHolds), .merged(5, ours: half),
            .downloaded("d2", peerHolds: hubHolds), .merged(4, ours: whole),
        ]) == [
            "make", "download {kayes:4}", "merge d1", "download {hub:5, kayes:4}", "merge d2",
            "finish sent=0 accepted=0 full=false received=5+4",
        ])
        // An answer that brings nothing: no asking again for ever.
        #expect(Self.run([
            .started, .nothingToSend(vector: Self.ours), .downloaded("d1", peerHolds: hubHolds), .merged(5, ours: half),
            .downloaded("d2", peerHolds: hubHolds), .merged(0, ours: half),
        ]).last == "finish sent=0 accepted=0 full=false received=5+0")
        // Without what the peer holds (a folder), one download.
        #expect(Self.run([.started, .nothingToSend(vector: Self.ours), .downloaded("d1"), .merged(5, ours: half)]).last
                == "finish sent=0 accepted=0 full=false received=5")
        // At most `maximumDownloads`, even if the peer keeps moving ahead.
        var machine = Machine()
        var actions = machine.receive(.started) + machine.receive(.nothingToSend(vector: Self.ours))
        for k in 1...100 where !machine.isOver {
            let holds = Acknowledgement(vector: VersionVector([.hub: UInt64(k + 1000)]), writtenAt: 80)
            actions += machine.receive(.downloaded("d", peerHolds: holds))
            actions += machine.receive(.merged(1, ours: VersionVector([.hub: UInt64(k)])))
        }
        #expect(actions.filter { if case .requestDownload = $0 { true } else { false } }.count == Machine.maximumDownloads)
        #expect(machine.isOver)
    }

    @Test("envoi accepté : l’accusé du pôle est retenu, puis la réception est fusionnée")
    func uploadThenDownload() {
        #expect(Self.run([
            .started, .bundleMade("b1", changes: 12, vector: Self.ours), .uploadAccepted(applied: 10, acknowledgement: Self.hubAck),
            .downloaded("d1"), .merged(5),
        ]) == [
            "make", "send b1", "remember {hub:9} @77", "download {kayes:4}", "merge d1",
            "finish sent=12 accepted=10 full=false received=5",
        ])
    }

    @Test("le pôle restauré dit ce qu’il détient : ce qui lui manque est envoyé après la réception, une seule fois")
    func peerLostChangesSaysSo() {
        let lost = Acknowledgement(vector: VersionVector([SiteName(unchecked: "kayes"): 1]), writtenAt: 90)
        let whole = Acknowledgement(vector: VersionVector([SiteName(unchecked: "kayes"): 4]), writtenAt: 91)
        // Nothing new to send, and the hub holds kayes up to 1 only: send 2…4, then stop.
        #expect(Self.run([
            .started, .nothingToSend(vector: Self.ours), .nothingToDownload(peerHolds: lost),
            .bundleMade("b2-4", changes: 3, vector: Self.ours), .uploadAccepted(applied: 3, acknowledgement: whole),
        ]) == [
            "make", "download {kayes:4}", "remember {kayes:1} @90", "make",
            "send b2-4", "remember {kayes:4} @91", "finish sent=3 accepted=3 full=false received=-",
        ])
        // The same after a merged download; and a hub that holds everything ends the exchange at once.
        #expect(Self.run([.started, .nothingToSend(vector: Self.ours), .downloaded("d", peerHolds: lost), .merged(2),
                          .nothingToSend(vector: Self.ours)]) == [
            "make", "download {kayes:4}", "merge d", "remember {kayes:1} @90", "make", "finish sent=0 accepted=0 full=false received=2",
        ])
        #expect(Self.run([.started, .nothingToSend(vector: Self.ours), .nothingToDownload(peerHolds: whole)]) == [
            "make", "download {kayes:4}", "finish sent=0 accepted=0 full=false received=-",
        ])
    }

    @Test("envoi accepté sans accusé : rien à retenir")
    func uploadWithoutAcknowledgement() {
        #expect(Self.run([.started, .bundleMade("b1", changes: 1, vector: Self.ours), .uploadAccepted(applied: 1, acknowledgement: nil),
                          .nothingToDownload()]) == [
            "make", "send b1", "download {kayes:4}", "finish sent=1 accepted=1 full=false received=-",
        ])
    }

    @Test("le pôle a perdu ce qu’il avait accusé : tout est renvoyé, une fois")
    func gapThenFullResend() {
        let full = VersionVector([SiteName(unchecked: "kayes"): 5])
        #expect(Self.run([
            .started, .bundleMade("b1", changes: 2, vector: Self.ours), .uploadRefusedAsGap(Refused(reason: "gap")),
            .bundleMade("all", changes: 40, vector: full), .uploadAccepted(applied: 38, acknowledgement: Self.hubAck),
            .nothingToDownload(),
        ]) == [
            "make", "send b1", "make full", "send all", "remember {hub:9} @77", "download {kayes:5}",
            "finish sent=40 accepted=38 full=true received=-",
        ])
    }

    @Test("un second trou après le renvoi complet fait échouer l’échange, sans nouvel essai")
    func secondGapFails() {
        #expect(Self.run([
            .started, .bundleMade("b1", changes: 2, vector: Self.ours), .uploadRefusedAsGap(Refused(reason: "gap 1")),
            .bundleMade("all", changes: 40, vector: Self.ours), .uploadRefusedAsGap(Refused(reason: "gap 2")),
            .bundleMade("again", changes: 40, vector: Self.ours),
        ]) == ["make", "send b1", "make full", "send all", "fail gap 2"])
    }

    @Test("renvoi complet demandé mais rien à envoyer : on passe à la réception")
    func fullResendOfNothing() {
        #expect(Self.run([
            .started, .bundleMade("b1", changes: 2, vector: Self.ours), .uploadRefusedAsGap(Refused(reason: "gap")),
            .nothingToSend(vector: Self.ours), .nothingToDownload(),
        ]) == ["make", "send b1", "make full", "download {kayes:4}", "finish sent=0 accepted=0 full=true received=-"])
    }

    @Test("un autre refus de l’envoi fait échouer l’échange avec ce refus")
    func uploadRefused() {
        #expect(Self.run([.started, .bundleMade("b1", changes: 2, vector: Self.ours), .uploadRefused(Refused(reason: "revoked"))])
            == ["make", "send b1", "fail revoked"])
    }

    @Test("une panne à n’importe quelle étape fait échouer l’échange ; la suite est ignorée",
          arguments: 0...4)
    func failureAtEveryStep(step: Int) {
        let path: [Machine.Event] = [
            .started, .bundleMade("b1", changes: 2, vector: Self.ours), .uploadAccepted(applied: 2, acknowledgement: Self.hubAck),
            .downloaded("d1"), .merged(3),
        ]
        var machine = Machine()
        var seen: [String] = []
        for event in path.prefix(step) { seen += machine.receive(event).map(Self.describe) }
        seen += machine.receive(.failed(Refused(reason: "network"))).map(Self.describe)
        #expect(seen.last == "fail network")
        #expect(machine.state == .failed && machine.isOver)
        for event in path { #expect(machine.receive(event).isEmpty) }
    }

    @Test("un événement hors de propos est signalé comme une erreur, jamais un arrêt brutal")
    func unexpectedEvent() {
        #expect(Self.run([.merged(1)]) == ["fail unexpected"])
        #expect(Self.run([.started, .downloaded("x")]) == ["make", "fail unexpected"])
        #expect(Self.run([.started, .started]) == ["make", "fail unexpected"])
    }

    /// Every event kind, with fixed payloads.
    static let allEvents: [Machine.Event] = [
        .started, .bundleMade("b", changes: 3, vector: ours), .nothingToSend(vector: ours),
        .uploadAccepted(applied: 2, acknowledgement: hubAck), .uploadAccepted(applied: 0, acknowledgement: nil),
        .uploadRefusedAsGap(Refused(reason: "gap")), .uploadRefused(Refused(reason: "other")),
        .downloaded("d"), .nothingToDownload(), .merged(7), .failed(Refused(reason: "io")),
    ]

    @Test("exhaustif : sur tous les chemins, au plus un renvoi complet, une seule fin, rien après")
    func exhaustive() {
        var paths = 0, finished = 0
        func explore(_ machine: Machine, history: [String], depth: Int) {
            for event in Self.allEvents {
                var next = machine
                let actions = next.receive(event).map(Self.describe)
                let all = history + actions
                let ends = all.filter { $0.hasPrefix("finish") || $0.hasPrefix("fail") }
                #expect(all.filter { $0 == "make full" }.count <= 1, "\(all)")
                #expect(ends.count <= 1, "\(all)")
                if let end = ends.first { #expect(all.last == end, "\(all)") }
                #expect(next.isOver == (ends.count == 1), "\(all)")
                #expect(!actions.isEmpty, "an event in a live exchange always answers: \(all)")
                if next.isOver {
                    paths += 1
                    if ends.first!.hasPrefix("finish") { finished += 1 }
                    for late in Self.allEvents { #expect(next.receive(late).isEmpty) }
                } else if depth < 12 {
                    explore(next, history: all, depth: depth + 1)
                } else {
                    Issue.record("an exchange longer than 12 steps: \(all)")
                }
            }
        }
        explore(Machine(), history: [], depth: 0)
        #expect(paths > 100)
        // Every successful path: nothing/upload (accepted with or without ack, or after a full resend
        // that sends or finds nothing), then nothing or a merge.
        #expect(finished == (1 + 2 + 2 + 1) * 2)
    }
}
