import Foundation
import JonctionTestSupport
import Testing

/// A small file system of its own (tmpfs), to fill up for real. Mounting needs root, outside a
/// container that forbids it: `permitted` tries once.
final class SmallDisk {
    let url: URL
    private var filler: URL { url.appendingPathComponent("remplissage") }

    init?(at url: URL, megabytes: Int) {
        self.url = url
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        guard SmallDisk.command("mount", "-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", url.path) else { return nil }
    }

    deinit { _ = SmallDisk.command("umount", url.path) }

    static let permitted: Bool = {
        let probe = TemporaryDirectory("mount-probe")
        return SmallDisk(at: probe.url.appendingPathComponent("d"), megabytes: 1) != nil
    }()

    /// Writes zeros until the file system refuses.
    func fill() throws {
        FileManager.default.createFile(atPath: filler.path, contents: nil)
        let handle = try FileHandle(forWritingTo: filler)
        defer { try? handle.close() }
        for size in [1 << 16, 1 << 12, 1] {
            let chunk = Data(count: size)
            while (try? handle.write(contentsOf: chunk)) != nil {}
        }
    }

    func free() throws { try FileManager.default.removeItem(at: filler) }

    private static func command(_ arguments: String...) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}

@Suite("Ligne de commande : disque plein, lectures qui n’écrivent rien")
struct FullDiskCommandTests {
    let dir = TemporaryDirectory("cli-disk")
    var cli: CLI { CLI(directory: dir) }

    @discardableResult
    func run(_ arguments: String...) throws -> CLI.Result {
        try cli.succeed(arguments)
    }

