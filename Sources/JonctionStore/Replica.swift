import Foundation
import GRDB
import Jonction

/// A site's local replica: the materialized records, the append-only change log, the version
/// vector and the site's clock, in one SQLite file (WAL).
///
/// The replica owns its connections: every write is one transaction (log, stamps and rows
/// together, or nothing); reads run concurrently with it. Opened `.readOnly`, it writes nothing at
/// all (see `Replica+Reading.swift`).
public final class Replica: Sendable {
    /// Whether the replica was opened to write, or only to read (`status`, `dump`, `export`…).
    public enum Mode: Sendable {
        case readWrite
        case readOnly
    }

    public let path: String
    public let site: SiteName
    public let schema: Schema
    public let mode: Mode
    /// A pool (readers beside the writer) when opened `.readWrite`; one connection when `.readOnly`.
    let database: any DatabaseWriter
    /// The wall clock the replica stamps its writes with.
    public let clock: any WallClock
    /// The materialized table of each table of the schema, by name.
    let tables: [String: MaterializedTable]

    init(path: String, site: SiteName, database: any DatabaseWriter, mode: Mode, clock: any WallClock) {
        self.path = path
        self.site = site
        self.schema = .current
        self.mode = mode
        self.database = database
        self.clock = clock
        self.tables = Dictionary(uniqueKeysWithValues: Schema.current.tables.map { ($0.name, MaterializedTable($0)) })
    }

