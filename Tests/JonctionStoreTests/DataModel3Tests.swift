import Foundation
import GRDB
import Jonction
@testable import JonctionStore
import JonctionTestSupport
import Testing

/// protocol.md §2.1: data model version 3 adds `opportunity.teaches`; a replica of version 2 moves
/// to it without losing anything.
@Suite("Modèle de données 3 : ce qu’une formation enseigne")
struct DataModel3Tests {
    let dir = TemporaryDirectory("model3")

    @Test("un réplica du modèle 2 passe au modèle 3 : ses opportunités gardent tout et gagnent un champ vide")
    func migration() throws {
        let clock = ManualClock()
        let path = dir.path("old.sqlite")
        do {
            let hub = try Replica.create(at: path, site: .hub, clock: clock)
            try hub.write { try $0.put(table: "opportunity", id: "opp-09", fields: [("kind", "training"), ("title", "Boulangerie"), ("places", "4")]) }
            try hub.close()
        }
        // The replica as version 2 left it: no column, stamps for twelve fields.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            let stamps = try Data.fetchOne(db, sql: "SELECT _stamps FROM opportunity")!
            #expect(stamps.last == 0)
            try db.execute(sql: """
                ALTER TABLE opportunity DROP COLUMN teaches;
                DELETE FROM grdb_migrations WHERE identifier = 'v18-opportunity-teaches';
                UPDATE replica SET schema_version = 2;
                """)
            try db.execute(sql: "UPDATE opportunity SET _stamps = ?", arguments: [stamps.dropLast()])
        }
        try queue.close()

        let hub = try Replica.open(at: path, clock: clock)
        let record = try hub.read { try $0.get(table: "opportunity", id: "opp-09") }
        #expect(record.state[Schema.V1.opportunity.title] == .text("Boulangerie"))
        #expect(record.state[Schema.V1.opportunity.places] == .integer(4))
        #expect(record.state[Schema.V1.opportunity.teaches] == .null)
        #expect(try hub.read { try $0.checkIntegrity() }.isSound)
        #expect(try hub.read { try $0.status() }.schemaVersion == 3)
        try hub.write { try $0.put(table: "opportunity", id: "opp-09", fields: [("teaches", "Boulangerie, pâtisserie")]) }
        let again = try hub.read { try $0.get(table: "opportunity", id: "opp-09") }
        #expect(again.state[Schema.V1.opportunity.teaches] == .text("boulangerie;pâtisserie"))
    }

    @Test("le modèle 2 gelé est le modèle 3 sans « teaches », et la version d’un lot de changements en dépend")
    func versions() throws {
        #expect(Schema.current.version == 3 && Schema.version2.version == 2)
        let opportunity = try Schema.version2.table(named: "opportunity")
        #expect(opportunity.position(of: "teaches") == nil && opportunity.fields.count == 12)
        #expect(try Schema.current.table(named: "opportunity").position(of: "teaches") == 12)
        let hub = try SiteName("hub")
        func change(_ table: String, _ field: String) -> Change {
            Change(origin: hub, seq: 1, hlc: HLC(rawValue: 1 << 16), table: table, id: "x", operation: .set(field: field, value: .text("a")))
        }
        #expect(Schema.dataModelVersion(of: [change("opportunity", "title"), change("candidate", "skills")]) == 2)
        #expect(Schema.dataModelVersion(of: [change("opportunity", "title"), change("opportunity", "teaches")]) == 3)
    }
}
