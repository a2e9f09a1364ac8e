import Foundation

/// Small files a site writes for itself (keys, join file, configuration, roster): flushed to the disk
/// before they are named, and, when they hold secrets, readable by their owner only (mode 0600).
public enum OwnedFile {
    public enum Failure: Error, Sendable, Equatable {
        /// `create` found a file already there: it was left untouched.
        case exists
        /// The system's reason (`strerror`).
        case unwritable(String)
    }

    /// Writes a new file only (an existing one is never overwritten), with `mode`.
    public static func create(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o600) throws(Failure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw errno == EEXIST ? .exists : .unwritable(String(cString: strerror(errno))) }
        if let reason = fill(fd, bytes) {
            unlink(path)
            throw .unwritable(reason)
        }
    }

    /// Replaces `path` atomically: a temporary file beside it, flushed, renamed over it, and the
    /// folder flushed so that the rename reaches the disk. A reader sees the old file or the new one.
    public static func replace(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o600) throws(Failure) {
        let temporary = path + ".tmp-\(getpid())"
        unlink(temporary)
        try create(temporary, bytes, mode: mode)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .unwritable(reason)
        }
        let folder = (path as NSString).deletingLastPathComponent
        let fd = open(folder.isEmpty ? "." : folder, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    /// Writes every byte and flushes, then closes; the failure's reason, or nil.
    private static func fill(_ fd: Int32, _ bytes: [UInt8]) -> String? {
        defer { close(fd) }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return String(cString: strerror(errno)) }
            done += n
        }
        return fsync(fd) == 0 ? nil : String(cString: strerror(errno))
    }
}
