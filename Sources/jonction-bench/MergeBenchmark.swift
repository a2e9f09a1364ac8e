import ArgumentParser
import Foundation
import Jonction
import JonctionBundle
import JonctionStore

/// A wall clock the benchmark sets to each operation's `ts`.
///
/// `@unchecked Sendable` is safe: the benchmark sets it and the replica reads it on one thread, inside
/// the same synchronous `write` call.
final class ReplayClock: WallClock, @unchecked Sendable {
    var millis: UInt64 = 0
    func nowMillis() -> UInt64 { millis }
}

/// DESIGN §7: replay each office's workload into its own replica, export one bundle per office for
/// the hub, import them all into a fresh hub, and check the hub against the LWW reference.
struct MergeBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Offices → bundles → hub on a workload.py folder: ops= export_s= merge_s= bytes_per_op= peak_rss_mib=")

    @Argument(help: "Folder written by shared/bench/workload.py (one .jsonl per office).")
    var directory: String

    @Option(help: "Keep the hub replica at this path.")
    var hub: String?

    @Option(help: "Operations per local transaction during the replay (default: all of an office's, in one, as the session-extension peer does).")
    var batch: Int = Int.max

    @Option(help: "zlib level of the bundles.")
    var level: Int32 = 6

    @Option(help: "Keep the office bundles in this folder; if it already holds them, skip the offices and only merge (for profiling).")
    var bundles: String?

    @Option(name: .customLong("format"), help: "Bundle format: 2 (signed and sealed, the default) or 1 (unsigned, as before format 2: for comparison).")
    var bundleFormat: Int = 2

    func run() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".jsonl") }.sorted()
        guard !files.isEmpty else { throw ValidationError("no .jsonl file in \(directory)") }
        let work = try temporaryDirectory("merge")
        defer { try? FileManager.default.removeItem(at: work) }
        let outbox = bundles.map { URL(fileURLWithPath: $0) } ?? work.appendingPathComponent("sticks")
        try FileManager.default.createDirectory(at: outbox, withIntermediateDirectories: true)
        let mailbag = Mailbag(outbox)
        let schema = Schema.current

        var ops = 0, refusedLocally = 0, recorded: UInt64 = 0, localSeconds = 0.0, exportSeconds = 0.0, bundleBytes = 0
        guard bundleFormat == 1 || bundleFormat == 2 else { throw ValidationError("--format is 1 or 2") }
        // The network's keys and the roster the hub signs (format 2): every office enrolled.
        let sites = try files.map { try SiteName(String($0.dropLast(".jsonl".count))) }
        // Kept beside kept bundles, so that a later run (`--bundles`, merge only) opens them.
        func keys(for site: SiteName) throws -> SiteKeys {
            guard bundles != nil else { return SiteKeys.generate(for: site) }
            return try SiteKeys.readOrCreate(at: outbox.appendingPathComponent("\(site.rawValue).cles").path, for: site)
        }
        let hubKeys = try keys(for: .hub)
        let officeKeys = Dictionary(uniqueKeysWithValues: try sites.map { ($0, try keys(for: $0)) })
        let rosterContent = Roster(network: "", issuedAt: 1, hub: hubKeys.identity,
                                   offices: officeKeys.values.map { Roster.Entry(identity: $0.identity, enrolledAt: 1) })
        let roster = SignedRoster(roster: rosterContent, bytes: try rosterContent.signed(with: hubKeys))
        var bundleFiles = try mailbag.files()
        let reuse = !bundleFiles.isEmpty
        if reuse {
            for url in bundleFiles {
                let header = try ChangeBundle.header(of: Mailbag.read(url))
                recorded += UInt64(header.changeCount)
                bundleBytes += try Mailbag.read(url).count
            }
        }
        for file in files where !reuse {
            let workload = try WorkloadFile.read(URL(fileURLWithPath: directory).appendingPathComponent(file))
            ops += workload.count
            guard let first = workload.first else { continue }
            let clock = ReplayClock()
            clock.millis = first.ts
            let office = try Replica.create(at: work.appendingPathComponent("\(first.site).sqlite").path,
                                            site: SiteName(first.site), clock: clock)
            let t0 = monotonicSeconds()
            var i = 0
            while i < workload.count {
                let slice = workload[i..<min(i + min(batch, workload.count), workload.count)]
                refusedLocally += try office.write { writer in
                    var refused = 0
                    for op in slice {
                        clock.millis = op.ts
                        do {
                            if let field = op.field, let raw = op.value {
                                let value = try schema.table(named: op.table).field(named: field).parse(raw, table: op.table)
                                try writer.set(table: op.table, id: op.id, fields: [(field, value)])
                            } else {
                                try writer.delete(table: op.table, id: op.id)
                            }
                        } catch StoreError.recordDeleted, StoreError.recordNotFound {
                            refused += 1  // an edit of a record this office deleted: refused, as for a user
                        }
                    }
                    return refused
                }
                i += min(batch, workload.count)
            }
            localSeconds += monotonicSeconds() - t0
            recorded += try office.read { try $0.vector() }[office.site]

            let t1 = monotonicSeconds()
            // One bundle per office, or several if it recorded more than one carries: signed
            // segments, sealed to the hub (format 2), or the same blocks unsigned (format 1).
            let keyring = Keyring(keys: officeKeys[office.site]!, roster: roster)
            try office.write { try $0.keep(roster) }
            let sealed = try office.sealedBundles(for: .hub, keyring: keyring, level: level)
            for item in sealed {
                let bytes = bundleFormat == 2 ? item.bytes : item.bundle.encodedFormat1(level: level)
                bundleBytes += bytes.count
                bundleFiles.append(try mailbag.write(bytes, name: Mailbag.fileName(for: item.bundle.header)))
            }
            exportSeconds += monotonicSeconds() - t1
            try office.close()
        }

        if reuse {
            for file in files { ops += try WorkloadFile.read(URL(fileURLWithPath: directory).appendingPathComponent(file)).count }
        }
        let hubPath = hub ?? work.appendingPathComponent("hub.sqlite").path
        let hubReplica = try Replica.create(at: hubPath, site: .hub)
        if bundleFormat == 2 {
            try hubKeys.write(to: hubReplica.keyFilePath)
            try hubReplica.write { try $0.keep(roster) }
        }
        let t2 = monotonicSeconds()
        var merged = 0
        for outcome in try hubReplica.importFiles(bundleFiles) {
            guard case .imported(let report) = outcome.result else {
                throw ValidationError("FAILED: \(outcome.url.lastPathComponent) was not imported: \(outcome.result)")
            }
            merged += report.apply.applied
        }
        let mergeSeconds = monotonicSeconds() - t2
        let peak = peakRSSMiB()

        try verify(hubReplica, against: files, expectedChanges: Int(recorded), merged: merged)
        try hubReplica.close()
        print("local_s=\(format(localSeconds, 2)) refused_locally=\(refusedLocally) bundle_bytes=\(bundleBytes)")
        print("format=\(bundleFormat) ops=\(ops) export_s=\(format(exportSeconds)) merge_s=\(format(mergeSeconds)) bytes_per_op=\(format(Double(bundleBytes) / Double(ops), 2)) peak_rss_mib=\(format(peak, 1))")
    }

    /// The LWW reference computed straight from the workload (stamp = (ts, office)), compared with
    /// the hub's canonical dump.
    private func verify(_ hub: Replica, against files: [String], expectedChanges: Int, merged: Int) throws {
        guard merged == expectedChanges, try hub.read({ try $0.vector() }).total == UInt64(expectedChanges) else {
            throw ValidationError("FAILED: the hub merged \(merged) changes, the offices recorded \(expectedChanges)")
        }
        var reference = RecordSet(schema: .current)
        for file in files {
            for op in try WorkloadFile.read(URL(fileURLWithPath: directory).appendingPathComponent(file)) {
                let operation: Change.Operation
                if let field = op.field, let raw = op.value {
                    let value = try Schema.current.table(named: op.table).field(named: field).parse(raw, table: op.table)
                    operation = .set(field: field, value: value)
                } else {
                    operation = .delete
                }
                try reference.apply(Change(origin: SiteName(unchecked: op.site), seq: UInt64(op.seq),
                                           hlc: HLC(millis: op.ts), table: op.table, id: op.id, operation: operation))
            }
        }
        guard try hub.read({ try $0.dumpJSON() }) == reference.canonicalJSON() else {
            throw ValidationError("FAILED: the hub's state differs from the LWW reference")
        }
    }
}