    /// Creates a replica for `site` at `path`. An existing file is never overwritten: the replica is
    /// built under a temporary name beside it and linked into place only if `path` is still free.
    ///
    /// `network` names the deployment the replica belongs to (protocol.md §5.3): the hub creates one
    /// when none is given; an office without one adopts the network of the first bundle it imports.
    /// `restoring`: a new machine for an existing office, which writes nothing before it has its
    /// own changes back from the hub (see `Replica+Restoring.swift`).
    public static func create(at path: String, site: SiteName, network: String? = nil, restoring: Bool = false,
                              clock: any WallClock = SystemClock()) throws -> Replica {
        if let network, !Replica.isValidNetwork(network) { throw StoreError.invalidNetwork(network) }
        let network = network ?? (site == .hub ? Replica.newNetworkID() : nil)
        try createFile(at: path, temporarySuffix: "creating") { temporary in
            try translatingErrors(path: path) {
                // Rollback journal while creating, so the header (application id) is in the main file
                // before the replica switches to WAL.
                let queue = try DatabaseQueue(path: temporary)
                try queue.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA application_id = \(Migrations.applicationID)")
                    try db.execute(sql: "PRAGMA secure_delete = ON")
                }
                // The `replica` row first: later migrations depend on whose replica it is.
                try Migrations.migrator.migrate(queue, upTo: "v1-replica")
                try queue.write { db in
                    try db.execute(
                        sql: "INSERT INTO replica (singleton, site, network, schema_version, created_at, last_hlc) VALUES (1, ?, ?, ?, ?, 0)",
                        arguments: [site.rawValue, network, Schema.current.version, Int64(clock.nowMillis())])
                }
                try Migrations.migrator.migrate(queue)
                try queue.write { db in
                    // Deleted content is overwritten from the first write on (`open`).
                    try db.execute(sql: "UPDATE replica SET free_pages_zeroed = 1")
                    if restoring { try db.execute(sql: "UPDATE replica SET restoring = 1") }
                }
                try queue.close()
            }
        }
        return try open(at: path, clock: clock)
    }

    /// Makes a new file at `path` without ever overwriting one: `build` writes it under a temporary
    /// name beside `path`, which is hard-linked into place only if `path` is still free (moved, on a
    /// file system without hard links, where the exists-check is the guard). The temporary files
    /// are removed whatever happens.
    static func createFile(at path: String, temporarySuffix: String, _ build: (String) throws -> Void) throws {
        let fm = FileManager.default
        guard !fm.fileExists(atPath: path) else { throw StoreError.replicaExists(path: path) }
        let directory = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory.isEmpty ? "." : directory, isDirectory: &isDirectory), isDirectory.boolValue
        else { throw StoreError.directoryMissing(path: directory) }
        let temporary = path + ".\(temporarySuffix)-\(UUID().uuidString.prefix(8))"
        defer {
            for suffix in ["", "-wal", "-shm", "-journal"] { try? fm.removeItem(atPath: temporary + suffix) }
        }
        try build(temporary)
        do {
            try fm.linkItem(atPath: temporary, toPath: path)
        } catch {
            if fm.fileExists(atPath: path) { throw StoreError.replicaExists(path: path) }
            try translatingErrors(path: path) { try fm.moveItem(atPath: temporary, toPath: path) }
        }
    }

    /// Opens an existing replica, checking that the file is one before anything is written to it.
    /// `.readOnly` writes nothing to the replica's disk, so that reading works on a full disk.
    public static func open(at path: String, mode: Mode = .readWrite, clock: any WallClock = SystemClock()) throws -> Replica {
        switch mode {
        case .readWrite: try open(at: path, clock: clock, prepare: nil)
        case .readOnly: try openForReading(at: path, clock: clock)
        }
    }

    /// `prepare` runs on every new connection (tests use it to simulate a full disk).
    static func open(at path: String, clock: any WallClock, prepare: (@Sendable (Database) throws -> Void)?) throws -> Replica {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.noReplica(path: path) }
        try checkHeader(path)
        // A writer needs room for the `-shm` index at least; on a full file system of 1 KiB blocks,
        // SQLite's mapping of it faults (SIGBUS) instead of failing. Refused before opening.
        guard !StoreError.fileSystemIsFull(at: path) else { throw StoreError.diskFull(path: path) }
        return try translatingErrors(path: path) {
            var configuration = Configuration()
            configuration.label = "jonction"
            configuration.busyMode = .timeout(30)
            configuration.prepareDatabase { db in
                // Intermittent power: a commit that returned is on the disk.
                try db.execute(sql: "PRAGMA synchronous = FULL")
                // Large merges touch many pages: keep them in memory rather than spilling mid-transaction.
                try db.execute(sql: "PRAGMA cache_size = -8192")
                // Personal data: what is deleted is overwritten, not left in free pages (erasure, §3.5).
                try db.execute(sql: "PRAGMA secure_delete = ON")
                try prepare?(db)
            }
            let pool = try DatabasePool(path: path, configuration: configuration)
            let migrator = Migrations.migrator
            let (superseded, applied) = try pool.read { db in
                (try migrator.hasBeenSuperseded(db), try migrator.appliedIdentifiers(db))
            }
            if superseded {
                let unknown = applied.subtracting(migrator.migrations).sorted()
                try? pool.close()
                throw StoreError.newerSchema(path: path, unknownMigrations: unknown)
            }
            try migrator.migrate(pool)
            // Candidates queued for the search index by a migration, or changed by another program
            // since Jonction last wrote, are indexed (`SearchIndex`).
            if try pool.read(SearchIndex.hasPending) { try pool.write { db in try SearchIndex.refresh(db) } }
            guard let name = try pool.read({ db in try String.fetchOne(db, sql: "SELECT site FROM replica") }) else {
                throw StoreError.notAReplica(path: path)
            }
            return Replica(path: path, site: SiteName(unchecked: name), database: pool, mode: .readWrite, clock: clock)
        }
    }

    /// A network id: 32 lowercase hexadecimal digits (128 random bits).
    public static func newNetworkID() -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<16).map { _ in
            let b = UInt8.random(in: 0...255, using: &rng)
            return String(b >> 4, radix: 16) + String(b & 15, radix: 16)
        }.joined()
    }

    public static func isValidNetwork(_ s: String) -> Bool {
        s.utf8.count == 32 && s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    /// SQLite's file header names the application: ours is "JNCT" (offset 68, big-endian).
    static func checkHeader(_ path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw StoreError.readOnly(path: path) }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 100)) ?? Data()
        guard header.count == 100, header.prefix(16) == Data("SQLite format 3\0".utf8) else {
            throw StoreError.notAReplica(path: path)
        }
        var reader = ByteReader([UInt8](header), offset: 68)
        guard let id = try? reader.uint32BE(), Int32(bitPattern: id) == Migrations.applicationID else {
            throw StoreError.notAReplica(path: path)
        }
    }

    /// Closes the connections, after moving the write-ahead log into the database file (opened to
    /// write): a copy of the `.sqlite` file alone is then a complete replica. It may not be used
    /// afterwards.
    public func close() throws {
        try translatingErrors {
            if mode == .readWrite {
                try database.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
            }
            try database.close()
        }
    }

    func translatingErrors<T>(_ body: () throws -> T) throws -> T {
        try Replica.translatingErrors(path: path, body)
    }

    /// Turns SQLite's failures into `StoreError`s a user can act on.
    static func translatingErrors<T>(path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw StoreError(error, path: path)
        } catch let error as CocoaError where error.code == .fileWriteOutOfSpace {
            throw StoreError.diskFull(path: path)
        } catch is DamagedRecord {
            throw StoreError.corrupt(path: path)
        }
    }
}
