import Foundation
import GRDB
import Jonction
@testable import JonctionBundle
@testable import JonctionStore
import JonctionTestSupport
import Testing

/// Format 2 tried as a hostile user would (issue 12): a lost stick, an altered file, an office
/// speaking for another or for the hub, a revoked laptop, the old unsigned format.
@Suite("Paquets signés et scellés : ce qu’un attaquant ne peut pas faire")
struct SignatureTests {
    let dir = TemporaryDirectory("signatures")
    let clock = ManualClock(millis: 1_790_000_000_000)

    /// The hub and three offices of one network, each with its keys and the roster.
    func network() throws -> (hub: Replica, kayes: Replica, mopti: Replica, gao: Replica) {
        let sites = try ["hub", "kayes", "mopti", "gao"].map {
            try Replica.create(at: dir.path("\($0).sqlite"), site: SiteName($0), clock: clock)
        }
        try LocalNetwork.join(sites)
        return (sites[0], sites[1], sites[2], sites[3])
    }

    func keys(_ replica: Replica) throws -> SiteKeys { try SiteKeys.read(from: replica.keyFilePath) }

    func roster(_ replica: Replica) throws -> SignedRoster { try #require(try replica.read { try $0.roster() }) }

    /// A bundle `sender` writes for `addressee` holding `changes` in one segment signed by `signer`
    /// with `signingKeys`: what a dishonest office can build with its own keys.
    func forge(_ changes: [Change], sender: Replica, for addressee: Replica, signer: SiteName, with signingKeys: SiteKeys) throws -> [UInt8] {
        let block = ChangeBlock.encode(changes)
        let signature = SegmentSignature(signer: signer, bytes: ChangeBundle.signSegment(block, with: signingKeys))
        let origin = changes[0].origin
        let bundle = ChangeBundle(sender: sender.site, addressee: addressee.site, network: try sender.read { try $0.network() },
                                  createdAt: clock.nowMillis(), senderVector: try sender.read { try $0.vector() },
                                  ranges: [origin: changes[0].seq...changes.last!.seq], changeCount: changes.count,
                                  blocks: [block], signatures: [signature])
        let identity = try #require(try roster(sender).roster.identity(of: addressee.site))
        return try bundle.sealed(by: keys(sender), for: identity, roster: roster(sender))
    }

    func candidate(_ origin: SiteName, _ seq: UInt64, _ id: String, _ field: String, _ value: String) -> Change {
        Change(origin: origin, seq: seq, hlc: HLC(millis: 1_790_000_000_000 + seq), table: "candidate", id: id,
               operation: .set(field: field, value: .text(value)))
    }

    @Test("une clé perdue ne montre ni nom, ni téléphone, ni identifiant ; un relais ne peut pas l’ouvrir")
    func lostStick() throws {
        let (hub, kayes, mopti, _) = try network()
        try kayes.write {
            try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Sissoko"), ("given_names", "Aminata"),
                                                                    ("phone", "+223 76 12 34 56"), ("notes", "Revenue de Libye")])
        }
        let stick = dir.url.appendingPathComponent("cle")
        try FileManager.default.createDirectory(at: stick, withIntermediateDirectories: true)
        let sealed = try #require(try kayes.sealedBundle(for: .hub))
        let file = try Mailbag(stick).write(sealed.bytes, name: Mailbag.fileName(for: sealed.header))
        // Not in the file, not in its name, not once inflated (it is not zlib: it is sealed).
        let bytes = try Mailbag.read(file)
        for secret in ["Sissoko", "Aminata", "76 12 34 56", "76123456", "Libye", "kayes-c01", "candidate", "family_name"] {
            #expect(!bytes.contains(Array(secret.utf8)), "\(secret)")
            #expect(!file.lastPathComponent.contains(secret), "\(secret)")
        }
        #expect(Zlib.decompress(bytes[...], size: 1 << 20) == nil)
        // Mopti carries it to the hub without opening it: its import leaves it; given by name, refused.
        let relay = try mopti.importFiles([stick])
        guard case .notForUs = relay[0].result else { Issue.record("mopti took the hub's bundle"); return }
        let named = try mopti.importFiles([file])
        guard case .refused(let error) = named[0].result else { Issue.record("mopti opened the hub's bundle"); return }
        #expect(error.message(.fr).contains("destiné à « hub »"))
        #expect(try mopti.read { try $0.vector() }[kayes.site] == 0)
        #expect(throws: BundleError.notForThisSite(.hub)) { try ChangeBundle(decoding: bytes, keyring: mopti.keyring()) }
        // The hub, whose keys it was sealed to, opens it; with another agreement key, nothing opens.
        let hubKeys = try keys(hub)
        let otherKeys = SiteKeys(site: .hub, signing: hubKeys.signing, agreement: .init())
        #expect(throws: BundleError.cannotOpen) { try ChangeBundle(decoding: bytes, keyring: Keyring(keys: otherKeys, roster: roster(hub))) }
        #expect(try hub.importFiles([stick]).allSatisfy { !$0.isRefused })
        #expect(try hub.read { try $0.get(table: "candidate", id: "kayes-c01") }.state[Schema.V1.candidate.phone] == .text("+223 76 12 34 56"))
    }

    @Test("un octet changé n’importe où : refusé, rien de changé")
    func alteredAnywhere() throws {
        let (hub, kayes, _, _) = try network()
        for k in 1...5 {
            try kayes.write { try $0.put(table: "candidate", id: "kayes-c\(k)", fields: [("family_name", "Traoré"), ("status", "registered")]) }
        }
        let bytes = try #require(try kayes.sealedBundle(for: .hub)).bytes
        let keyring = try #require(try hub.keyring())
        var rng = SeededGenerator(seed: 12)
        for i in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 300)) {
            var copy = bytes
            copy[i] ^= UInt8.random(in: 1...255, using: &rng)
            #expect(throws: BundleError.self, "byte \(i)") { try ChangeBundle(decoding: copy, keyring: keyring) }
        }
        #expect(throws: BundleError.self) { try ChangeBundle(decoding: bytes + [0], keyring: keyring) }
        #expect(throws: BundleError.self) { try ChangeBundle(decoding: Array(bytes.dropLast()), keyring: keyring) }
        #expect(try hub.read { try $0.vector() } == VersionVector())
        #expect(try !hub.importBundle(bytes: bytes).isReplay)
    }

    @Test("un bureau ne parle pas pour un autre ni pour le pôle, et ne prend pas leurs numéros")
    func noOfficeSpeaksForAnother() throws {
        let (hub, kayes, mopti, _) = try network()
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Sissoko")]) }
        try mopti.importBundle(bytes: kayes.sealedBundle(for: mopti.site)!.bytes)
        let moptiKeys = try keys(mopti)
        let before = try hub.read { try $0.vector() }
        // Kayes's next seq, and a proposal "accepted" under the hub's origin, signed with Mopti's key.
        let asKayes = candidate(kayes.site, 2, "kayes-c01", "status", "placed")
        let asHub = Change(origin: .hub, seq: 1, hlc: HLC(millis: 1_790_000_000_500), table: "proposal", id: "r1-kayes-c01",
                           operation: .set(field: "status", value: .text("accepted")))
        for (change, signer, expected) in [
            (asKayes, kayes.site, BundleError.forgedSegment(origin: kayes.site, signer: kayes.site)),
            (asKayes, mopti.site, BundleError.signedByAnother(origin: kayes.site, signer: mopti.site)),
            (asHub, SiteName.hub, BundleError.forgedSegment(origin: .hub, signer: .hub)),
            (asHub, mopti.site, BundleError.signedByAnother(origin: .hub, signer: mopti.site)),
        ] {
            let forged = try forge([change], sender: mopti, for: hub, signer: signer, with: moptiKeys)
            let error = #expect(throws: BundleError.self) { try hub.importBundle(bytes: forged) }
            #expect(error == expected)
            #expect(error?.message(.fr).contains(change.origin.rawValue) == true)
        }
        // Kayes's genuine segment re-signed by Mopti as its own: refused too.
        let genuine = try mopti.read { try $0.log(origin: kayes.site) }
        let resigned = try forge(genuine, sender: mopti, for: hub, signer: mopti.site, with: moptiKeys)
        #expect(throws: BundleError.signedByAnother(origin: kayes.site, signer: mopti.site)) { try hub.importBundle(bytes: resigned) }
        #expect(try hub.read { try $0.vector() } == before)
        // Kayes's own seqs are still free: its real changes go through, relayed or direct.
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("status", "trained")]) }
        #expect(try hub.importBundle(bytes: mopti.sealedBundle(for: .hub)!.bytes).apply.applied == 1)
        #expect(try hub.importBundle(bytes: kayes.sealedBundle(for: .hub)!.bytes).apply.applied == 1)
        #expect(try hub.read { try $0.vector() }[kayes.site] == 2)
    }

    @Test("un bureau révoqué : ses nouvelles clés sont refusées au pôle, puis partout dès que la liste y arrive ; ses anciens changements restent valables")
    func revokedLaptop() throws {
        let (hub, kayes, mopti, gao) = try network()
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Sissoko")]) }
        try hub.importBundle(bytes: kayes.sealedBundle(for: .hub)!.bytes)
        // The laptop is stolen: the hub revokes Kayes after its seq 1. Gao has the new roster, Mopti not yet.
        let revoked = try LocalNetwork.join([hub, gao], alsoListing: [kayes, mopti], revoked: [kayes.site: 1])
        #expect(revoked.roster.entry(of: kayes.site)?.revokedAfterSeq == 1)
        // The thief writes and makes sticks with the laptop's keys and its (older) roster.
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("phone", "+223 00 00 00 00")]) }
        #expect(throws: BundleError.revokedSender(kayes.site)) { try hub.importBundle(bytes: kayes.sealedBundle(for: .hub)!.bytes) }
        #expect(throws: BundleError.revokedSender(kayes.site)) { try gao.importBundle(bytes: kayes.sealedBundle(for: gao.site)!.bytes) }
        // Mopti, which does not know yet, takes the stick…
        #expect(try mopti.importBundle(bytes: kayes.sealedBundle(for: mopti.site)!.bytes).apply.applied == 2)
        // …until the hub's next bundle brings the roster: then the thief's sticks are refused there too,
        // and Mopti never passes on what Kayes wrote after its revocation (everyone would refuse it).
        try mopti.importBundle(bytes: hub.sealedBundle(for: mopti.site)!.bytes)
        #expect(try mopti.read { try $0.roster() }?.roster.issuedAt == revoked.roster.issuedAt)
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c02", fields: [("family_name", "Faux")]) }
        #expect(throws: BundleError.revokedSender(kayes.site)) { try mopti.importBundle(bytes: kayes.sealedBundle(for: mopti.site)!.bytes) }
        #expect(try mopti.read { try $0.changesAfterRevocation() }.map(\.seqs) == [2...2])
        #expect(try gao.read { try $0.changesAfterRevocation() }.isEmpty)
        try mopti.write { try $0.put(table: "candidate", id: "mopti-c01", fields: [("family_name", "Dicko")]) }
        let fromMopti = try #require(try mopti.sealedBundle(for: .hub))
        #expect(fromMopti.ranges[kayes.site] == nil)
        #expect(try hub.importBundle(bytes: fromMopti.bytes).apply.applied == 1)
        // Kayes's change 1, from before the revocation, still travels: the hub gives it to Gao.
        let report = try gao.importBundle(bytes: hub.sealedBundle(for: gao.site)!.bytes)
        #expect(report.apply.ranges[kayes.site] == 1...1)
        #expect(try gao.read { try $0.get(table: "candidate", id: "kayes-c01") }.state[Schema.V1.candidate.familyName] == .text("Sissoko"))
        #expect(try gao.read { try $0.get(table: "candidate", id: "kayes-c01") }.state[Schema.V1.candidate.phone] != .text("+223 00 00 00 00"))
    }

    @Test("le format 1 non signé : lu pendant la transition d’un réseau sans clés, refusé sinon")
    func formatOneTransition() throws {
        let (hub, kayes, _, _) = try network()
        let change = candidate(kayes.site, 1, "kayes-c01", "family_name", "Sissoko")
        let old = ChangeBundle(sender: kayes.site, addressee: .hub, network: try hub.read { try $0.network() }, createdAt: clock.nowMillis(),
                               senderVector: VersionVector([kayes.site: 1]), changes: [change]).encodedFormat1()
        // Kayes has keys in the roster: an unsigned bundle in its name is a forgery.
        #expect(throws: BundleError.formatOneRefused(kayes.site)) { try hub.importBundle(bytes: old) }
        // A hub that has no roster yet (the network not switched) reads it, until the end of the transition.
        let network = try hub.read { try $0.network() }
        let legacy = try Replica.create(at: dir.path("legacy.sqlite"), site: .hub, network: network, clock: clock)
        #expect(try legacy.importBundle(bytes: old).apply.applied == 1)
        let late = try Replica.create(at: dir.path("late.sqlite"), site: .hub, network: network, clock: ManualClock(millis: FormatTransition.end))
        let error = #expect(throws: BundleError.formatOneRefused(kayes.site)) { try late.importBundle(bytes: old) }
        #expect(error?.message(.fr).contains("format 1") == true)
    }

    @Test("un site inconnu, une liste signée par un autre pôle : refus nommés")
    func strangers() throws {
        let (hub, kayes, _, _) = try network()
        let stranger = try Replica.create(at: dir.path("inconnu.sqlite"), site: SiteName("inconnu"), clock: clock)
        try SiteKeys.generate(for: stranger.site).write(to: stranger.keyFilePath)
        try stranger.write { try $0.keep(roster(hub)) }
        try stranger.write { try $0.put(table: "candidate", id: "inconnu-c01", fields: [("family_name", "X")]) }
        // Jonction does not write for a site the roster does not list; another program could.
        #expect(throws: BundleError.keysNotEnrolled(stranger.site)) { try stranger.sealedBundle(for: .hub) }
        let strangerRing = Keyring(keys: try keys(stranger), roster: try roster(hub))
        let crafted = try stranger.write { tx -> ChangeBundle in
            try tx.signPending(with: strangerRing)
            return try #require(try tx.makeBundle(for: .hub))
        }
        let craftedBytes = try crafted.sealed(by: keys(stranger), for: roster(hub).roster.hub, roster: roster(hub))
        #expect(throws: BundleError.unknownSender(stranger.site)) { try hub.importBundle(bytes: craftedBytes) }
        // A bundle carrying a roster signed by another hub.
        let otherHub = SiteKeys.generate(for: .hub)
        let fake = Roster(network: "", issuedAt: 1 << 40, hub: otherHub.identity, offices: [])
        let signedFake = SignedRoster(roster: fake, bytes: try fake.signed(with: otherHub))
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Sissoko")]) }
        let bundle = try #require(try kayes.sealedBundle(for: .hub)).bundle
        let bytes = try bundle.sealed(by: keys(kayes), for: roster(kayes).roster.hub, roster: signedFake)
        #expect(throws: BundleError.roster(.otherHub)) { try hub.importBundle(bytes: bytes) }
        // Keys made again on the office without enrolling them: it does not write what all would refuse.
        try FileManager.default.removeItem(atPath: kayes.keyFilePath)
        try SiteKeys.generate(for: kayes.site).write(to: kayes.keyFilePath)
        let error = #expect(throws: BundleError.keysNotEnrolled(kayes.site)) { try kayes.sealedBundle(for: .hub) }
        #expect(error?.message(.fr).contains("jonction hub enroll --identity") == true)
    }

    @Test("jonction check voit un segment du journal dont la signature ne correspond plus")
    func checkFindsAlteredSegments() throws {
        let (hub, kayes, _, _) = try network()
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Sissoko")]) }
        try hub.importBundle(bytes: kayes.sealedBundle(for: .hub)!.bytes)
        #expect(try hub.read { try $0.badlySignedSegments() }.isEmpty)
        #expect(try kayes.read { try $0.badlySignedSegments() }.isEmpty)
        // Someone edits the hub's SQLite file behind Jonction's back.
        let queue = try DatabaseQueue(path: hub.path)
        try queue.write { db in
            try db.execute(sql: "UPDATE log_segment SET signature = zeroblob(64) WHERE origin = 'kayes'")
        }
        try queue.close()
        let bad = try hub.read { try $0.badlySignedSegments() }
        #expect(bad.count == 1 && bad.first?.origin == kayes.site && bad.first?.seqs == 1...1)
    }

    @Test("une grande transaction est signée telle qu’elle est stockée ; les petites sont regroupées")
    func signingInPlaceAndGathering() throws {
        let (hub, kayes, _, _) = try network()
        try kayes.write { tx in
            for k in 0..<700 { try tx.put(table: "candidate", id: "kayes-c\(k)", fields: [("family_name", "Traoré"), ("status", "registered")]) }
        }
        for k in 0..<5 { try kayes.write { try $0.put(table: "candidate", id: "kayes-d\(k)", fields: [("family_name", "Keïta")]) } }
        let before = try kayes.read { try $0.status() }.logSegments
        #expect(before == 6)
        let sealed = try #require(try kayes.sealedBundle(for: .hub))
        // The large block kept its row and bytes; the five small ones became one segment.
        #expect(try kayes.read { try $0.status() }.logSegments == 2)
        #expect(sealed.bundle.blocks.count == 2 && sealed.bundle.blocks.map(\.count).max()! > 1000)
        #expect(try kayes.read { try $0.badlySignedSegments() }.isEmpty)
        #expect(try hub.importBundle(bytes: sealed.bytes).apply.applied == 1405)
        #expect(try hub.read { try $0.dumpJSON() } == kayes.read { try $0.dumpJSON() })
    }

    @Test("une transaction plus grande qu’un bloc : plusieurs segments, chacun signé tel qu’il est stocké")
    func largeTransactionIsCutIntoSegments() throws {
        let (hub, kayes, _, _) = try network()
        // 4,000 notes of 2,000 varied characters: about 8 MB of text, more than one segment aims at.
        var random = SeededGenerator(seed: 41)
        let letters = Array("abcdefghijklmnopqrstuvwxyzéèàç ")
        try kayes.write { tx in
            for k in 0..<4000 {
                let note = String((0..<2000).map { _ in letters[Int(random.next() % UInt64(letters.count))] })
                try tx.put(table: "candidate", id: "kayes-n\(k)", fields: [("family_name", "Traoré"), ("notes", note)])
            }
        }
        let blocks = try kayes.read { access in
            try Row.fetchAll(access.db, sql: "SELECT block, change_count FROM log_segment ORDER BY id")
        }
        #expect(blocks.count >= 2)
        var seq: UInt64 = 0
        for row in blocks {
            let block = [UInt8](row[0] as Data)
            #expect(block.count <= ReplicaTransaction.segmentBlockLimit)
            let changes = try ChangeBlock.decode(block)
            #expect(changes.count == row[1] as Int)
            // Each block is the next stretch of the one run of Kayes's seqs.
            #expect(changes.map(\.seq) == Array(seq + 1...seq + UInt64(changes.count)))
            seq += UInt64(changes.count)
        }
        #expect(seq == 8000)
        var bytes: [[UInt8]] = []
        for sealed in try kayes.sealedBundles(for: .hub) { bytes.append(sealed.bytes) }
        // Signed in place: the same rows, the same blocks.
        #expect(try kayes.read { try $0.status() }.logSegments == blocks.count)
        #expect(try kayes.read { try $0.badlySignedSegments() }.isEmpty)
        for b in bytes { _ = try hub.importBundle(bytes: b) }
        #expect(try hub.read { try $0.dumpJSON() } == kayes.read { try $0.dumpJSON() })
    }

    @Test("découper une suite de changements en blocs : au plus tant de changements, dans l’ordre")
    func segmentBlocksKeepOrderAndCount() throws {
        let changes = (1...1000).map { k in
            Change(origin: SiteName(unchecked: "kayes"), seq: UInt64(k), hlc: HLC(millis: 1_700_000_000_000 + UInt64(k), counter: 0),
                   table: "candidate", id: "kayes-c\(k / 3)", operation: .set(field: "family_name", value: .text("Traoré")))
        }
        let cut = SegmentBlocks.encode(changes[...], maximumChanges: 128)
        #expect(cut.map(\.range.count) == Array(repeating: 128, count: 7) + [104])
        #expect(try cut.flatMap { try ChangeBlock.decode($0.block) } == changes)
        #expect(SegmentBlocks.encode(changes[10..<20], maximumChanges: 4).map(\.range) == [10..<14, 14..<18, 18..<20])
    }
}
