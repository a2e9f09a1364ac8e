import Foundation
import GRDB
import Jonction

extension Replica {
    /// Opens a replica to read it only (`status`, `dump`, `get`, `check`, `export`, `backup`…),
    /// writing nothing to its disk, so that these commands work on a full disk (issue 11):
    ///
    /// - No write on opening. A writer's pool writes on every opening (GRDB creates and drops a
    ///   table so that the write-ahead log is not empty), and runs pending migrations: here one
    ///   connection in the journal mode the file already has. A replica written by an older
    ///   Jonction is brought up to date first, once, by a writer.
    /// - A connection that reads only: GRDB's `read` runs with `query_only`, `Replica.write`
    ///   refuses. Its file descriptor is read-write all the same: only such a connection can take
    ///   the lock that lets the last one out remove the `-wal` and `-shm` files it made (SQLite's
    ///   read-only mode leaves them behind), and the exclusive mode below needs it.
    /// - When the disk has no room for the shared-memory index (the `-shm` file, 32 KiB), exclusive
    ///   locking mode, whose index lives in the process's memory: other programs then wait for the
    ///   command to finish.
    /// - Sorts and temporary tables in memory, never in a file on the (perhaps full) disk.
    static func openForReading(at path: String, clock: any WallClock) throws -> Replica {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.noReplica(path: path) }
        try checkHeader(path)
        return try translatingErrors(path: path) {
            let connection: DatabaseQueue
            if StoreError.fileSystemIsFull(at: path) {
                // Not even an attempt with shared memory: SQLite would leave a stub `-shm` behind.
                connection = try readingConnection(path, exclusive: true)
            } else {
                do {
                    connection = try readingConnection(path, exclusive: false)
                } catch let error as DatabaseError where error.isSharedMemoryFailure {
                    connection = try readingConnection(path, exclusive: true)
                }
            }
            let migrator = Migrations.migrator
            let (superseded, completed, applied, site) = try connection.read { db in
                (try migrator.hasBeenSuperseded(db), try migrator.hasCompletedMigrations(db),
                 try migrator.appliedIdentifiers(db), try String.fetchOne(db, sql: "SELECT site FROM replica"))
            }
            if superseded || !completed { try connection.close() }
            if superseded {
                throw StoreError.newerSchema(path: path, unknownMigrations: applied.subtracting(migrator.migrations).sorted())
            }
            if !completed {
                try open(at: path, mode: .readWrite, clock: clock).close()
                return try openForReading(at: path, clock: clock)
            }
            guard let site else {
                try connection.close()
                throw StoreError.notAReplica(path: path)
            }
            return Replica(path: path, site: SiteName(unchecked: site), database: connection, mode: .readOnly, clock: clock)
        }
    }

    private static func readingConnection(_ path: String, exclusive: Bool) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.label = "jonction-lecture"
        configuration.busyMode = .timeout(30)
        configuration.prepareDatabase { db in
            // Before the first read: it decides how the write-ahead log's index is kept.
            if exclusive { try db.execute(sql: "PRAGMA locking_mode = EXCLUSIVE") }
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            try db.execute(sql: "PRAGMA cache_size = -8192")
        }
        return try DatabaseQueue(path: path, configuration: configuration)
    }
}

extension DatabaseError {
    /// SQLite could not make or size the write-ahead log's shared-memory index (the `-shm` file).
    var isSharedMemoryFailure: Bool {
        [ResultCode.SQLITE_IOERR_SHMOPEN, .SQLITE_IOERR_SHMSIZE, .SQLITE_IOERR_SHMMAP].contains(extendedResultCode)
    }
}
