import Foundation
import GRDB
import Jonction
@testable import JonctionStore
import JonctionTestSupport
import Testing

@Suite("Réplica : fichier SQLite, journal, écritures atomiques")
struct ReplicaTests {
    let dir = TemporaryDirectory("replica")
    let clock = ManualClock()

    func makeReplica(_ site: String = "kayes", file: String = "office.sqlite") throws -> Replica {
        try Replica.create(at: dir.path(file), site: SiteName(site), clock: clock)
    }

    func bytes(_ path: String) -> Data { FileManager.default.contents(atPath: path) ?? Data() }

    func tableNames(_ replica: Replica) throws -> Set<String> {
        Set(try replica.read { try String.fetchAll($0.db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") })
    }

    @Test("les fiches vivantes se lisent par identifiant, quels que soient les index (l’appariement en dépend pour ses égalités)")
    func liveRecordsInIDOrder() throws {
        let replica = try makeReplica()
        // Regions in another order than the ids: an index on the region must not decide the order.
        try replica.write { tx in
            for (k, region) in ["Mopti", "Bamako", "Kayes", "Gao", "Ségou", "Kidal"].enumerated() {
                try tx.put(table: "candidate", id: "kayes-c\(k)", fields: [("family_name", "Traoré"), ("region", region)])
            }
            try tx.delete(table: "candidate", id: "kayes-c4")
        }
        let ids = try replica.read { try $0.liveRecords(table: "candidate") }.map(\.id)
        #expect(ids == ["kayes-c0", "kayes-c1", "kayes-c2", "kayes-c3", "kayes-c5"])
    }

    @Test("les tables du pôle n’existent que dans le réplica du pôle")
    func hubTablesAtTheHubOnly() throws {
        let office = try makeReplica("kayes", file: "kayes.sqlite")
        let hub = try makeReplica("hub", file: "hub.sqlite")
        #expect(try tableNames(office).isDisjoint(with: ["office", "match_round"]))
        #expect(try tableNames(hub).isSuperset(of: ["office", "match_round"]))
        #expect(try tableNames(hub).subtracting(tableNames(office)) == ["office", "office_retired_key", "office_region", "match_round"])
    }

    @Test("un réplica de bureau d’avant la migration v4 s’ouvre et perd ses tables du pôle vides")
    func olderOfficeReplicaOpens() throws {
        let path = dir.path("old.sqlite")
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA application_id = \(Migrations.applicationID)") }
        try Migrations.migrator.migrate(queue, upTo: "v3-match-rounds")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO replica (singleton, site, schema_version, created_at) VALUES (1, 'kayes', 1, ?)",
                           arguments: [Int64(clock.nowMillis())])
        }
        try queue.close()
        let replica = try Replica.open(at: path, clock: clock)
        #expect(try tableNames(replica).isDisjoint(with: ["office", "match_round"]))
        try replica.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Traoré")]) }
        #expect(try replica.read { try $0.vector() }[replica.site] == 1)
    }

    @Test("une transaction compose des écritures locales et une fusion, tout ou rien")
    func compositeTransaction() throws {
        let kayes = try makeReplica("kayes", file: "kayes.sqlite")
        let hub = try makeReplica("hub", file: "hub.sqlite")
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Traoré")]) }
        let received = try kayes.read { try $0.changes(since: VersionVector()) }
        // Local writes, a merge and local writes again, in one transaction: the seqs follow each other.
        let changes = try hub.write { tx -> [Change] in
            try tx.put(table: "employer", id: "emp-01", fields: [("name", "Bâtir Sahel SARL")])
            try tx.merge(received, receivedFrom: kayes.site)
            try tx.put(table: "candidate", id: "kayes-c01", fields: [("status", "trained")])
            return try tx.log(origin: .hub)
        }
        #expect(changes.map(\.seq) == [1, 2])
        #expect(try hub.read { try $0.vector() } == VersionVector([.hub: 2, kayes.site: 1]))
        // A failure after a merge undoes the merge too.
        let before = try hub.read { try $0.recordSet() }
        try kayes.write { try $0.put(table: "candidate", id: "kayes-c02", fields: [("family_name", "Diarra")]) }
        let more = try kayes.read { try $0.changes(origin: kayes.site, seqs: 2...2) }
        #expect(throws: SchemaError.self) {
            try hub.write { tx in
                try tx.merge(more, receivedFrom: kayes.site)
                try tx.put(table: "candidate", id: "kayes-c02", fields: [("birth_year", "abc")])
            }
        }
        #expect(try hub.read { try $0.recordSet() } == before)
    }

