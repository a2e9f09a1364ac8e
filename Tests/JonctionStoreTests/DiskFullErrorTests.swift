import Foundation
import GRDB
import Jonction
@testable import JonctionStore
import JonctionTestSupport
import Testing

@Suite("Réplica : un disque plein se dit « disque plein »")
struct DiskFullErrorTests {
    let dir = TemporaryDirectory("disk-codes")

    struct Translation: Sendable, CustomTestStringConvertible {
        var code: ResultCode
        var diskFull: Bool
        var expected: StoreError
        var testDescription: String { "\(code.rawValue), disque \(diskFull ? "plein" : "libre")" }
    }

    // What SQLite 3.40 reports on a full disk (seen on a full tmpfs and a full ext4 loop device):
    // SQLITE_FULL (13) when a write to the database, the log or a journal finds no room,
    // SQLITE_IOERR_SHMSIZE (4874) when the `-shm` index cannot be sized (opening a replica whose
    // `-wal` and `-shm` are gone). The others are what os_unix.c returns for ENOSPC elsewhere.
    static let translations: [Translation] = [
        .init(code: .SQLITE_FULL, diskFull: true, expected: .diskFull(path: "r.sqlite")),
        .init(code: .SQLITE_FULL, diskFull: false, expected: .diskFull(path: "r.sqlite")),
        .init(code: .SQLITE_IOERR_SHMSIZE, diskFull: true, expected: .diskFull(path: "r.sqlite")),
        .init(code: .SQLITE_IOERR_FSYNC, diskFull: true, expected: .diskFull(path: "r.sqlite")),
        .init(code: .SQLITE_IOERR_WRITE, diskFull: true, expected: .diskFull(path: "r.sqlite")),
        .init(code: .SQLITE_IOERR_TRUNCATE, diskFull: true, expected: .diskFull(path: "r.sqlite")),
        .init(code: .SQLITE_CANTOPEN, diskFull: true, expected: .diskFull(path: "r.sqlite")),
        // Not a full disk: SQLite's own error, or what the code means.
        .init(code: .SQLITE_IOERR_SHMSIZE, diskFull: false, expected: .sqlite(path: "r.sqlite", code: 4874, message: "m")),
        .init(code: .SQLITE_IOERR_FSYNC, diskFull: false, expected: .sqlite(path: "r.sqlite", code: 1034, message: "m")),
        .init(code: .SQLITE_IOERR_READ, diskFull: true, expected: .sqlite(path: "r.sqlite", code: 266, message: "m")),
        .init(code: .SQLITE_CANTOPEN, diskFull: false, expected: .readOnly(path: "r.sqlite")),
        .init(code: .SQLITE_READONLY, diskFull: true, expected: .readOnly(path: "r.sqlite")),
        .init(code: .SQLITE_BUSY, diskFull: true, expected: .busy(path: "r.sqlite")),
    ]

    @Test("les codes de SQLite pour un disque plein deviennent « disque plein »", arguments: translations)
    func translation(_ t: Translation) {
        let error = DatabaseError(resultCode: t.code, message: "m")
        #expect(StoreError(error, path: "r.sqlite", fileSystemIsFull: { _ in t.diskFull }) == t.expected)
    }

    @Test("la place libre se mesure sur le système de fichiers du réplica, même s’il n’existe pas encore")
    func freeSpace() {
        // The test machine's temporary folder is not full.
        #expect(!StoreError.fileSystemIsFull(at: dir.path("absent.sqlite")))
        #expect(!StoreError.fileSystemIsFull(at: "relatif.sqlite"))
    }
}
