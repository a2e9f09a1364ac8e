import Foundation
#if canImport(Glibc)
import Glibc

/// POSIX `write(2)`, which Foundation's `write` methods shadow inside a type.
private let posixWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin

private let posixWrite = Darwin.write
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

    /// Reads a file's bytes.
    public static func read(_ url: URL) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw MailbagError.cannotRead(url.path)
        }
        return [UInt8](data)
    }
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
