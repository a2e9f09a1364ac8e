import Foundation
#if canImport(Glibc)
import Glibc

/// POSIX `write(2)` and `read(2)`, which Foundation's methods shadow inside a type.
private let posixWrite = Glibc.write
private let posixRead = Glibc.read
private let posixClose = Glibc.close
#elseif canImport(Darwin)
import Darwin

private let posixWrite = Darwin.write
private let posixRead = Darwin.read
private let posixClose = Darwin.close
#endif
import Jonction

/// A folder of bundle files: `JONCTION/` on a USB stick, the hub's inbox and outbox. Files are
/// written atomically (temporary name, fsync, rename, fsync of the folder): a stick pulled out
/// mid-copy leaves no half-written bundle under a real name.
public struct Mailbag: Sendable {
    public let folder: URL
    /// Bundle files end in this extension.
    public static let fileExtension = "jnb"

    public init(_ folder: URL) { self.folder = folder }

    /// The file name that says who, for whom and which ranges:
    /// `kayes_pour_hub_kayes.1-340_mopti.5-12.jnb` (protocol.md §5.4).
    public static func fileName(for bundle: BundleHeader) -> String {
        var parts = ["\(bundle.sender)_pour_\(bundle.addressee)"]
        let ranges = bundle.sortedRanges
        for (origin, seqs) in ranges.prefix(6) { parts.append("\(origin).\(seqs.lowerBound)-\(seqs.upperBound)") }
        if ranges.count > 6 { parts.append("plus\(ranges.count - 6)") }
        return parts.joined(separator: "_") + "." + fileExtension
    }

    /// Writes a bundle file atomically and returns its URL.
    @discardableResult
    public func write(_ bytes: [UInt8], name: String) throws -> URL {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw MailbagError.folderMissing(folder.path)
        }
        let target = folder.appendingPathComponent(name)
        let temporary = folder.appendingPathComponent(".\(name).\(UUID().uuidString.prefix(8)).partiel")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw MailbagError.cannotWrite(folder.path, errno: errno) }
        var ok = false
        defer {
            if !ok { unlink(temporary.path) }
        }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { posixWrite(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                close(fd)
                throw e == ENOSPC ? MailbagError.full(folder.path) : MailbagError.cannotWrite(folder.path, errno: e)
            }
            written += n
        }
        if fsync(fd) != 0 {
            let e = errno
            close(fd)
            throw e == ENOSPC ? MailbagError.full(folder.path) : MailbagError.cannotWrite(folder.path, errno: e)
        }
        close(fd)
        guard rename(temporary.path, target.path) == 0 else { throw MailbagError.cannotWrite(folder.path, errno: errno) }
        ok = true
        let dir = open(folder.path, O_RDONLY)
        if dir >= 0 {
            _ = fsync(dir)
            close(dir)
        }
        return target
    }

    /// The bundle files of the folder (not its subfolders), in name order.
    public func files() throws -> [URL] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder.path) } catch {
            throw MailbagError.folderMissing(folder.path)
        }
        return names.filter { $0.hasSuffix("." + Mailbag.fileExtension) && !$0.hasPrefix(".") }.sorted()
            .map { folder.appendingPathComponent($0) }
    }

    /// Reads a bundle file's bytes, once, with its size checked first: a file larger than any
    /// bundle (`ChangeBundle.maximumSize`) is refused (`BundleError.tooLarge`) without being read.
    public static func read(_ url: URL) throws -> [UInt8] {
        let file = try BundleFile(url)
        defer { file.close() }
        return try file.read(upTo: file.size)
    }

    /// Reads only a bundle file's header (protocol.md §5.1), to sort a folder before reading
    /// anything else: the first few kilobytes, more only for a header of many sites, never more
    /// than `ChangeBundle.maximumHeaderLength` bytes.
    public static func header(of url: URL) throws -> BundleHeader {
        let file = try BundleFile(url)
        defer { file.close() }
        let most = min(file.size, ChangeBundle.maximumHeaderLength)
        var prefix: [UInt8] = []
        var wanted = min(4096, most)
        while true {
            prefix += try file.read(upTo: wanted - prefix.count)
            let header = Result { try ChangeBundle.header(of: prefix) }
            // Cut within the header, though the file goes on: read further.
            guard case .failure(BundleError.truncated) = header, prefix.count == wanted, wanted < most else {
                return try header.get()
            }
            wanted = min(wanted * 4, most)
        }
    }
}

/// An open bundle file, its size known before anything is read.
private struct BundleFile {
    let fd: Int32
    let size: Int
    let path: String

    init(_ url: URL) throws {
        path = url.path
        // Not blocking: a named pipe in the folder must not hang the import.
        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw MailbagError.cannotRead(path) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            _ = posixClose(fd)
            throw MailbagError.cannotRead(path)
        }
        size = Int(info.st_size)
        guard size <= ChangeBundle.maximumSize else {
            _ = posixClose(fd)
            throw BundleError.tooLarge(size)
        }
    }

    /// Up to `count` more bytes (fewer at the end of the file).
    func read(upTo count: Int) throws -> [UInt8] {
        guard count > 0 else { return [] }
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            while initialized < count {
                let n = posixRead(fd, buffer.baseAddress! + initialized, count - initialized)
                if n < 0 && errno == EINTR { continue }
                if n < 0 { failed = true }
                if n <= 0 { break }
                initialized += n
            }
        }
        if failed { throw MailbagError.cannotRead(path) }
        return bytes
    }

    func close() { _ = posixClose(fd) }
}

public enum MailbagError: Error, UserFacingError, Equatable {
    case folderMissing(String)
    case cannotWrite(String, errno: Int32)
    case full(String)
    case cannotRead(String)

    public func message(_ lang: Lang) -> String {
        switch self {
        case .folderMissing(let path):
            return lang.pick("Le dossier \(path) n’existe pas. Branchez la clé USB, ou créez le dossier.",
                             "The folder \(path) does not exist. Plug in the USB stick, or create the folder.")
        case .cannotWrite(let path, let e):
            return lang.pick("Impossible d’écrire dans \(path) (\(String(cString: strerror(e)))). La clé est-elle protégée en écriture ? Aucun paquet partiel n’a été laissé.",
                             "Cannot write to \(path) (\(String(cString: strerror(e)))). Is the stick write-protected? No partial bundle was left.")
        case .full(let path):
            return lang.pick("Plus de place dans \(path) : libérez de l’espace sur la clé puis recommencez. Aucun paquet partiel n’a été laissé.",
                             "No space left in \(path): free some space on the stick and try again. No partial bundle was left.")
        case .cannotRead(let path):
            return lang.pick("Impossible de lire \(path). Vérifiez le chemin et la clé.", "Cannot read \(path). Check the path and the stick.")
        }
    }
}
