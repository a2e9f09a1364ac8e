import Foundation
import GRDB
import Jonction

/// The replica's schema history. Each migration is registered once, by name, and never edited after
/// it lands: a change to the storage is a new migration (STYLE §8). A test checks that the tables
/// these create match `Schema.current`.
enum Migrations {
    /// `PRAGMA application_id` of every replica: "JNCT". Identifies our files before anything is written.
    static let applicationID: Int32 = 0x4A4E_4354

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-replica", migrate: v1)
        migrator.registerMigration("v2-offices", migrate: v2)
        migrator.registerMigration("v3-match-rounds", migrate: v3)
        migrator.registerMigration("v4-hub-tables-at-hub-only", migrate: v4)
        migrator.registerMigration("v5-data-model-2", migrate: v5)
        migrator.registerMigration("v6-restoring", migrate: v6)
        migrator.registerMigration("v7-office-keys", migrate: v7)
        migrator.registerMigration("v8-signed-log", migrate: v8)
        migrator.registerMigration("v9-office-regions", migrate: v9)
        migrator.registerMigration("v10-erasure", migrate: v10)
        migrator.registerMigration("v11-users", migrate: v11)
        migrator.registerMigration("v12-withheld-values", migrate: v12)
        migrator.registerMigration("v13-scoped-replication", migrate: v13)
        migrator.registerMigration("v14-candidate-search", migrate: v14)
        migrator.registerMigration("v15-office-application", migrate: v15)
        migrator.registerMigration("v16-merge-runs", migrate: v16)
        migrator.registerMigration("v17-search-index-2", migrate: v17)
        migrator.registerMigration("v18-opportunity-teaches", migrate: v18)
        migrator.registerMigration("v19-candidate-region-index", migrate: v19)
        migrator.registerMigration("v20-scope-touches", migrate: v20)
        return migrator
    }

    /// The candidates' search index, first form (replaced by v17): per live candidate, an entry
    /// (`candidate_search_entry`: its order by name and the fields searches filter on) and its
    /// keys (`candidate_search`: folded words, phonetic keys and phone digits, `SearchKey.keys`),
    /// looked up by prefix ranges.
    ///
    /// Kept exact by triggers in plain SQL, whatever changes the `candidate` table (a local write, a
    /// merge, a scope drop, an erasure, even another program): a row inserted, replaced, updated or
    /// deleted loses its entry and keys at once, and an inserted or updated one is queued in
    /// `candidate_search_pending`, whose keys `SearchIndex.refresh` computes before every write
    /// transaction commits (`Replica.write`) and when a replica is opened to write. What a record
    /// no longer holds is never left in the index; its deleted cells are zeroed (`secure_delete`).
    ///
    /// The existing candidates are queued here, and indexed as the replica opens (`Replica.open`).
    /// New key rules would be a new migration that queues every candidate again.
    private static func v14(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE candidate_search_entry (
                num INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                region TEXT,
                status TEXT,
                sex TEXT
            ) STRICT;
            CREATE INDEX candidate_search_entry_name ON candidate_search_entry (name, id);
            CREATE TABLE candidate_search (
                key TEXT NOT NULL,
                num INTEGER NOT NULL,
                PRIMARY KEY (key, num)
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX candidate_search_num ON candidate_search (num);
            CREATE TABLE candidate_search_pending (
                id TEXT NOT NULL PRIMARY KEY
            ) STRICT, WITHOUT ROWID;

            CREATE TRIGGER candidate_search_delete AFTER DELETE ON candidate BEGIN
                DELETE FROM candidate_search WHERE num = (SELECT num FROM candidate_search_entry WHERE id = OLD.id);
                DELETE FROM candidate_search_entry WHERE id = OLD.id;
                DELETE FROM candidate_search_pending WHERE id = OLD.id;
            END;
            CREATE TRIGGER candidate_search_insert AFTER INSERT ON candidate BEGIN
                DELETE FROM candidate_search WHERE num = (SELECT num FROM candidate_search_entry WHERE id = NEW.id);
                DELETE FROM candidate_search_entry WHERE id = NEW.id;
                INSERT INTO candidate_search_pending (id) SELECT NEW.id
                    WHERE NOT EXISTS (SELECT 1 FROM candidate_search_pending WHERE id = NEW.id);
            END;
            CREATE TRIGGER candidate_search_update
                AFTER UPDATE OF id, family_name, given_names, phone, region, status, sex, _tombstone ON candidate BEGIN
                DELETE FROM candidate_search WHERE num = (SELECT num FROM candidate_search_entry WHERE id = OLD.id);
                DELETE FROM candidate_search_entry WHERE id = OLD.id;
                DELETE FROM candidate_search WHERE num = (SELECT num FROM candidate_search_entry WHERE id = NEW.id);
                DELETE FROM candidate_search_entry WHERE id = NEW.id;
                INSERT INTO candidate_search_pending (id) SELECT NEW.id
                    WHERE NOT EXISTS (SELECT 1 FROM candidate_search_pending WHERE id = NEW.id);
            END;

            INSERT INTO candidate_search_pending (id) SELECT id FROM candidate WHERE _tombstone IS NULL;
            """)
    }

    /// The office application (`jonction serve`), all of it local to the site, never sent: the
    /// users' password hashes (bcrypt), which conflicts a person has reviewed, and the journal of
    /// exchanges (when, with whom, by which route, what came of it) that the home page shows.
    private static func v15(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE user_password (
                name TEXT NOT NULL PRIMARY KEY REFERENCES site_user(name),
                hash TEXT NOT NULL,
                set_at INTEGER NOT NULL
            ) STRICT, WITHOUT ROWID;
            CREATE TABLE conflict_review (
                conflict_id INTEGER NOT NULL PRIMARY KEY,
                reviewed_at INTEGER NOT NULL,
                reviewed_by TEXT
            ) STRICT;
            CREATE TABLE exchange_journal (
                id INTEGER NOT NULL PRIMARY KEY,
                at INTEGER NOT NULL,
                peer TEXT,
                route TEXT NOT NULL,
                direction TEXT NOT NULL,
                changes INTEGER NOT NULL,
                refused INTEGER NOT NULL,
                detail TEXT
            ) STRICT;
            """)
    }

    /// The hub's nightly merge runs, for its monitoring (`GET /metrics`). Local, never sent.
    private static func v16(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE merge_run (
                id INTEGER NOT NULL PRIMARY KEY,
                at INTEGER NOT NULL,
                ms INTEGER NOT NULL,
                taken INTEGER NOT NULL,
                refused INTEGER NOT NULL,
                changes INTEGER NOT NULL,
                conflicts INTEGER NOT NULL,
                succeeded INTEGER NOT NULL
            ) STRICT;
            """)
    }

    /// The candidates' search index, second form (replaces v14's): per live candidate, an entry
    /// (`candidate_search_entry`: its order by name, the fields searches filter on, and the list of
    /// its keys as a JSON array) and its keys (`candidate_search`: folded words, phonetic keys and
    /// phone digits, `SearchKey.keys`), looked up by prefix ranges.
    ///
    /// Kept exact by triggers in plain SQL, whatever changes the `candidate` table (a local write, a
    /// merge, a scope drop, an erasure, even another program): a row deleted, or whose names, phone
    /// or tombstone change, loses its entry and keys at once (the entry lists them), and an inserted
    /// or changed one is queued in `candidate_search_pending`, whose keys `SearchIndex.refresh`
    /// computes before every write transaction commits (`Replica.write`) and when a replica is
    /// opened to write (a queued record that still has an entry, replaced by another program, loses
    /// it first); a change of region, status or sex only is copied to the entry. What a record no
    /// longer holds is never left in the index; its deleted cells are zeroed (`secure_delete`).
    ///
    /// v14's triggers and tables are dropped (their keys followed older rules), the existing
    /// candidates are queued here and indexed as the replica opens (`Replica.open`). New key rules
    /// would be a new migration that queues every candidate again.
    private static func v17(_ db: Database) throws {
        try db.execute(sql: """
            DROP TRIGGER IF EXISTS candidate_search_delete;
            DROP TRIGGER IF EXISTS candidate_search_insert;
            DROP TRIGGER IF EXISTS candidate_search_update;
            DROP TABLE candidate_search;
            DROP TABLE candidate_search_entry;
            DROP TABLE candidate_search_pending;

            CREATE TABLE candidate_search_entry (
                num INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                region TEXT,
                status TEXT,
                sex TEXT,
                keys TEXT NOT NULL
            ) STRICT;
            CREATE INDEX candidate_search_entry_name ON candidate_search_entry (name, id);
            CREATE TABLE candidate_search (
                key TEXT NOT NULL,
                num INTEGER NOT NULL,
                PRIMARY KEY (key, num)
            ) STRICT, WITHOUT ROWID;
            CREATE TABLE candidate_search_pending (
                id TEXT NOT NULL PRIMARY KEY
            ) STRICT, WITHOUT ROWID;

            CREATE TRIGGER candidate_search_delete AFTER DELETE ON candidate BEGIN
                DELETE FROM candidate_search WHERE num = (SELECT num FROM candidate_search_entry WHERE id = OLD.id)
                    AND key IN (SELECT value FROM json_each((SELECT keys FROM candidate_search_entry WHERE id = OLD.id)));
                DELETE FROM candidate_search_entry WHERE id = OLD.id;
                DELETE FROM candidate_search_pending WHERE id = OLD.id;
            END;
            CREATE TRIGGER candidate_search_insert AFTER INSERT ON candidate BEGIN
                INSERT INTO candidate_search_pending (id) SELECT NEW.id
                    WHERE NOT EXISTS (SELECT 1 FROM candidate_search_pending WHERE id = NEW.id);
            END;
            CREATE TRIGGER candidate_search_update AFTER UPDATE ON candidate
                WHEN OLD.id IS NOT NEW.id OR OLD.family_name IS NOT NEW.family_name OR OLD.given_names IS NOT NEW.given_names
                    OR OLD.phone IS NOT NEW.phone OR OLD._tombstone IS NOT NEW._tombstone BEGIN
                DELETE FROM candidate_search WHERE num = (SELECT num FROM candidate_search_entry WHERE id = OLD.id)
                    AND key IN (SELECT value FROM json_each((SELECT keys FROM candidate_search_entry WHERE id = OLD.id)));
                DELETE FROM candidate_search_entry WHERE id = OLD.id;
                DELETE FROM candidate_search WHERE num = (SELECT num FROM candidate_search_entry WHERE id = NEW.id)
                    AND key IN (SELECT value FROM json_each((SELECT keys FROM candidate_search_entry WHERE id = NEW.id)));
                DELETE FROM candidate_search_entry WHERE id = NEW.id;
                INSERT INTO candidate_search_pending (id) SELECT NEW.id
                    WHERE NOT EXISTS (SELECT 1 FROM candidate_search_pending WHERE id = NEW.id);
            END;
            CREATE TRIGGER candidate_search_filters AFTER UPDATE ON candidate
                WHEN OLD.id IS NEW.id AND OLD.family_name IS NEW.family_name AND OLD.given_names IS NEW.given_names
                    AND OLD.phone IS NEW.phone AND OLD._tombstone IS NEW._tombstone
                    AND (OLD.region IS NOT NEW.region OR OLD.status IS NOT NEW.status OR OLD.sex IS NOT NEW.sex) BEGIN
                UPDATE candidate_search_entry SET region = NEW.region, status = NEW.status, sex = NEW.sex WHERE id = NEW.id;
            END;

            INSERT INTO candidate_search_pending (id) SELECT id FROM candidate WHERE _tombstone IS NULL;
            """)
    }

    /// Which records changed since a scoped delivery (protocol.md §5.10), for the hub: a touch clock
    /// (`scope_touch_clock`, one row, absent until the hub makes its first scoped delivery), the
    /// clock's value when each record's row was last inserted, updated or deleted, with a candidate's
    /// region then (`scope_touch`, read by region), and, per office, the deliveries made with the
    /// clock's value and their coverage (`scope_delivery`). Every write to a record's table is caught
    /// by triggers in plain SQL, so no write path can be missed; while the clock row is absent (every
    /// office, and a hub serving no office by regions) they insert nothing. A migration that rebuilds
    /// one of these tables must create its triggers again.
    private static func v20(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE scope_touch_clock (n INTEGER NOT NULL) STRICT;
            CREATE TABLE scope_touch (
                table_name TEXT NOT NULL,
                record_id TEXT NOT NULL,
                region TEXT,
                touch INTEGER NOT NULL,
                PRIMARY KEY (table_name, record_id)
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX scope_touch_order ON scope_touch (table_name, region, touch);
            CREATE TABLE scope_delivery (
                site TEXT NOT NULL,
                touch INTEGER NOT NULL,
                coverage TEXT NOT NULL,
                PRIMARY KEY (site, touch)
            ) STRICT, WITHOUT ROWID;
            """)
        for table in ["candidate", "employer", "opportunity", "proposal", "placement"] {
            for (event, row) in [("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")] {
                try db.execute(sql: """
                    CREATE TRIGGER scope_touch_\(table)_\(event.lowercased()) AFTER \(event) ON \(table) BEGIN
                        INSERT INTO scope_touch (table_name, record_id, region, touch)
                            SELECT '\(table)', \(row).id, \(table == "candidate" ? "\(row).region" : "NULL"), n FROM scope_touch_clock WHERE true
                            ON CONFLICT (table_name, record_id) DO UPDATE SET region = excluded.region, touch = excluded.touch;
                    END
                    """)
            }
        }
    }

    /// The live candidates by region: the hub reads those of an office's regions for each scoped
    /// delivery (`scopeFacts(for:)`) rather than every candidate.
    private static func v19(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX candidate_region ON candidate (region) WHERE _tombstone IS NULL")
    }

    /// Data model version 3 (protocol.md §2.1): `opportunity.teaches`, the skills a training
    /// gives, null for every opportunity so far. The table is rebuilt so that its columns keep the
    /// schema's order (fields, then `_stamps`, `_tombstone`); each stamps blob gets the entry of a
    /// field never set (one varint 0, `StampsBlob`) so that it lists every field of the table again.
    private static func v18(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE opportunity_v3 (
                id TEXT NOT NULL PRIMARY KEY,
                employer_id TEXT,
                kind TEXT,
                title TEXT,
                isco TEXT,
                skills_required TEXT,
                languages TEXT,
                min_education TEXT,
                region TEXT,
                places INTEGER,
                starts_on TEXT,
                ends_on TEXT,
                status TEXT,
                teaches TEXT,
                _stamps BLOB NOT NULL,
                _tombstone BLOB
            ) STRICT, WITHOUT ROWID;
            """)
        let rows = try Row.fetchCursor(db, sql: """
            SELECT id, employer_id, kind, title, isco, skills_required, languages, min_education, region, places,
                   starts_on, ends_on, status, _stamps, _tombstone FROM opportunity
            """)
        let insert = try db.makeStatement(sql: """
            INSERT INTO opportunity_v3 (id, employer_id, kind, title, isco, skills_required, languages, min_education, region,
                                        places, starts_on, ends_on, status, teaches, _stamps, _tombstone)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)
            """)
        while let row = try rows.next() {
            var values: [DatabaseValue] = (0..<13).map { row[$0] }
            let stamps: Data = row[13]
            values.append((stamps + [0]).databaseValue)
            values.append(row[14])
            try insert.execute(arguments: StatementArguments(values))
        }
        try db.execute(sql: """
            DROP TABLE opportunity;
            ALTER TABLE opportunity_v3 RENAME TO opportunity;
            """)
        try db.execute(sql: "UPDATE replica SET schema_version = ?", arguments: [Schema.current.version])
    }

    /// Scoped replication (protocol.md §2.6, §5.10). At the hub: for each office served by regions,
    /// the records of its scope as last sent (`scope_member`), the generation each membership change
    /// happened in (`scope_event`, kept above what the office acknowledged), the office's generation
    /// counter and the oldest generation still described (`scope_office`), and the generation the
    /// office last acknowledged (`peer.scope_ack`). At an office: the generation of the last delivery
    /// merged (`replica.scope_generation`, 0 for a full replica) and the records dropped whose own
    /// changes the hub did not hold yet (`scope_pending_drop`).
    private static func v13(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE scope_office (
                site TEXT NOT NULL PRIMARY KEY,
                generation INTEGER NOT NULL,
                horizon INTEGER NOT NULL
            ) STRICT, WITHOUT ROWID;
            CREATE TABLE scope_member (
                site TEXT NOT NULL,
                table_name TEXT NOT NULL,
                record_id TEXT NOT NULL,
                PRIMARY KEY (site, table_name, record_id)
            ) STRICT, WITHOUT ROWID;
            CREATE TABLE scope_event (
                site TEXT NOT NULL,
                generation INTEGER NOT NULL,
                table_name TEXT NOT NULL,
                record_id TEXT NOT NULL,
                PRIMARY KEY (site, generation, table_name, record_id)
            ) STRICT, WITHOUT ROWID;
            ALTER TABLE peer ADD COLUMN scope_ack INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE replica ADD COLUMN scope_generation INTEGER NOT NULL DEFAULT 0;
            CREATE TABLE scope_pending_drop (
                table_name TEXT NOT NULL,
                record_id TEXT NOT NULL,
                PRIMARY KEY (table_name, record_id)
            ) STRICT, WITHOUT ROWID;
            """)
    }

    /// Consent (protocol.md §3.6): the identifying values of a candidate without consent stay at the
    /// site that wrote them, here (`private_value`, with the stamp of the change that withheld them);
    /// the log holds that change without its value. `field_erasure`: for each field whose values were
    /// withdrawn (a withheld write), the greatest such stamp: older values of the field are kept
    /// nowhere.
    private static func v12(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE private_value (
                table_name TEXT NOT NULL,
                record_id TEXT NOT NULL,
                field TEXT NOT NULL,
                value ANY NOT NULL,
                hlc INTEGER NOT NULL,
                PRIMARY KEY (table_name, record_id, field)
            ) STRICT, WITHOUT ROWID;
            CREATE TABLE field_erasure (
                table_name TEXT NOT NULL,
                record_id TEXT NOT NULL,
                field TEXT NOT NULL,
                hlc INTEGER NOT NULL,
                site TEXT NOT NULL,
                PRIMARY KEY (table_name, record_id, field)
            ) STRICT, WITHOUT ROWID;
            """)
    }

    /// The site's user list (issue 13): who may write here, with a role. A change names its author by
    /// user name (protocol.md §3.3); the list itself stays at the site.
    private static func v11(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE site_user (
                name TEXT NOT NULL PRIMARY KEY,
                role TEXT NOT NULL CHECK (role IN ('clerk', 'manager', 'administrator')),
                full_name TEXT,
                added_at INTEGER NOT NULL,
                added_by TEXT,
                removed_at INTEGER
            ) STRICT, WITHOUT ROWID;
            """)
    }

    /// Erasure (protocol.md §3.5): the records this replica holds as erased, with the stamp of the
    /// first erasure it took. Whether the file's free pages are known to hold zeros only: true of a
    /// replica made since, which deletes securely from its first write; an older one is rebuilt
    /// (VACUUM) after its first erasure.
    private static func v10(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE erasure (
                table_name TEXT NOT NULL,
                record_id TEXT NOT NULL,
                erased_hlc INTEGER NOT NULL,
                erased_by TEXT NOT NULL,
                PRIMARY KEY (table_name, record_id)
            ) STRICT, WITHOUT ROWID;
            ALTER TABLE replica ADD COLUMN free_pages_zeroed INTEGER NOT NULL DEFAULT 0 CHECK (free_pages_zeroed IN (0, 1));
            """)
    }

    /// The regions an office serves (issue 13: its scope), in the hub's register.
    private static func v9(_ db: Database) throws {
        guard try db.tableExists("office") else { return }
        try db.execute(sql: """
            CREATE TABLE office_region (
                site TEXT NOT NULL,
                region TEXT NOT NULL,
                PRIMARY KEY (site, region)
            ) WITHOUT ROWID;
            """)
    }

    /// Format version 2 (protocol.md §5, §7): a log segment keeps the signature it travels with
    /// (who signed it, and the Ed25519 signature) and, signed, the one origin and the seqs it holds,
    /// so that relays pass it on unchanged; segments written before are unsigned until their origin
    /// (or, for others' changes, the hub) signs them.
    /// The roster the replica trusts, and the hub key that signs it, are public: they live here.
    /// At the hub, each office's last seq before its revocation, and the keys it had before.
    private static func v8(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE log_segment ADD COLUMN signer TEXT;
            ALTER TABLE log_segment ADD COLUMN signature BLOB CHECK (signature IS NULL OR length(signature) = 64);
            ALTER TABLE log_segment ADD COLUMN origin TEXT;
            ALTER TABLE log_segment ADD COLUMN first_seq INTEGER;
            ALTER TABLE log_segment ADD COLUMN last_seq INTEGER;
            CREATE INDEX log_segment_unsigned ON log_segment (id) WHERE signature IS NULL;
            CREATE INDEX log_segment_signed ON log_segment (origin, first_seq) WHERE signature IS NOT NULL;
            CREATE TABLE roster (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                hub_signing_key BLOB NOT NULL CHECK (length(hub_signing_key) = 32),
                hub_agreement_key BLOB NOT NULL CHECK (length(hub_agreement_key) = 32),
                issued_at INTEGER NOT NULL,
                bytes BLOB NOT NULL
            );
            """)
        guard try db.tableExists("office") else { return }
        try db.execute(sql: """
            ALTER TABLE office ADD COLUMN revoked_after_seq INTEGER;
            CREATE TABLE office_retired_key (
                site TEXT NOT NULL,
                signing_key BLOB NOT NULL CHECK (length(signing_key) = 32),
                up_to_seq INTEGER NOT NULL,
                PRIMARY KEY (site, up_to_seq)
            );
            """)
    }

    /// The hub's register keeps each office's public keys (protocol.md §7): Ed25519 to check what it
    /// signs, X25519 to seal bundles to it. Null for an office enrolled without them.
    private static func v7(_ db: Database) throws {
        guard try db.tableExists("office") else { return }
        try db.execute(sql: """
            ALTER TABLE office ADD COLUMN signing_key BLOB CHECK (signing_key IS NULL OR length(signing_key) = 32);
            ALTER TABLE office ADD COLUMN agreement_key BLOB CHECK (agreement_key IS NULL OR length(agreement_key) = 32);
            """)
    }

    /// Data model version 2 (protocol.md §2.2): the values out of normal form that version 1 let in
    /// are taken as null, in the log and in the tables, as every receiver now takes them. Their
    /// stamps stay: the change still counts, with a null value. A segment that does not decode is
    /// left for `jonction check` to report.
    ///
    /// And the clock rule of §3.1: when a person last confirmed this machine's clock.
    private static func v5(_ db: Database) throws {
        // Version 2 as it was when this migration landed: later fields have no column yet here.
        let schema = Schema.version2
        var segments = try Row.fetchCursor(db, sql: "SELECT id, block FROM log_segment")
        var rewritten: [(Int64, [UInt8])] = []
        while let row = try segments.next() {
            let data: Data = row[1]
            guard var changes = try? ChangeBlock.decode([UInt8](data)) else { continue }
            var changed = false
            for i in changes.indices {
                guard case .set(let name, let value) = changes[i].operation, !value.isNull,
                    let field = try? schema.table(named: changes[i].table).field(named: name), !field.accepts(value)
                else { continue }
                changes[i].operation = .set(field: name, value: .null)
                changed = true
            }
            if changed { rewritten.append((row[0], ChangeBlock.encode(changes))) }
        }
        for (id, block) in rewritten {
            try db.execute(sql: "UPDATE log_segment SET block = ? WHERE id = ?", arguments: [Data(block), id])
        }
        for table in schema.tables {
            for field in table.fields {
                var rows = try Row.fetchCursor(db, sql: "SELECT id, \(field.name) FROM \(table.name) WHERE \(field.name) IS NOT NULL")
                var ids: [String] = []
                while let row = try rows.next() {
                    if !field.accepts(Value(databaseValue: row[1])) { ids.append(row[0]) }
                }
                for id in ids {
                    try db.execute(sql: "UPDATE \(table.name) SET \(field.name) = NULL WHERE id = ?", arguments: [id])
                }
            }
        }
        try db.execute(sql: """
            ALTER TABLE replica ADD COLUMN clock_confirmed_ms INTEGER NOT NULL DEFAULT 0;
            DELETE FROM clock_warning;
            """)
        try db.execute(sql: "UPDATE replica SET schema_version = ?", arguments: [schema.version])
    }

    /// A new replica for an existing office (`jonction init --restore`) is `restoring` until it
    /// holds its own origin's changes back from the hub: local writes are refused meanwhile, or
    /// they would reuse seqs the network already holds (see `LocalWriter`).
    private static func v6(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE replica ADD COLUMN restoring INTEGER NOT NULL DEFAULT 0 CHECK (restoring IN (0, 1))")
    }

    /// The hub's own tables (`office`, `match_round`: v2, v3) belong in the hub's replica only:
    /// an office's replica drops its empty copies. Runs after the `replica` row exists (see
    /// `Replica.create`), so a new office replica ends up without them too.
    private static func v4(_ db: Database) throws {
        guard try String.fetchOne(db, sql: "SELECT site FROM replica") != "hub" else { return }
        try db.execute(sql: "DROP TABLE office; DROP TABLE match_round")
    }

    /// The hub's history of matching rounds, kept on the hub only (never synced). A round that
    /// proposes nothing still counts, so a pending proposal's age in rounds is its age in nights.
    private static func v3(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE match_round (
                round INTEGER NOT NULL PRIMARY KEY,
                run_at INTEGER NOT NULL,
                proposals INTEGER NOT NULL,
                placements INTEGER NOT NULL,
                total_score INTEGER NOT NULL
            ) STRICT;
            """)
    }

    /// The hub's register of enrolled offices and their access tokens (only a SHA-256 of each token).
    private static func v2(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE office (
                site TEXT NOT NULL PRIMARY KEY,
                token_sha256 BLOB NOT NULL UNIQUE,
                enrolled_at INTEGER NOT NULL,
                revoked_at INTEGER,
                last_contact INTEGER
            ) STRICT, WITHOUT ROWID;
            """)
    }

    private static func v1(_ db: Database) throws {
        try db.execute(sql: """
            -- The site this replica belongs to, its network, and its hybrid logical clock.
            CREATE TABLE replica (
                singleton INTEGER NOT NULL PRIMARY KEY CHECK (singleton = 1),
                site TEXT NOT NULL,
                network TEXT,
                schema_version INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                last_hlc INTEGER NOT NULL DEFAULT 0
            ) STRICT;

            -- For each origin site, the highest seq held (protocol.md §3.2).
            CREATE TABLE version_vector (
                origin TEXT NOT NULL PRIMARY KEY,
                seq INTEGER NOT NULL
            ) STRICT, WITHOUT ROWID;

            -- The append-only change log, kept as encoded segments (protocol.md §4.2 blocks).
            CREATE TABLE log_segment (
                id INTEGER NOT NULL PRIMARY KEY,
                block BLOB NOT NULL,
                change_count INTEGER NOT NULL,
                received_from TEXT,
                added_at INTEGER NOT NULL
            ) STRICT;

            -- Which segment holds which seqs of which origin: the log's index.
            CREATE TABLE log_range (
                origin TEXT NOT NULL,
                first_seq INTEGER NOT NULL,
                last_seq INTEGER NOT NULL,
                segment INTEGER NOT NULL REFERENCES log_segment(id),
                PRIMARY KEY (origin, first_seq)
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX log_range_segment ON log_range (segment);

            -- Concurrent writes of one field, and which won (DESIGN §3, conflict audit).
            CREATE TABLE conflict (
                id INTEGER NOT NULL PRIMARY KEY,
                table_name TEXT NOT NULL,
                record_id TEXT NOT NULL,
                field TEXT NOT NULL,
                winner_value ANY,
                winner_deleted INTEGER NOT NULL,
                winner_hlc INTEGER NOT NULL,
                winner_site TEXT NOT NULL,
                loser_value ANY,
                loser_hlc INTEGER NOT NULL,
                loser_site TEXT NOT NULL,
                detected_at INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX conflict_record ON conflict (table_name, record_id);

            -- Peers this replica exchanged bundles with, and the last vector each acknowledged.
            CREATE TABLE peer (
                site TEXT NOT NULL PRIMARY KEY,
                last_contact INTEGER NOT NULL,
                ack_written_at INTEGER NOT NULL
            ) STRICT, WITHOUT ROWID;
            CREATE TABLE peer_ack (
                peer TEXT NOT NULL REFERENCES peer(site),
                origin TEXT NOT NULL,
                seq INTEGER NOT NULL,
                PRIMARY KEY (peer, origin)
            ) STRICT, WITHOUT ROWID;

            -- Sites whose clock ran ahead of ours by more than the bound (shown by `status`).
            CREATE TABLE clock_warning (
                site TEXT NOT NULL PRIMARY KEY,
                ahead_ms INTEGER NOT NULL,
                seen_at INTEGER NOT NULL
            ) STRICT, WITHOUT ROWID;

            -- Materialized records of schema version 1: each field's value, the winning stamps of all
            -- fields in one blob (see MaterializedTable+Stamps), and the tombstone (8-byte
            -- big-endian HLC, then the site name).
            CREATE TABLE candidate (
                id TEXT NOT NULL PRIMARY KEY,
                family_name TEXT,
                given_names TEXT,
                sex TEXT,
                birth_year INTEGER,
                phone TEXT,
                region TEXT,
                commune TEXT,
                origin_status TEXT,
                isco TEXT,
                skills TEXT,
                languages TEXT,
                education TEXT,
                relocate INTEGER,
                available_from TEXT,
                status TEXT,
                consent TEXT,
                notes TEXT,
                _stamps BLOB NOT NULL,
                _tombstone BLOB
            ) STRICT, WITHOUT ROWID;
            CREATE TABLE employer (
                id TEXT NOT NULL PRIMARY KEY,
                name TEXT,
                federation TEXT,
                sector TEXT,
                region TEXT,
                contact_phone TEXT,
                _stamps BLOB NOT NULL,
                _tombstone BLOB
            ) STRICT, WITHOUT ROWID;
            CREATE TABLE opportunity (
                id TEXT NOT NULL PRIMARY KEY,
                employer_id TEXT,
                kind TEXT,
                title TEXT,
                isco TEXT,
                skills_required TEXT,
                languages TEXT,
                min_education TEXT,
                region TEXT,
                places INTEGER,
                starts_on TEXT,
                ends_on TEXT,
                status TEXT,
                _stamps BLOB NOT NULL,
                _tombstone BLOB
            ) STRICT, WITHOUT ROWID;
            CREATE TABLE proposal (
                id TEXT NOT NULL PRIMARY KEY,
                candidate_id TEXT,
                opportunity_id TEXT,
                score INTEGER,
                reasons TEXT,
                round INTEGER,
                status TEXT,
                _stamps BLOB NOT NULL,
                _tombstone BLOB
            ) STRICT, WITHOUT ROWID;
            CREATE TABLE placement (
                id TEXT NOT NULL PRIMARY KEY,
                candidate_id TEXT,
                opportunity_id TEXT,
                started_on TEXT,
                ended_on TEXT,
                outcome TEXT,
                _stamps BLOB NOT NULL,
                _tombstone BLOB
            ) STRICT, WITHOUT ROWID;
            """)
    }
}
