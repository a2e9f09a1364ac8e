import Foundation
import GRDB
import Jonction
@testable import JonctionStore
import JonctionTestSupport
import Testing

@Suite("Réplica ouvert en lecture : rien n’est écrit, même sur un disque plein")
struct ReadOnlyReplicaTests {
    let dir = TemporaryDirectory("read-only")
    let clock = ManualClock()

    func makeReplica(_ site: String = "kayes") throws -> Replica {
        try Replica.create(at: dir.path("\(site).sqlite"), site: SiteName(site), clock: clock)
    }

    /// A digest of a file's bytes (FNV-1a, 64 bits): enough to see that it changed.
    func fnv1a(_ data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash, radix: 16)
    }

    /// Every file of the folder, with its size, modification time and contents.
    func listing() throws -> [String: String] {
        var files: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.url.path) {
            let path = dir.path(name)
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            let data = FileManager.default.contents(atPath: path) ?? Data()
            files[name] = "\(attributes[.size]!) \((attributes[.modificationDate] as! Date).timeIntervalSince1970) \(fnv1a(data))"
        }
        return files
    }

    @Test("ouvert en lecture, un réplica n’est pas écrit : fichiers, tailles, dates et octets identiques")
    func readingWritesNothing() throws {
        let replica = try makeReplica()
        try replica.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Traoré")]) }
        try replica.close()
        let backups = TemporaryDirectory("disk-backup")
        let before = try listing()
        // The clock of the file system ticks coarsely: a write would show in the bytes anyway.
        Thread.sleep(forTimeInterval: 0.05)
        let reader = try Replica.open(at: dir.path("kayes.sqlite"), mode: .readOnly, clock: clock)
        #expect(reader.site == SiteName(unchecked: "kayes"))
        #expect(try reader.read { try $0.status() }.vector[reader.site] == 1)
        #expect(try reader.read { try $0.dumpJSON() }.contains("Traoré"))
        #expect(try reader.read { try $0.checkIntegrity() }.isSound)
        try reader.backup(to: backups.path("copie.sqlite"))
        try reader.close()
        // The replica as it was, and no new file (SQLite's empty log and index, left by the writer's
        // pool, may have been removed by the last connection out).
        let after = try listing()
        #expect(after["kayes.sqlite"] == before["kayes.sqlite"])
        #expect(Set(after.keys).isSubset(of: before.keys))
        let copy = try Replica.open(at: backups.path("copie.sqlite"), mode: .readOnly, clock: clock)
        #expect(try copy.read { try $0.dumpJSON() }.contains("Traoré"))
        try copy.close()
    }

    @Test("ouvert en lecture, un réplica refuse d’écrire")
    func readingRefusesWrites() throws {
        try makeReplica().close()
        let reader = try Replica.open(at: dir.path("kayes.sqlite"), mode: .readOnly, clock: clock)
        defer { try? reader.close() }
        #expect(throws: StoreError.readOnly(path: reader.path)) {
            try reader.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Traoré")]) }
        }
    }

    @Test("un réplica d’avant la dernière migration s’ouvre en lecture : il est mis à jour d’abord, une fois")
    func readingAnOlderReplica() throws {
        let path = dir.path("old.sqlite")
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA application_id = \(Migrations.applicationID)") }
        try Migrations.migrator.migrate(queue, upTo: "v1-replica")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO replica (singleton, site, schema_version, created_at) VALUES (1, 'kayes', 1, 0)")
        }
        try queue.close()
        let reader = try Replica.open(at: path, mode: .readOnly, clock: clock)
        #expect(try reader.read { try Migrations.migrator.hasCompletedMigrations($0.db) })
        try reader.close()
    }

    @Test("un réplica plus récent est refusé aussi en lecture, sans être modifié")
    func readingANewerReplica() throws {
        let replica = try makeReplica()
        try replica.database.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-futur')") }
        try replica.close()
        let before = try listing()
        #expect(throws: StoreError.newerSchema(path: dir.path("kayes.sqlite"), unknownMigrations: ["v9-futur"])) {
            try Replica.open(at: dir.path("kayes.sqlite"), mode: .readOnly)
        }
        #expect(try listing()["kayes.sqlite"] == before["kayes.sqlite"])
    }
}
