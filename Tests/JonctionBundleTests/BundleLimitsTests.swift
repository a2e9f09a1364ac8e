import Foundation
import Jonction
@testable import JonctionBundle
@testable import JonctionFuzz
@testable import JonctionStore
import JonctionTestSupport
import Testing

/// protocol.md §5.2's limits: a receiver refuses what exceeds them before it allocates for it, a
/// writer splits rather than exceed them (issue 11).
@Suite("Paquets : plafond de mémoire, bombes, fichiers trop gros, découpage à l’écriture")
struct BundleLimitsTests {
    static let kayes = SiteName(unchecked: "kayes")

    @Test("une bombe zlib s’arrête à la longueur annoncée : elle coûte au plus cela")
    func inflaterStopsAtItsLimit() throws {
        // 64 MiB of zeros in about 64 KB.
        let bomb = Zlib.compress([], thenZeros: 64 << 20)
        #expect(bomb.count < 100_000)
        let inflater = Zlib.Inflater(bomb[...], limit: 1 << 20)
        #expect(inflater.read(1 << 20)?.count == 1 << 20)
        #expect(inflater.byte() == nil)
        #expect(inflater.read(1) == nil)
        #expect(!inflater.isAtEnd())
        #expect(inflater.produced == 1 << 20)
        // Asked for more than the limit at once: refused before anything is allocated or inflated.
        let again = Zlib.Inflater(bomb[...], limit: 1 << 20)
        #expect(again.read((1 << 20) + 1) == nil && again.produced == 0)
        // The whole stream, exactly: at its end.
        let exact = Zlib.Inflater(bomb[...], limit: 64 << 20)
        #expect(exact.read(64 << 20) != nil && exact.isAtEnd())
        #expect(Zlib.decompress(bomb[...], size: (64 << 20) - 1) == nil)
        #expect(Zlib.decompress(bomb[...], size: (64 << 20) + 1) == nil)
    }