    /// Checks that nothing in `folder` was created or modified since `before` (a `listing`). SQLite's
    /// own `-wal` and `-shm` files left beside the replica by a writer (empty log, index) may have
    /// been removed by the last connection out.
    func expectUntouched(_ folder: String, since before: [String: String], _ comment: String = "",
                         sourceLocation: SourceLocation = #_sourceLocation) throws {
        let after = try listing(folder)
        let kept = before.filter { !$0.key.hasSuffix("-wal") && !$0.key.hasSuffix("-shm") || after[$0.key] != nil }
        #expect(Set(after.keys).isSubset(of: before.keys), "\(comment): \(after.keys.sorted())", sourceLocation: sourceLocation)
        #expect(after.filter { !$0.key.hasSuffix("-shm") } == kept.filter { !$0.key.hasSuffix("-shm") }, "\(comment)",
                sourceLocation: sourceLocation)
    }

    /// A digest of a file's bytes (FNV-1a, 64 bits): enough to see that it changed.
    func fnv1a(_ data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash, radix: 16)
    }

    /// Every file of a folder, with its size, modification time and contents.
    func listing(_ folder: String) throws -> [String: String] {
        var files: [String: String] = [:]
        let url = dir.url.appendingPathComponent(folder)
        for name in try FileManager.default.contentsOfDirectory(atPath: url.path) {
            let path = url.appendingPathComponent(name).path
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            let digest = name.hasPrefix("remplissage") ? "" : fnv1a(FileManager.default.contents(atPath: path) ?? Data())
            files[name] = "\(attributes[.size]!) \((attributes[.modificationDate] as! Date).timeIntervalSince1970) \(digest)"
        }
        return files
    }

    /// The commands that only read a replica, with arguments that make each do its work.
    static func readingCommands(_ db: String, exportTo: String, backupTo: String) -> [[String]] {
        [
            ["status", "--db", db], ["status", "--db", db, "--json"], ["dump", "--db", db],
            ["get", "--db", db, "candidate", "kayes-c01"], ["log", "--db", db], ["conflicts", "--db", db],
            ["check", "--db", db], ["proposals", "--db", db],
            ["backup", "--db", db, "--to", backupTo],
        ]
    }

    /// An office replica with a few records and one bundle from the hub, in `folder`.
    func makeOffice(in folder: String) throws -> String {
        let db = "\(folder)/kayes.sqlite"
        try run("init", "--db", "hub.sqlite", "--site", "hub")
        try run("put", "--db", "hub.sqlite", "opportunity", "opp-01", "kind=job", "places=2", "region=Kayes")
        try run("init", "--db", db, "--site", "kayes")
        let keys = try JSONSerialization.jsonObject(with: Data(run("keys", "--db", db, "--json").stdout.utf8)) as? [String: Any]
        try run("hub", "enroll", "--db", "hub.sqlite", "kayes", "--identity", keys?["identity"] as? String ?? "", "--join-file", "adhesion.txt")
        try run("join", "--db", db, "adhesion.txt")
        try run("put", "--db", db, "candidate", "kayes-c01", "family_name=Traoré", "given_names=Awa", "region=Kayes")
        try run("put", "--db", db, "candidate", "kayes-c02", "family_name=Diarra", "notes=Revenue de Libye")
        try run("put", "--db", db, "candidate", "kayes-c01", "status=trained")
        try cli.makeFolders("cle")
        try run("export", "--db", "hub.sqlite", "--to", "cle", "--for", "kayes")
        try run("import", "--db", db, "cle")
        return db
    }

    @Test("les commandes de lecture ne créent ni ne modifient aucun fichier à côté du réplica")
    func readingLeavesTheFolderAlone() throws {
        try cli.makeFolders("bureau", "sortie")
        let db = try makeOffice(in: "bureau")
        let before = try listing("bureau")
        Thread.sleep(forTimeInterval: 0.05)
        for arguments in Self.readingCommands(db, exportTo: "sortie", backupTo: "sortie/copie.sqlite") {
            let r = try cli.run(arguments)
            #expect(r.status == 0, "\(arguments.joined(separator: " ")): \(r.stderr)")
        }
        try expectUntouched("bureau", since: before)
        #expect(try run("dump", "--db", "sortie/copie.sqlite").stdout == run("dump", "--db", db).stdout)
    }

    @Test("sans place pour l’index partagé (-shm), les commandes de lecture marchent quand même")
    func readingWithoutRoomForTheIndex() throws {
        try cli.makeFolders("bureau")
        let db = try makeOffice(in: "bureau")
        let dump = try run("dump", "--db", db).stdout
        // 8 blocks: no file above 4 KiB (8 KiB for bash), less than the 32 KiB of a `-shm`.
        for arguments in [["status", "--db", db], ["dump", "--db", db], ["get", "--db", db, "candidate", "kayes-c02"],
                          ["log", "--db", db], ["conflicts", "--db", db], ["check", "--db", db]] {
            let r = try cli.run(arguments, fileSizeLimit: 8)
            #expect(r.status == 0, "\(arguments.joined(separator: " ")): \(r.stderr)")
            if arguments[0] == "dump" { #expect(r.stdout == dump) }
        }
        #expect(try run("dump", "--db", db).stdout == dump)
    }

    @Test("disque vraiment plein : les lectures marchent, put et import disent « disque plein » sans rien perdre",
          .enabled("monter un petit système de fichiers (tmpfs) demande les droits de root hors d’un conteneur qui l’interdit") {
              SmallDisk.permitted
          })
    func reallyFullDisk() throws {
        let disk = try #require(SmallDisk(at: dir.url.appendingPathComponent("disque"), megabytes: 4))
        try cli.makeFolders("sortie", "retour")
        let db = try makeOffice(in: "disque")
        try run("put", "--db", "hub.sqlite", "opportunity", "opp-02", "kind=training", "places=5")
        try run("export", "--db", "hub.sqlite", "--to", "retour", "--for", "kayes")
        let dump = try run("dump", "--db", db).stdout
        let log = try run("log", "--db", db, "--json").stdout

        try disk.fill()
        let before = try listing("disque")
        for arguments in Self.readingCommands(db, exportTo: "sortie", backupTo: "sortie/copie.sqlite") {
            let r = try cli.run(arguments)
            #expect(r.status == 0, "disque plein, \(arguments.joined(separator: " ")): \(r.stderr)")
            if arguments[0] == "dump" { #expect(r.stdout == dump) }
        }
        try expectUntouched("disque", since: before, "disque plein")
        #expect(try run("dump", "--db", "sortie/copie.sqlite").stdout == dump)

        // Export signs the changes not signed yet (protocol.md §5.3): a writer too.
        for arguments in [["put", "--db", db, "candidate", "kayes-c03", "family_name=Keïta"], ["import", "--db", db, "retour"],
                          ["delete", "--db", db, "candidate", "kayes-c02"], ["export", "--db", db, "--to", "sortie"]] {
            let r = try cli.run(arguments)
            #expect(r.status == 1, "disque plein, \(arguments.joined(separator: " "))")
            #expect(r.stderr.contains("Le disque est plein"), "\(arguments.joined(separator: " ")): \(r.stderr)")
            let en = try cli.run(arguments + ["--lang", "en"])
            #expect(en.stderr.contains("The disk is full"), "\(en.stderr)")
        }

        try disk.free()
        #expect(try run("dump", "--db", db).stdout == dump)
        #expect(try run("log", "--db", db, "--json").stdout == log)
        try run("put", "--db", db, "candidate", "kayes-c03", "family_name=Keïta")
        try run("import", "--db", db, "retour")
        #expect(try run("check", "--db", db).status == 0)
    }
}
