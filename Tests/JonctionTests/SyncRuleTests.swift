import Jonction
import JonctionTestSupport
import Testing

@Suite("Règles de synchronisation pures : séries, admission, plan, accusés, envoi")
struct SyncRuleTests {
    let kayes = SiteName(unchecked: "kayes"), mopti = SiteName(unchecked: "mopti")

    func change(_ site: SiteName, _ seq: UInt64, id: String = "c1", status: String = "trained") -> Change {
        Change(origin: site, seq: seq, hlc: HLC(millis: 1_000 + seq), table: "candidate", id: id,
               operation: .set(field: "status", value: .text(status)))
    }

    func changes(_ site: SiteName, _ seqs: [UInt64]) -> [Change] { seqs.map { change(site, $0) } }

    func nothingHeld(_: SiteName, _: UInt64) -> Change? { nil }

    // MARK: Seq runs

    @Test("les séries : même origine et numéros consécutifs, dans l’ordre donné")
    func seqRuns() {
        let list = changes(kayes, [1, 2, 3]) + changes(mopti, [1]) + changes(kayes, [5, 6]) + changes(kayes, [6])
        #expect(SeqRun.runs(in: list) == [
            SeqRun(origin: kayes, seqs: 1...3, indices: 0..<3),
            SeqRun(origin: mopti, seqs: 1...1, indices: 3..<4),
            SeqRun(origin: kayes, seqs: 5...6, indices: 4..<6),
            SeqRun(origin: kayes, seqs: 6...6, indices: 6..<7),
        ])
        #expect(SeqRun.runs(in: []).isEmpty)
    }

    // MARK: Admission

    @Test("tout est nouveau : les blocs sont gardés tels quels, sans ré-encodage")
    func wholeBlocks() throws {
        let blocks = [ReceivedBlock(changes: changes(kayes, [1, 2])), ReceivedBlock(changes: []),
                      ReceivedBlock(changes: changes(mopti, [1]) + changes(kayes, [3]))]
        let admission = try Admission(blocks, held: VersionVector(), heldChange: nothingHeld)
        #expect(admission.whole.count == 2)
        #expect(admission.partial.isEmpty)
        #expect(admission.applied == 4 && admission.duplicates == 0)
        #expect(admission.ranges == [kayes: 1...3, mopti: 1...1])
    }

    @Test("des blocs dans le désordre mais sans trou ni doublon restent entiers")
    func wholeBlocksOutOfOrder() throws {
        let blocks = [ReceivedBlock(changes: changes(kayes, [4, 5, 6])), ReceivedBlock(changes: changes(kayes, [2, 3]))]
        let admission = try Admission(blocks, held: VersionVector([kayes: 1]), heldChange: nothingHeld)
        #expect(admission.whole.count == 2 && admission.applied == 5)
        #expect(admission.ranges == [kayes: 2...6])
    }

    @Test("un rejeu partiel : chaque nouveau numéro une fois, dans l’ordre")
    func overlap() throws {
        let blocks = [ReceivedBlock(changes: changes(kayes, [2, 3, 4])), ReceivedBlock(changes: changes(kayes, [1, 2, 3, 4, 5])),
                      ReceivedBlock(changes: changes(mopti, [1]))]
        let admission = try Admission(blocks, held: VersionVector([kayes: 2])) { _, seq in change(kayes, seq) }
        #expect(admission.whole.isEmpty)
        #expect(admission.partial.map { "\($0.origin):\($0.seq)" } == ["kayes:3", "kayes:4", "kayes:5", "mopti:1"])
        #expect(admission.applied == 4 && admission.duplicates == 5)
        #expect(admission.ranges == [kayes: 3...5, mopti: 1...1])
    }

    @Test("un rejeu complet n’admet rien")
    func replay() throws {
        let admission = try Admission([ReceivedBlock(changes: changes(kayes, [1, 2]))], held: VersionVector([kayes: 2])) {
            _, seq in change(kayes, seq)
        }
        #expect(admission.applied == 0 && admission.duplicates == 2 && admission.ranges.isEmpty)
    }

    @Test("un trou est refusé en nommant le dernier numéro suivi et le premier après le trou",
          arguments: [
              ([UInt64]([3, 4]), UInt64(0), UInt64(0), UInt64(3)),
              ([1, 2, 2, 4], 0, 2, 4),
              ([1, 2, 4, 2], 0, 2, 4),
              ([1, 1, 1, 1, 3], 0, 1, 3),
              ([5, 7, 6, 9], 4, 7, 9),
          ])
    func gaps(seqs: [UInt64], held: UInt64, lastBefore: UInt64, first: UInt64) {
        #expect(throws: SyncRefusal.gap(origin: kayes, held: lastBefore, first: first)) {
            try Admission([ReceivedBlock(changes: changes(kayes, seqs))], held: VersionVector([kayes: held])) { _, seq in
                change(kayes, seq)
            }
        }
    }

    @Test("un trou caché par des doublons répartis sur plusieurs blocs est refusé aussi")
    func gapAcrossBlocks() {
        let blocks = [ReceivedBlock(changes: changes(kayes, [1, 2])), ReceivedBlock(changes: changes(kayes, [2])),
                      ReceivedBlock(changes: changes(kayes, [4]))]
        #expect(throws: SyncRefusal.gap(origin: kayes, held: 2, first: 4)) {
            try Admission(blocks, held: VersionVector(), heldChange: nothingHeld)
        }
    }

    @Test("un numéro déjà détenu avec un autre contenu : numéro réutilisé")
    func reusedHeldSeq() {
        #expect(throws: SyncRefusal.reusedSeq(origin: kayes, seq: 2)) {
            try Admission([ReceivedBlock(changes: changes(kayes, [1, 2, 3]))], held: VersionVector([kayes: 2])) { _, seq in
                change(kayes, seq, status: "placed")
            }
        }
    }

    @Test("deux changements différents sous un même numéro dans une livraison : numéro réutilisé")
    func reusedSeqWithinDelivery() {
        let blocks = [ReceivedBlock(changes: changes(kayes, [1, 2])),
                      ReceivedBlock(changes: [change(kayes, 2, status: "placed")])]
        #expect(throws: SyncRefusal.reusedSeq(origin: kayes, seq: 2)) {
            try Admission(blocks, held: VersionVector(), heldChange: nothingHeld)
        }
    }

    @Test("l’erreur de lecture du changement détenu remonte telle quelle")
    func lookupErrorPropagates() {
        struct Unreadable: Error {}
        #expect(throws: Unreadable.self) {
            try Admission([ReceivedBlock(changes: changes(kayes, [1]))], held: VersionVector([kayes: 1])) { _, _ in
                throw Unreadable()
            }
        }
    }

    // MARK: Merge plan

    @Test("le plan refuse un changement hors schéma en nommant son origine et son numéro")
    func planRefusesInvalidChange() {
        let bad = Change(origin: mopti, seq: 7, hlc: HLC(millis: 5), table: "candidate", id: "c1",
                         operation: .set(field: "colour", value: .text("red")))
        #expect(throws: SyncRefusal.self) { try MergePlan([ReceivedBlock(changes: changes(kayes, [1]) + [bad])], schema: .current) }
        do {
            _ = try MergePlan([ReceivedBlock(changes: [bad])], schema: .current)
            Issue.record("accepted")
        } catch {
            guard case .invalidChange(let origin, let seq, .unknownField(_, "colour", _)) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(origin == mopti && seq == 7)
        }
        let badID = Change(origin: mopti, seq: 1, hlc: HLC(millis: 5), table: "candidate", id: "é", operation: .delete)
        #expect(throws: SyncRefusal.invalidChange(origin: mopti, seq: 1, reason: .invalidRecordID("é"))) {
            try MergePlan([ReceivedBlock(changes: [badID])], schema: .current)
        }
    }

    @Test("le plan groupe par enregistrement, dans l’ordre des tampons, et fusionne comme le modèle")
    func planMerges() throws {
        var rng = SeededGenerator(seed: 42)
        var list: [Change] = []
        for seq in 1...60 as ClosedRange<UInt64> {
            let site = Bool.random(using: &rng) ? kayes : mopti
            let op = RandomWorkload.operation(ids: 4, using: &rng)
            let operation: Change.Operation = op.fields.map { .set(field: $0[0].0, value: $0[0].1) } ?? .delete
            list.append(Change(origin: site, seq: seq, hlc: HLC(millis: UInt64.random(in: 1...50, using: &rng), counter: UInt16(seq)),
                               table: op.table, id: op.id, operation: operation))
        }
        let plan = try MergePlan([ReceivedBlock(changes: list)], schema: .current)
        var planned = RecordSet(schema: .current), reference = RecordSet(schema: .current)
        _ = plan.merge(into: &planned)
        for c in list.sorted(by: { $0.stamp < $1.stamp }) { try reference.apply(c) }
        #expect(planned == reference)
        #expect(plan.keys.count == Int(plan.groupEnds.count) && plan.order.count == list.count)
    }

    // MARK: Peers

    @Test("l’accusé reçu en dernier remplace, même plus petit, quelle que soit sa date d’écriture")
    func acknowledgements() {
        var peer = PeerState()
        let taken1 = peer.contact(at: 10, acknowledging: Acknowledgement(vector: VersionVector([kayes: 5]), writtenAt: 100))
        #expect(taken1)
        #expect(peer.acknowledged == VersionVector([kayes: 5]) && peer.lastContact == 10)
        // Restored from a backup: holds less, says so later.
        let taken2 = peer.contact(at: 20, acknowledging: Acknowledgement(vector: VersionVector([kayes: 2]), writtenAt: 200))
        #expect(taken2)
        #expect(peer.acknowledged == VersionVector([kayes: 2]))
        // Its clock was put back (it had run ahead): what it says now counts, whatever the dates.
        let taken3 = peer.contact(at: 30, acknowledging: Acknowledgement(vector: VersionVector([kayes: 3]), writtenAt: 150))
        #expect(taken3)
        #expect(peer.acknowledged == VersionVector([kayes: 3]) && peer.acknowledgedAt == 150 && peer.lastContact == 30)
        // A contact without acknowledgement only updates the time.
        let taken4 = peer.contact(at: 40, acknowledging: nil)
        #expect(!taken4)
        #expect(peer.lastContact == 40 && peer.acknowledged == VersionVector([kayes: 3]))
    }

    @Test("ce qu’il faut envoyer : au-dessus de l’accusé, ou tout (--full)")
    func whatToSend() {
        let ours = VersionVector([kayes: 5, mopti: 3])
        let selection = WhatToSend(ours: ours, acknowledged: VersionVector([kayes: 2, mopti: 7]))
        #expect(selection.ranges == [kayes: 3...5])
        #expect(selection.count == 3)
        #expect(selection.contains(change(kayes, 3)) && !selection.contains(change(kayes, 2)))
        #expect(WhatToSend(ours: ours, acknowledged: nil).ranges == [kayes: 1...5, mopti: 1...3])
        #expect(WhatToSend(ours: ours, acknowledged: ours).isEmpty)
        #expect(WhatToSend(ours: ours, acknowledged: nil).sorted.map(\.origin) == [kayes, mopti])
    }
}
