import Foundation
import Jonction
import JonctionBundle
import JonctionHub
import JonctionStore
import JonctionTestSupport
import Testing

@Suite("Fusion nocturne : dossier d’arrivée, refus motivés, dossier de départ")
struct MergeJobTests {
    let dir = TemporaryDirectory("merge")

    /// A hub's replica with its keys, as `jonction init hub` makes it.
    func makeHub() throws -> Replica {
        let hub = try Replica.create(at: dir.path("hub.sqlite"), site: .hub)
        try SiteKeys.generate(for: .hub).write(to: hub.keyFilePath)
        return hub
    }

    func folder(_ name: String) throws -> URL {
        let url = dir.url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("un dossier avec un paquet abîmé et un paquet en attente ; relancée, la fusion ne refait rien")
    func nightly() throws {
        let hub = try makeHub()
        let kayes = try Replica.create(at: dir.path("kayes.sqlite"), site: SiteName("kayes"))
        let mopti = try Replica.create(at: dir.path("mopti.sqlite"), site: SiteName("mopti"))
        let gao = try Replica.create(at: dir.path("gao.sqlite"), site: SiteName("gao"))
        try LocalEnrolment.enrol([gao, kayes, mopti], at: hub)
        let inbox = try folder("arrivee"), outbox = try folder("depart")
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("status", "registered")]) }
        try mopti.write { try $0.put(table: "candidate", id: "mopti-c01", fields: [("status", "registered")]) }
        try hub.write { try $0.put(table: "opportunity", id: "opp-01", fields: [("kind", "training")]) }
        let bag = Mailbag(inbox)
        for office in [kayes, mopti] {
            let b = try office.sealedBundle(for: .hub)!
            try bag.write(b.bytes, name: Mailbag.fileName(for: b.bundle.header))
        }
        // Mopti's file arrived damaged; a second Kayes stick (seqs 2–2, made after an ack) waits for nothing missing…
        let moptiFile = try bag.files().first { $0.lastPathComponent.hasPrefix("mopti") }!
        var bytes = try Data(contentsOf: moptiFile)
        bytes[bytes.count - 1] ^= 1
        try bytes.write(to: moptiFile)
        // …and a stick from a Kayes that is ahead: its 2–2 needs 1 first — present in the same inbox.
        try kayes.write { try $0.remember(peer: .hub, Acknowledgement(vector: VersionVector([kayes.site: 1]), writtenAt: 1)) }
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c02", fields: [("status", "registered")]) }
        let later = try kayes.sealedBundle(for: .hub)!
        try bag.write(later.bytes, name: Mailbag.fileName(for: later.bundle.header))
        // And one whose predecessor never arrived: it waits.
        // (Its first stick, with seq 1, is lost on the way: segments travel whole, so the second
        // one holds 2 alone only if 1 was signed and sent before.)
        try gao.write { try $0.put(table: "candidate", id: "gao-c01", fields: [("status", "registered")]) }
        _ = try gao.sealedBundle(for: .hub)
        try gao.write { try $0.put(table: "candidate", id: "gao-c02", fields: [("status", "registered")]) }
        try gao.write { try $0.remember(peer: .hub, Acknowledgement(vector: VersionVector([gao.site: 1]), writtenAt: 1)) }
        let orphan = try gao.sealedBundle(for: .hub)!
        try bag.write(orphan.bytes, name: Mailbag.fileName(for: orphan.bundle.header))

        let summary = try MergeJob(replica: hub, inbox: inbox, outbox: outbox).run()
        #expect(summary.taken.count == 2)
        #expect(summary.refused.map(\.file) == [moptiFile.lastPathComponent])
        #expect(summary.pending.map(\.file) == [Mailbag.fileName(for: orphan.bundle.header)])
        #expect(summary.changesMerged == 2)
        let reason = try String(contentsOf: inbox.appendingPathComponent("rejected/\(moptiFile.lastPathComponent).raison.txt"), encoding: .utf8)
        #expect(reason.contains("modifié en chemin"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: inbox.appendingPathComponent("done").path).count == 2)
        #expect(try Mailbag(inbox).files().map(\.lastPathComponent) == [Mailbag.fileName(for: orphan.bundle.header)])
        // One bundle per enrolled office (Mopti's stick was refused, but Mopti is still enrolled).
        #expect(Set(summary.written.map(\.site.rawValue)) == ["gao", "kayes", "mopti"])
        let forKayes = try Mailbag(outbox.appendingPathComponent("kayes")).files()
        #expect(forKayes.count == 1)
        _ = try kayes.importFiles(forKayes)
        #expect(try kayes.read { try $0.state(table: "opportunity", id: "opp-01") } != nil)

        // Twice: nothing new taken, the outbox keeps one bundle per office.
        let again = try MergeJob(replica: hub, inbox: inbox, outbox: outbox).run()
        #expect(again.taken.isEmpty && again.refused.isEmpty && again.pending.count == 1)
        let written = try Mailbag(outbox.appendingPathComponent("kayes")).files()
        #expect(written.count == 1)
    }

    @Test("la clé d’un bureau révoqué ou inconnu est refusée avec la raison, et il ne reçoit rien")
    func senders() throws {
        let hub = try makeHub()
        let offices = try ["kayes", "gao", "inconnu"].map { try Replica.create(at: dir.path("\($0).sqlite"), site: SiteName($0)) }
        try LocalEnrolment.enrol(Array(offices.prefix(2)), at: hub)
        let hubKeys = try hub.hubKeyring().keys
        try hub.write {
            try $0.revokeOffice(SiteName("gao"))
            try $0.publishRoster(hubKeys: hubKeys)
        }
        // The stranger has keys and the hub's roster (a copied join file), but was never enrolled.
        try SiteKeys.generate(for: offices[2].site).write(to: offices[2].keyFilePath)
        try offices[2].write { try $0.keep(hub.hubKeyring().roster) }
        try hub.write { try $0.put(table: "opportunity", id: "opp-01", fields: [("kind", "training")]) }
        let inbox = try folder("arrivee"), outbox = try folder("depart")
        var files: [String: String] = [:]
        for office in offices {
            let name = office.site.rawValue
            try office.write { try $0.put(table: "candidate", id: "\(name)-c01", fields: [("status", "registered")]) }
            let bytes: [UInt8]
            if name == "inconnu" {
                // Jonction writes nothing for a site the roster does not list; another program could.
                let ring = Keyring(keys: try SiteKeys.read(from: office.keyFilePath), roster: try hub.hubKeyring().roster)
                let bundle = try office.write { tx -> ChangeBundle in
                    try tx.signPending(with: ring)
                    return try #require(try tx.makeBundle(for: .hub))
                }
                bytes = try bundle.sealed(by: ring.keys, for: ring.roster.roster.hub, roster: ring.roster)
            } else {
                bytes = try office.sealedBundle(for: .hub)!.bytes
            }
            files[name] = try FolderTransport(inbox).post(bytes).lastPathComponent
        }
        let summary = try MergeJob(replica: hub, inbox: inbox, outbox: outbox).run()
        #expect(summary.taken == [files["kayes"]!])
        #expect(Set(summary.refused.map(\.file)) == [files["gao"]!, files["inconnu"]!])
        #expect(try hub.read { try $0.vector() } == VersionVector([SiteName("kayes"): 1, .hub: 1]))
        let gaoReason = try String(contentsOf: inbox.appendingPathComponent("rejected/\(files["gao"]!).raison.txt"), encoding: .utf8)
        #expect(gaoReason.contains("révoqué le"))
        let strangerReason = try String(contentsOf: inbox.appendingPathComponent("rejected/\(files["inconnu"]!).raison.txt"), encoding: .utf8)
        #expect(strangerReason.contains("n’est pas un bureau inscrit") && strangerReason.contains("jonction hub enroll inconnu"))
        // Only the active office gets a bundle.
        #expect(summary.written.map(\.site.rawValue) == ["kayes"])
        #expect(!FileManager.default.fileExists(atPath: outbox.appendingPathComponent("gao").path))
        #expect(!FileManager.default.fileExists(atPath: outbox.appendingPathComponent("inconnu").path))
    }

    @Test("un dossier de départ impossible à créer : message clair, pas d’erreur interne")
    func outboxNotWritable() throws {
        let hub = try makeHub()
        let inbox = try folder("arrivee")
        let outbox = dir.url.appendingPathComponent("depart")
        try Data("un fichier, pas un dossier".utf8).write(to: outbox)
        let error = #expect(throws: MailbagError.self) { try MergeJob(replica: hub, inbox: inbox, outbox: outbox).run() }
        #expect(error?.message(.fr).contains("Impossible d’écrire dans \(outbox.path)") == true)
    }

    @Test("une seule fusion à la fois")
    func lock() throws {
        let hub = try makeHub()
        let inbox = try folder("arrivee"), outbox = try folder("depart")
        let fd = open(dir.path("hub.sqlite.merge-lock"), O_RDWR | O_CREAT, 0o644)
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        let error = #expect(throws: MergeJobError.self) { try MergeJob(replica: hub, inbox: inbox, outbox: outbox).run() }
        #expect(error?.message(.fr).contains("déjà en cours") == true)
        flock(fd, LOCK_UN)
        close(fd)
        #expect(throws: Never.self) { try MergeJob(replica: hub, inbox: inbox, outbox: outbox).run() }
    }

    @Test("si le tour de rapprochement échoue, les paquets des bureaux sont quand même écrits")
    func matchingFailureStillWritesOutbox() throws {
        struct Boom: Error {}
        let hub = try makeHub()
        let kayes = try Replica.create(at: dir.path("kayes.sqlite"), site: SiteName("kayes"))
        try LocalEnrolment.enrol([kayes], at: hub)
        let inbox = try folder("arrivee"), outbox = try folder("depart")
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("status", "registered")]) }
        let b = try kayes.sealedBundle(for: .hub)!
        try Mailbag(inbox).write(b.bytes, name: Mailbag.fileName(for: b.bundle.header))
        try hub.write { try $0.put(table: "opportunity", id: "opp-01", fields: [("kind", "training")]) }
        let summary = try MergeJob(replica: hub, inbox: inbox, outbox: outbox, beforeOutbox: { _ in throw Boom() }).run()
        #expect(summary.beforeOutboxFailure is Boom)
        #expect(summary.taken.count == 1)
        #expect(summary.written.map(\.site.rawValue) == ["kayes"])
        let written = try Mailbag(outbox.appendingPathComponent("kayes")).files()
        #expect(written.count == 1)
    }

    @Test("un fichier illisible, trop gros, tronqué, abîmé ou vide va dans rejected/ avec sa raison ; les bons passent")
    func unreadableFiles() throws {
        let hub = try makeHub()
        let kayes = try Replica.create(at: dir.path("kayes.sqlite"), site: SiteName("kayes"))
        try LocalEnrolment.enrol([kayes], at: hub)
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("status", "registered")]) }
        let inbox = try folder("arrivee"), outbox = try folder("depart")
        let good = try kayes.sealedBundle(for: .hub)!
        let bytes = good.bytes
        try Mailbag(inbox).write(bytes, name: Mailbag.fileName(for: good.bundle.header))
        func file(_ name: String) -> URL { inbox.appendingPathComponent(name) }
        // 1.1 GB (sparse: nothing is read, so nothing is spent), cut short, one byte damaged, empty.
        try Data(bytes).write(to: file("enorme.jnb"))
        let handle = try FileHandle(forWritingTo: file("enorme.jnb"))
        try handle.truncate(atOffset: 1_100_000_000)
        try handle.close()
        try Data(bytes.prefix(bytes.count / 2)).write(to: file("coupe.jnb"))
        var damaged = bytes
        damaged[damaged.count - 40] ^= 1
        try Data(damaged).write(to: file("abime.jnb"))
        try Data().write(to: file("vide.jnb"))
        // Not a file at all: a folder, a link to nowhere.
        try FileManager.default.createDirectory(at: file("dossier.jnb"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: file("lien.jnb").path, withDestinationPath: dir.path("nulle-part"))

        let summary = try MergeJob(replica: hub, inbox: inbox, outbox: outbox).run()
        #expect(summary.taken == [Mailbag.fileName(for: good.bundle.header)])
        #expect(Set(summary.refused.map(\.file)) == ["abime.jnb", "coupe.jnb", "dossier.jnb", "enorme.jnb", "lien.jnb", "vide.jnb"])
        let rejected = inbox.appendingPathComponent("rejected")
        let reasons = [
            "enorme.jnb": "fichier trop gros", "coupe.jnb": "paquet incomplet", "abime.jnb": "modifié en chemin",
            "vide.jnb": "n’est pas un paquet Jonction", "dossier.jnb": "Impossible de lire", "lien.jnb": "Impossible de lire",
        ]
        for (name, reason) in reasons {
            #expect(FileManager.default.fileExists(atPath: rejected.appendingPathComponent(name).path) || name == "lien.jnb"
                    && (try? FileManager.default.destinationOfSymbolicLink(atPath: rejected.appendingPathComponent(name).path)) != nil,
                    "\(name)")
            let text = try String(contentsOf: rejected.appendingPathComponent("\(name).raison.txt"), encoding: .utf8)
            #expect(text.contains(reason) && text.contains("(English)"), "\(name): \(text)")
        }
        #expect(try Mailbag(inbox).files().isEmpty)
        #expect(try hub.read { try $0.vector() }[SiteName("kayes")] == 1)
    }
}
