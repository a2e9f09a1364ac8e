import Foundation
import GRDB

extension StoreError {
    /// SQLite's failure on the replica at `path`, in terms a user can act on.
    ///
    /// A full disk shows in several ways (see os_unix.c): a write that finds no room fails with
    /// `SQLITE_FULL` (a `write()` that returns ENOSPC), but an `fsync` that does (delayed
    /// allocation), a truncation, the sizing of the `-shm` index and the creation of a `-wal`,
    /// `-journal` or temporary file come out as I/O errors (`SQLITE_IOERR_FSYNC`,
    /// `_TRUNCATE`, `_SHMSIZE`, `_WRITE`…) or `SQLITE_CANTOPEN`, whose errno SQLite does not
    /// give back. Those are taken for a full disk when the file system holding `path` is indeed
    /// full (`fileSystemIsFull`, a parameter for tests); otherwise they stay SQLite's own error.
    init(_ error: DatabaseError, path: String, fileSystemIsFull: (String) -> Bool = StoreError.fileSystemIsFull(at:)) {
        switch error.resultCode {
        case .SQLITE_FULL:
            self = .diskFull(path: path)
        case .SQLITE_IOERR where StoreError.outOfSpaceCodes.contains(error.extendedResultCode) && fileSystemIsFull(path):
            self = .diskFull(path: path)
        case .SQLITE_CANTOPEN where fileSystemIsFull(path):
            self = .diskFull(path: path)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            self = .busy(path: path)
        case .SQLITE_NOTADB:
            self = .notAReplica(path: path)
        case .SQLITE_CORRUPT:
            self = .corrupt(path: path)
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
            self = .readOnly(path: path)
        default:
            self = .sqlite(path: path, code: error.extendedResultCode.rawValue, message: error.message ?? "")
        }
    }

    /// The I/O errors SQLite reports when a write, a sync, a truncation or the `-shm` index runs
    /// out of room.
    static let outOfSpaceCodes: [ResultCode] = [
        .SQLITE_IOERR_WRITE, .SQLITE_IOERR_FSYNC, .SQLITE_IOERR_DIR_FSYNC, .SQLITE_IOERR_TRUNCATE,
        .SQLITE_IOERR_SHMOPEN, .SQLITE_IOERR_SHMSIZE, .SQLITE_IOERR_SHMMAP,
    ]

    /// Whether the file system that holds `path` (a file, or one to be made) has no room left:
    /// under 1 MiB for an ordinary user, or no free inode.
    static func fileSystemIsFull(at path: String) -> Bool {
        var directory = (path as NSString).deletingLastPathComponent
        if directory.isEmpty { directory = "." }
        var stats = statvfs()
        guard statvfs(directory, &stats) == 0 else { return false }
        let available = UInt64(stats.f_bavail) * UInt64(stats.f_frsize)
        return available < 1 << 20 || (stats.f_files > 0 && stats.f_favail == 0)
    }
}