    @Test("l’écriture locale refuse ce que tout destinataire refuserait, sans rien écrire", arguments: [
        ("proposal", "round", Value.integer(1_000_001)),
        ("employer", "name", Value.text(String(repeating: "🇲🇱", count: 120))),
        ("candidate", "sex", Value.text("f")),
    ])
    func writerChecksLikeReceivers(table: String, field: String, value: Value) throws {
        let replica = try makeReplica("hub", file: "hub.sqlite")
        #expect(throws: SchemaError.self) { try replica.write { try $0.set(table: table, id: "x-1", fields: [(field, value)]) } }
        #expect(try replica.read { try $0.vector() }.total == 0)
        // …and the same value is what a receiver refuses.
        let change = Change(origin: try SiteName("kayes"), seq: 1, hlc: HLC(millis: 1), table: table, id: "x-1",
                            operation: .set(field: field, value: value), previous: nil)
        #expect(throws: StoreError.self) { try replica.write { try $0.merge([change]) } }
    }

    @Test("des tampons ou une pierre tombale abîmés : réplica signalé endommagé, jamais lu comme « jamais écrit »",
          arguments: ["_stamps = x'0102'", "_stamps = x''", "_tombstone = x'00'", "_tombstone = x'00000000000000000000'"])
    func damagedStamps(damage: String) throws {
        let replica = try makeReplica()
        try replica.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Traoré")]) }
        try replica.write { try $0.db.execute(sql: "UPDATE candidate SET \(damage) WHERE id = 'kayes-c01'") }
        #expect(throws: StoreError.corrupt(path: replica.path)) { try replica.read { try $0.get(table: "candidate", id: "kayes-c01") } }
        if damage.hasPrefix("_stamps") {
            #expect(throws: StoreError.corrupt(path: replica.path)) { try replica.read { try $0.dumpJSON() } }
        }
        #expect(throws: StoreError.corrupt(path: replica.path)) { try replica.read { try $0.recordSet() } }
        #expect(throws: StoreError.corrupt(path: replica.path)) {
            try replica.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("status", "trained")]) }
        }
        #expect(try replica.read { try $0.vector() }[replica.site] == 1)
    }

    @Test("check : un réplica sain est intact ; une fiche modifiée hors journal, un journal amputé sont signalés")
    func integrity() throws {
        let replica = try makeReplica()
        try replica.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Traoré"), ("status", "registered")]) }
        try replica.write { try $0.put(table: "candidate", id: "kayes-c02", fields: [("family_name", "Diarra")]) }
        try replica.write { try $0.delete(table: "candidate", id: "kayes-c02") }
        var report = try replica.read { try $0.checkIntegrity() }
        #expect(report.isSound && report.changes == 4 && report.records == 2)
        // A value changed behind the log's back.
        try replica.write { try $0.db.execute(sql: "UPDATE candidate SET family_name = 'Keïta' WHERE id = 'kayes-c01'") }
        report = try replica.read { try $0.checkIntegrity() }
        #expect(report.differingRecords == ["candidate/kayes-c01"] && report.logGaps.isEmpty)
        // A segment of the log lost.
        try replica.write { try $0.db.execute(sql: "DELETE FROM log_range WHERE first_seq = 3") }
        report = try replica.read { try $0.checkIntegrity() }
        #expect(report.logGaps == [replica.site])
        #expect(!report.isSound)
    }

    @Test("backup : une copie cohérente et complète pendant les écritures ; jamais d’écrasement")
    func backup() throws {
        let replica = try makeReplica()
        for i in 0..<50 {
            try replica.write { try $0.put(table: "candidate", id: "kayes-c\(i)", fields: [("family_name", "Traoré")]) }
        }
        let target = dir.path("copie.sqlite")
        // Writes go on from another thread while the copy is made.
        let writer = Thread {
            for i in 50..<150 { try? replica.write { try $0.put(table: "candidate", id: "kayes-c\(i)", fields: [("family_name", "Diarra")]) } }
        }
        writer.start()
        try replica.backup(to: target)
        let copy = try Replica.open(at: target, clock: clock)
        let report = try copy.read { try $0.checkIntegrity() }
        #expect(report.isSound)
        let copied = try copy.read { try $0.vector() }[replica.site]
        #expect(report.changes >= 50 && UInt64(report.changes) == copied)
        #expect(copy.site == replica.site)
        try copy.close()
        #expect(throws: StoreError.replicaExists(path: target)) { try replica.backup(to: target) }
        #expect(throws: StoreError.directoryMissing(path: dir.path("absent"))) { try replica.backup(to: dir.path("absent/copie.sqlite")) }
        while writer.isExecuting || !writer.isFinished { Thread.sleep(forTimeInterval: 0.01) }
    }

    @Test("init crée le réplica ; un fichier existant n’est jamais écrasé")
    func createNeverClobbers() throws {
        let replica = try makeReplica()
        #expect(replica.site.rawValue == "kayes")
        try replica.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Traoré")]) }
        try replica.close()
        let before = bytes(dir.path("office.sqlite"))
        #expect(throws: StoreError.replicaExists(path: dir.path("office.sqlite"))) { try makeReplica("mopti") }
        #expect(bytes(dir.path("office.sqlite")) == before)
        let reopened = try Replica.open(at: dir.path("office.sqlite"), clock: clock)
        #expect(reopened.site.rawValue == "kayes")
        #expect(try reopened.read { try $0.get(table: "candidate", id: "kayes-c01") }.state[Schema.V1.candidate.familyName] == .text("Traoré"))
        // Nothing left behind by the creation.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).allSatisfy { $0.hasPrefix("office.sqlite") })
    }

    @Test("un fichier qui n’est pas un réplica est refusé et laissé intact",
          arguments: ["texte", "vide", "sqlite-étranger"])
    func notAReplica(kind: String) throws {
        let path = dir.path("autre.db")
        switch kind {
        case "texte": try Data("Nom;Prénom\nTraoré;Awa\n".utf8).write(to: URL(fileURLWithPath: path))
        case "vide": FileManager.default.createFile(atPath: path, contents: Data())
        default:
            let queue = try DatabaseQueue(path: path)
            try queue.write { try $0.execute(sql: "CREATE TABLE compta (id INTEGER PRIMARY KEY, montant INTEGER)") }
            try queue.close()
        }
        let before = bytes(path)
        #expect(throws: StoreError.notAReplica(path: path)) { try Replica.open(at: path) }
        #expect(bytes(path) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test("un réplica écrit par une version plus récente est refusé")
    func newerSchema() throws {
        let replica = try makeReplica()
        try replica.database.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-futur')")
        }
        try replica.close()
        #expect(throws: StoreError.newerSchema(path: dir.path("office.sqlite"), unknownMigrations: ["v9-futur"])) {
            try Replica.open(at: dir.path("office.sqlite"))
        }
    }

    @Test("un réplica absent : message qui dit comment le créer")
    func missing() {
        let error = #expect(throws: StoreError.self) { try Replica.open(at: dir.path("absent.sqlite")) }
        #expect(error?.message(.fr).contains("jonction init --db") == true)
    }

    @Test("les tables matérialisées suivent le schéma v1, colonnes typées")
    func materializedMatchesSchema() throws {
        let replica = try makeReplica()
        try replica.database.read { db in
            for table in Schema.current.tables {
                let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(\(table.name))").map { ($0["name"] as String, $0["type"] as String) }
                var expected = [("id", "TEXT")]
                for f in table.fields { expected.append((f.name, f.type.isInteger ? "INTEGER" : "TEXT")) }
                expected += [("_stamps", "BLOB"), ("_tombstone", "BLOB")]
                #expect(columns.map(\.0) == expected.map(\.0), "\(table.name)")
                #expect(columns.map(\.1) == expected.map(\.1), "\(table.name)")
            }
        }
    }

    @Test("chaque table matérialisée a ses déclencheurs de toucher (insertion, mise à jour, suppression) : aucune écriture n’échappe aux livraisons par périmètre")
    func touchTriggersCoverEveryTable() throws {
        let replica = try makeReplica()
        try replica.database.read { db in
            let triggers = Set(try Row.fetchAll(db, sql: "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'scope_touch_%'")
                .map { "\($0["tbl_name"] as String).\($0["name"] as String)" })
            var expected = Set<String>()
            for table in Schema.current.tables {
                for event in ["insert", "update", "delete"] { expected.insert("\(table.name).scope_touch_\(table.name)_\(event)") }
            }
            #expect(triggers == expected)
        }
    }

    @Test("écrire, lire, supprimer ; le journal enchaîne les numéros et les tampons précédents")
    func writeReadDelete() throws {
        let replica = try makeReplica()
        let created = try replica.write { try $0.put(table: "candidate", id: "kayes-c01",
                                      fields: [("family_name", "Traoré"), ("sex", "f"), ("region", "kayes")]) }
        #expect(created.map(\.seq) == [1, 2, 3])
        #expect(created.allSatisfy { $0.previous == nil })
        clock.advance(by: 1000)
        let updated = try replica.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("sex", "F"), ("region", "Mopti")]) }
        // Rewriting an equal value is a change too: it asserts the value over concurrent writes.
        #expect(updated.map(\.previous) == [created[1].stamp, created[2].stamp])
        #expect(updated[0].hlc == HLC(millis: clock.nowMillis()))
        #expect(try replica.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("notes", "")]) }.isEmpty)

        let record = try replica.read { try $0.get(table: "candidate", id: "kayes-c01") }
        #expect(record.fields.map(\.value) == [.text("Traoré"), .text("F"), .text("Mopti")])

        let deletion = try replica.write { try $0.delete(table: "candidate", id: "kayes-c01") }
        #expect(deletion.previous == updated[1].stamp)
        #expect(throws: StoreError.recordDeleted(table: "candidate", id: "kayes-c01", by: deletion.stamp)) {
            try replica.read { try $0.get(table: "candidate", id: "kayes-c01") }
        }
        #expect(throws: StoreError.recordDeleted(table: "candidate", id: "kayes-c01", by: deletion.stamp)) {
            try replica.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("status", "placed")]) }
        }
        #expect(throws: StoreError.recordNotFound(table: "candidate", id: "kayes-c99")) {
            try replica.write { try $0.delete(table: "candidate", id: "kayes-c99") }
        }
        let log = try replica.read { try $0.log() }
        #expect(log.map(\.seq) == [1, 2, 3, 4, 5, 6])
        #expect(log == created + updated + [deletion])
        #expect(try replica.read { try $0.vector() } == VersionVector([replica.site: 6]))
        let status = try replica.read { try $0.status() }
        #expect(status.tables.first { $0.table == "candidate" }.map { ($0.live, $0.deleted) } ?? (9, 9) == (0, 1))
        #expect(try replica.read { try $0.dumpJSON() } == #"{"candidate":{},"employer":{},"opportunity":{},"placement":{},"proposal":{}}"#)
    }

    @Test("une transaction qui échoue n’écrit rien")
    func atomicWrites() throws {
        let replica = try makeReplica()
        try replica.write { try $0.put(table: "employer", id: "emp-01", fields: [("name", "Bâtir Sahel SARL")]) }
        let before = try replica.read { try $0.recordSet() }
        #expect(throws: SchemaError.self) {
            try replica.write { w in
                try w.put(table: "employer", id: "emp-01", fields: [("name", "Autre nom")])
                try w.put(table: "candidate", id: "kayes-c02", fields: [("family_name", "Diarra")])
                try w.put(table: "candidate", id: "kayes-c02", fields: [("birth_year", "abc")])
            }
        }
        #expect(try replica.read { try $0.recordSet() } == before)
        #expect(try replica.read { try $0.vector() }[replica.site] == 1)
        #expect(try replica.read { try $0.log() }.count == 1)
    }

    @Test("disque plein : erreur claire, rien d’écrit, le réplica reste utilisable")
    func diskFull() throws {
        let replica = try makeReplica()
        try replica.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("family_name", "Traoré")]) }
        let before = try replica.read { try $0.recordSet() }
        try replica.database.write { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count")!
            try db.execute(sql: "PRAGMA max_page_count = \(pages + 2)")
        }
        let error = #expect(throws: StoreError.diskFull(path: replica.path)) {
            try replica.write { w in
                for i in 0..<2000 {
                    try w.put(table: "candidate", id: "kayes-x\(i)", fields: [("notes", String(repeating: "n", count: 500))])
                }
            }
        }
        #expect(error?.message(.fr).contains("Libérez de l’espace") == true)
        #expect(try replica.read { try $0.recordSet() } == before)
        #expect(try replica.read { try $0.vector() }[replica.site] == 1)
        try replica.write { try $0.put(table: "candidate", id: "kayes-c01", fields: [("status", "trained")]) }
        #expect(try replica.read { try $0.vector() }[replica.site] == 2)
    }

    @Test("le jeu de données Fixtures se charge et se relit à l’identique")
    func fixtures() throws {
        let dataset = try Dataset(json: Data(contentsOf: fixturesDirectory.appendingPathComponent("dataset.json")), path: "dataset.json")
        #expect(dataset.records.filter { $0.table == "candidate" }.count == 60)
        #expect(dataset.records.filter { $0.table == "employer" }.count == 10)
        #expect(dataset.records.filter { $0.table == "opportunity" }.count == 15)
        let replica = try makeReplica("hub")
        let written = try replica.write { try $0.insert(dataset) }
        #expect(written == dataset.records.reduce(0) { $0 + $1.fields.count })
        // The dump has the shape of the data set: same records, same values.
        let original = try JSONSerialization.jsonObject(with: Data(contentsOf: fixturesDirectory.appendingPathComponent("dataset.json"))) as! NSDictionary
        let dumped = try JSONSerialization.jsonObject(with: Data(try replica.read { try $0.dumpJSON() }.utf8)) as! NSDictionary
        for table in ["candidate", "employer", "opportunity"] {
            #expect(dumped[table] as? NSDictionary == original[table] as? NSDictionary, "\(table)")
        }
    }
}