    @Test("bombes : annoncée au-delà du plafond, refusée sans rien décompresser ; en deçà, refusée après au plus ce plafond")
    func bombs() throws {
        // Announcing 17 MiB: over the limit, refused as such before inflating.
        let over = HostileBundle.bomb(changes: 1, prefix: [1], zeros: 17 << 20, declaring: nil)
        #expect(throws: BundleError.overLimits(changes: 1, plainLength: (17 << 20) + 1)) { try ChangeBundle(decoding: over) }
        // Announcing 1 MiB of a stream that inflates to 65: malformed, once 1 MiB is inflated.
        var prefix = ByteWriter()
        prefix.varint(1)
        prefix.varint(UInt64((1 << 20) - 4))
        let lying = HostileBundle.bomb(changes: 1, prefix: prefix.bytes, zeros: 65 << 20, declaring: 1 << 20)
        #expect(throws: BundleError.malformed("change block: malformed(\"change block version 0\")")) {
            try ChangeBundle(decoding: lying)
        }
        // Announcing more than zlib can expand a body to: refused without inflating.
        let small = HostileBundle.bomb(changes: 1, prefix: [1], zeros: 1000, declaring: 10 << 20)
        #expect(throws: BundleError.malformed("announced size \(10 << 20)")) { try ChangeBundle(decoding: small) }
    }

    @Test("le bloc qui demandait 50 Go : refusé sur son compte, quelle que soit la taille du corps")
    func countBomb() throws {
        // 8 MB of a block declaring as many changes as bytes, its columns empty but one.
        let block = HostileBundle.shortColumnsBlock(changes: 8_000_000, padding: 8_000_000)
        let file = HostileBundle.bomb(changes: 1, prefix: block.prefix, zeros: block.zeros, declaring: nil)
        #expect(throws: BundleError.malformed("change block: malformed(\"count 8000000 above 1\")")) {
            try ChangeBundle(decoding: file)
        }
        // Even when the header announces as many: the columns are too short for them.
        let announced = HostileBundle.bomb(changes: 200_000, prefix: block.prefix, zeros: block.zeros, declaring: nil)
        #expect(throws: BundleError.malformed("change block: malformed(\"count 8000000 above 200000\")")) {
            try ChangeBundle(decoding: announced)
        }
        let exact = HostileBundle.shortColumnsBlock(changes: 200_000, padding: 8_000_000)
        let full = HostileBundle.bomb(changes: 200_000, prefix: exact.prefix, zeros: exact.zeros, declaring: nil)
        #expect(throws: BundleError.malformed("change block: malformed(\"column shorter than 200000 changes\")")) {
            try ChangeBundle(decoding: full)
        }
        // More than a bundle carries: refused on the header.
        let many = HostileBundle.bomb(changes: 1_000_000, prefix: block.prefix, zeros: block.zeros, declaring: nil)
        #expect(throws: BundleError.overLimits(changes: 1_000_000, plainLength: block.prefix.count + block.zeros)) {
            try ChangeBundle(decoding: many)
        }
        #expect(throws: BundleError.malformed("change block: malformed(\"count 1099511627776 above 1\")")) {
            try ChangeBundle(decoding: HostileBundle.declares2p40Changes.bytes())
        }
    }

    @Test("trop de changements ou un en-tête sans fin : refusés sur l’en-tête")
    func headerLimits() throws {
        // A header announcing more changes than a bundle carries.
        let many = HostileBundle.file(changes: ChangeBundle.maximumChangeCount + 1, plain: [0])
        #expect(throws: BundleError.overLimits(changes: ChangeBundle.maximumChangeCount + 1, plainLength: 1)) {
            try ChangeBundle(decoding: many)
        }
        // A vector of 30,000 sites: its header is longer than 256 KiB.
        var vector: [SiteName: UInt64] = [:]
        for k in 0..<30_000 { vector[SiteName(unchecked: "site-\(k)")] = 1 }
        let long = ChangeBundle(sender: Self.kayes, addressee: .hub, network: nil, createdAt: 1,
                                senderVector: VersionVector(vector), ranges: [Self.kayes: 1...1], changeCount: 1,
                                blocks: [ChangeBlock.encode([])]).encodedFormat1()
        #expect(throws: BundleError.damaged) { try ChangeBundle.header(of: long) }
        #expect(throws: BundleError.damaged) { try ChangeBundle.header(of: Array(long.prefix(ChangeBundle.maximumHeaderLength))) }
        #expect(throws: BundleError.truncated) { try ChangeBundle.header(of: Array(long.prefix(100_000))) }
    }

    @Test("un fichier de 1,1 Go est refusé sans être lu ; l’en-tête se lit sans lire le reste")
    func files() throws {
        let dir = TemporaryDirectory("limits")
        let golden = try Mailbag.read(fixturesDirectory.appendingPathComponent("golden-v1.jnb"))
        // Sparse: 1.1 GB on disk costs nothing, but reading it would.
        let huge = dir.url.appendingPathComponent("enorme.jnb")
        try Data(golden).write(to: huge)
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: 1_100_000_000)
        try handle.close()
        #expect(throws: BundleError.tooLarge(1_100_000_000)) { try Mailbag.read(huge) }
        #expect(throws: BundleError.tooLarge(1_100_000_000)) { try Mailbag.header(of: huge) }
        let message = BundleError.tooLarge(1_100_000_000).message(.fr)
        #expect(message.contains("fichier trop gros") && message.contains("16 Mio") && message.contains("pas été lu"))

        // A file of 15 MiB whose header is good: the header reads, from its first kilobytes.
        let big = dir.url.appendingPathComponent("gros.jnb")
        try Data(golden).write(to: big)
        let h = try FileHandle(forWritingTo: big)
        try h.truncate(atOffset: 15 << 20)
        try h.close()
        #expect(try Mailbag.header(of: big) == ChangeBundle.header(of: golden))
        // A header longer than the first read (a vector of 500 sites), read in a few steps.
        var vector: [SiteName: UInt64] = [:]
        for k in 0..<500 { vector[SiteName(unchecked: "bureau-\(k)")] = 1 }
        let wide = ChangeBundle(sender: Self.kayes, addressee: .hub, network: nil, createdAt: 1,
                                senderVector: VersionVector(vector), ranges: [Self.kayes: 1...1], changeCount: 1,
                                blocks: [ChangeBlock.encode([])])
        let wideURL = dir.url.appendingPathComponent("large.jnb")
        try Data(wide.encodedFormat1()).write(to: wideURL)
        #expect(try Mailbag.header(of: wideURL) == wide.header)
        // Cut within the header: truncated; not a regular file, or absent: cannot be read.
        let cut = dir.url.appendingPathComponent("coupe.jnb")
        try Data(golden.prefix(20)).write(to: cut)
        #expect(throws: BundleError.truncated) { try Mailbag.header(of: cut) }
        let folder = dir.url.appendingPathComponent("dossier.jnb")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        #expect(throws: MailbagError.cannotRead(folder.path)) { try Mailbag.read(folder) }
        #expect(throws: MailbagError.cannotRead(dir.path("absent.jnb"))) { try Mailbag.read(dir.url.appendingPathComponent("absent.jnb")) }
    }

    @Test("trier un dossier ne lit que les en-têtes ; chaque paquet est lu une fois, à son import")
    func folderSortReadsHeaders() throws {
        let dir = TemporaryDirectory("sort")
        let office = try Replica.create(at: dir.path("kayes.sqlite"), site: Self.kayes)
        let hub = try Replica.create(at: dir.path("hub.sqlite"), site: .hub)
        try LocalNetwork.join([office, hub])
        let stick = dir.url.appendingPathComponent("cle")
        try FileManager.default.createDirectory(at: stick, withIntermediateDirectories: true)
        for k in 1...3 {
            try office.write { _ = try $0.put(table: "candidate", id: "kayes-c\(k)", fields: [("status", "registered")]) }
            let bundle = try office.sealedBundle(for: .hub)!
            try Mailbag(stick).write(bundle.bytes, name: Mailbag.fileName(for: bundle.bundle.header))
            try office.write { try $0.remember(peer: .hub, Acknowledgement(vector: bundle.senderVector, writtenAt: UInt64(k))) }
        }
        // Each file's body replaced by garbage after the header: sorting cannot tell, merging can.
        let files = try Mailbag(stick).files()
        for file in files {
            let bytes = try Mailbag.read(file)
            let start = try ChangeBundle.readHeader(bytes).next
            try Data(bytes[..<start] + [UInt8](repeating: 0xEE, count: bytes.count - start)).write(to: file)
        }
        let parcels = try FolderTransport(stick, allAddressees: true).parcels(for: .hub).waiting
        #expect(parcels.count == 3 && parcels.allSatisfy { $0.header?.sender == Self.kayes })
        #expect(parcels.map(\.header?.ranges) == [[Self.kayes: 1...1], [Self.kayes: 2...2], [Self.kayes: 3...3]])
        let outcomes = try hub.importFiles([stick])
        #expect(outcomes.count == 3 && outcomes.allSatisfy(\.isRefused))
    }

    @Test("au-delà de ce qu’un paquet porte, l’écrivain découpe ; les morceaux, importés dans n’importe quel ordre, rendent tout")
    func writerSplits() throws {
        let dir = TemporaryDirectory("split")
        let kayes = try Replica.create(at: dir.path("kayes.sqlite"), site: Self.kayes)
        let gao = try Replica.create(at: dir.path("gao.sqlite"), site: SiteName("gao"))
        let hub = try Replica.create(at: dir.path("hub.sqlite"), site: .hub)
        try LocalNetwork.join([kayes, gao, hub])
        for k in 1...30 {
            try kayes.write { _ = try $0.put(table: "candidate", id: "kayes-c\(k)", fields: [("status", "registered"), ("family_name", "Traoré")]) }
        }
        for k in 1...20 {
            try gao.write { _ = try $0.put(table: "candidate", id: "gao-c\(k)", fields: [("status", "trained")]) }
        }
        // By count: at most 25 changes per bundle. A site signs its changes in segments that fit
        // (60 changes: 25, 25, 10), and a segment travels whole, as its origin cut it.
        let byCount = ChangeBundle.Limits(fileSize: 1 << 20, plainLength: 1 << 20, changeCount: 25)
        let fromKayes = try kayes.sealedBundles(for: SiteName("gao"), limits: byCount)
        #expect(fromKayes.map(\.changeCount) == [25, 25, 10])
        _ = try gao.receive(fromKayes.reversed().map { Parcel(name: "kayes", bytes: $0.bytes) })
        let total = try gao.read { try $0.vector() }.total
        #expect(total == 80)
        let parts = try gao.sealedBundles(for: .hub, limits: byCount)
        #expect(parts.map(\.changeCount) == [20, 25, 25, 10])
        #expect(parts.allSatisfy { $0.changeCount <= 25 && $0.bytes.count <= byCount.fileSize && $0.senderVector == parts[0].senderVector })
        let gaoSite = try SiteName("gao")
        #expect(parts.map { $0.ranges.keys.sorted() } == [[gaoSite], [Self.kayes], [Self.kayes], [Self.kayes]])
        // By bytes: a plain body of at most 600 bytes, one segment at least in each.
        let byBytes = ChangeBundle.Limits(fileSize: 1 << 20, plainLength: 600, changeCount: 1000)
        let small = try gao.sealedBundles(for: .hub, limits: byBytes)
        #expect(small.count > 1)
        #expect(small.reduce(0) { $0 + $1.changeCount } == 80)
        #expect(try gao.sealedBundles(for: .hub, limits: byBytes, atMost: 1).count == 1)

        // The pieces, in reverse order, in one folder: the gaps fill in the same import.
        let stick = dir.url.appendingPathComponent("cle")
        try FileManager.default.createDirectory(at: stick, withIntermediateDirectories: true)
        for part in parts.reversed() { try Mailbag(stick).write(part.bytes, name: Mailbag.fileName(for: part.header)) }
        let outcomes = try hub.importFiles([stick])
        #expect(outcomes.allSatisfy { !$0.isRefused })
        #expect(try hub.read { try $0.vector() } == gao.read { try $0.vector() })
        #expect(try hub.read { try $0.dumpJSON() } == gao.read { try $0.dumpJSON() })

        // Within the limits, one bundle, as before.
        #expect(try gao.sealedBundles(for: .hub).count == 1)
    }
}
