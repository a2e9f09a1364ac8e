import Foundation
import Jonction
import JonctionBundle
import JonctionStore

/// One input of the corpus: a bundle file, or a change block alone.
public struct FuzzInput: Sendable {
    public enum Kind: String, Sendable { case bundle, block }

    public var name: String
    public var kind: Kind
    public var bytes: [UInt8]

    public init(name: String, kind: Kind, bytes: [UInt8]) {
        self.name = name
        self.kind = kind
        self.bytes = bytes
    }
}

/// Where a mutant was made: the deeper the layer, the more of the file is put back together
/// around the damage so that it reaches the decoder behind.
public enum FuzzLayer: String, CaseIterable, Sendable, Comparable {
    /// Raw bytes of the file: the checksum catches nearly everything.
    case file
    /// Raw bytes, checksum recomputed: the header, the lengths, the body as stored.
    case checksummed
    /// The header only; body kept, lengths and checksum rewritten.
    case header
    /// The plain body, recompressed, its declared length true (or, sometimes, not).
    case body
    /// One change block; when the blocks still decode, the header's count and ranges are rebuilt
    /// from them, so the bundle reaches the import.
    case consistent
    /// Format 2: raw bytes of a signed and sealed file (the signatures catch nearly everything).
    case sealed
    /// Format 2: the plain body (signers, blocks, signatures) mutated, then sealed and signed again
    /// by the sender, so that the segment reader and the segment signatures are reached.
    case segments
    /// Format 2: one block mutated and signed again by its origin, so that it passes every
    /// signature and reaches the block decoder, the data model and the import.
    case signed
    /// A change block given to `ChangeBlock.decode` alone.
    case block

    public static func < (a: FuzzLayer, b: FuzzLayer) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// A seeded mutation fuzzer of the bundle and change-block decoders (issue 11): each execution
/// mutates an input of the corpus at one layer, then runs every target it reaches — the header
/// reader, `ChangeBundle(decoding:)`, `ChangeBlock.decode`, and the import into a replica — and
/// checks what must hold whatever the bytes:
///
/// - every decoder returns or throws its own error type (a crash ends the run: the process dies);
/// - a bundle that decodes has the header `header(of:)` reads, and re-encodes to itself;
/// - an import succeeds or throws a `BundleError`/`StoreError`, and a failed import leaves the
///   replica as it was (vector, records, network).
///
/// Execution `i` of seed `s` is the same on every machine: `mutant(seed:index:)` rebuilds it.
public final class BundleFuzzer {
    public struct Report: Sendable {
        public var executions = 0
        /// Each distinct outcome (numbers replaced by `#`) and how often it came.
        public var outcomes: [String: Int] = [:]
        public var layers: [FuzzLayer: Int] = [:]
        /// Bundles that decoded and were imported, and how many of those imports merged something.
        public var imports = 0, importsApplied = 0
        /// Executions that broke a rule.
        public var findings: [Finding] = []

        public init() {}
    }

    public struct Finding: Sendable, CustomStringConvertible {
        public var seed: UInt64
        public var index: Int
        public var layer: FuzzLayer
        public var detail: String

        public var description: String { "seed \(seed) execution \(index) (\(layer.rawValue)): \(detail)" }
    }

    /// A corpus input taken apart once.
    private struct Seed {
        var input: FuzzInput
        var anatomy: BundleAnatomy?
        var blocks: [[UInt8]]
        var header: BundleHeader?
        /// Its changes as format 2 segments (one per run of an origin's seqs), and a format 2 file
        /// of them for the fuzz site: nil if its blocks do not decode.
        var segments: [(block: [UInt8], origin: SiteName)]?
        var sealed: [UInt8]?
    }

    private var seeds: [Seed]
    /// Imports of format 1 mutants: a replica of a network without keys (format 1 is read).
    private let replica: Replica
    /// Imports of format 2 mutants: a replica holding the fuzz network's roster and keys.
    private let sealedReplica: Replica
    private let network = FuzzNetwork()
    /// Mutants stay below this size: large enough to hold every corpus input twice over.
    private let maximumLength: Int

    /// A fuzzer over `corpus`, importing into a replica it creates in `folder` (network of the
    /// golden bundle, clock just after the corpus's changes, so that they are neither foreign
    /// nor from the future).
    public init(corpus: [FuzzInput], folder: URL) throws {
        precondition(!corpus.isEmpty, "empty fuzz corpus")
        var seeds: [Seed] = corpus.map { input in
            switch input.kind {
            case .block:
                return Seed(input: input, anatomy: nil, blocks: [input.bytes], header: nil)
            case .bundle:
                let anatomy = BundleAnatomy(input.bytes)
                return Seed(input: input, anatomy: anatomy, blocks: anatomy?.blocks ?? [],
                            header: try? ChangeBundle.header(of: input.bytes))
            }
        }
        self.seeds = []
        maximumLength = 2 * (corpus.map(\.bytes.count).max() ?? 0) + 4096
        replica = try Replica.create(at: folder.appendingPathComponent("fuzz.sqlite").path, site: FuzzNetwork.site,
                                     network: FuzzNetwork.networkID, clock: FixedClock(millis: 1_790_000_300_000))
        sealedReplica = try Replica.create(at: folder.appendingPathComponent("fuzz-2.sqlite").path, site: FuzzNetwork.site,
                                           network: FuzzNetwork.networkID, clock: FixedClock(millis: 1_790_000_300_000))
        try network.keys(of: FuzzNetwork.site).write(to: sealedReplica.keyFilePath)
        try sealedReplica.write { [network] in try $0.keep(network.roster) }
        let network = self.network
        seeds = seeds.map { seed in
            var seed = seed
            guard let header = seed.header, seed.input.kind == .bundle,
                let changes = try? seed.blocks.flatMap({ try ChangeBlock.decode($0) }), !changes.isEmpty
            else { return seed }
            let sorted = changes.sorted { $0.origin != $1.origin ? $0.origin < $1.origin : $0.seq < $1.seq }
            seed.segments = SeqRun.runs(in: sorted).map { (ChangeBlock.encode(Array(sorted[$0.indices])), $0.origin) }
            seed.sealed = try? network.file(header, segments: seed.segments!.map { ($0.block, $0.origin, nil) })
            return seed
        }
        self.seeds = seeds
    }

    deinit {
        try? replica.close()
        try? sealedReplica.close()
    }

    /// Runs `iterations` executions from `start`; `progress` is called every `every` executions.
    public func run(seed: UInt64, iterations: Int, from start: Int = 0, every: Int = 10_000,
                    progress: ((Int, Report) -> Void)? = nil) throws -> Report {
        var report = Report()
        for index in start..<(start + iterations) {
            try execute(seed: seed, index: index, into: &report)
            if let progress, (index - start + 1) % every == 0 { progress(index, report) }
        }
        return report
    }

    /// The mutant of execution `index` (to save one that crashed, and replay it).
    public func mutant(seed: UInt64, index: Int) -> (layer: FuzzLayer, bytes: [UInt8]) {
        var rng = FuzzRandom(seed: seed, index: index)
        return makeMutant(using: &rng)
    }

    /// Runs one execution and counts what it did.
    public func execute(seed: UInt64, index: Int, into report: inout Report) throws {
        let (layer, bytes) = mutant(seed: seed, index: index)
        report.executions += 1
        report.layers[layer, default: 0] += 1
        func note(_ outcome: String) { report.outcomes[BundleFuzzer.normalized(outcome), default: 0] += 1 }
        func finding(_ detail: String) { report.findings.append(Finding(seed: seed, index: index, layer: layer, detail: detail)) }

        if layer == .block {
            do {
                let changes = try ChangeBlock.decode(bytes)
                if try ChangeBlock.decode(ChangeBlock.encode(changes)) != changes { finding("a decoded block does not re-encode to itself") }
                note("block: decoded")
            } catch {
                note("block: \(error)")
            }
            return
        }

        let sealed = [.sealed, .segments, .signed].contains(layer)
        let target = sealed ? sealedReplica : replica
        let keyring = sealed ? network.keyring : nil
        let header = try? ChangeBundle.header(of: bytes)
        let bundle: ChangeBundle
        do {
            bundle = try ChangeBundle(decoding: bytes, keyring: keyring)
        } catch {
            note("bundle: \(error)")
            return
        }
        if header != bundle.header { finding("header(of:) reads another header than the decoder") }
        let again = bundle.format == 1 ? bundle.encodedFormat1(level: 1) : try? network.reseal(bundle)
        if (again.flatMap { try? ChangeBundle(decoding: $0, keyring: keyring) }) != bundle {
            finding("a decoded bundle does not re-encode to itself")
        }

        let before = try snapshot(target)
        report.imports += 1
        do {
            let imported = try target.importBundle(bundle)
            if !imported.isReplay { report.importsApplied += 1 }
            note(imported.isReplay ? "import: replay" : "import: merged")
        } catch let error as BundleError {
            note("import: \(error)")
            if try snapshot(target) != before { finding("a refused import changed the replica: \(error)") }
        } catch let error as StoreError {
            note("import: \(BundleFuzzer.kind(of: error))")
            if try snapshot(target) != before { finding("a refused import changed the replica: \(error)") }
        } catch {
            finding("import threw \(type(of: error)): \(error)")
        }
    }

    /// What a failed import must leave as it was.
    private func snapshot(_ replica: Replica) throws -> [String] {
        try replica.read { r in [String(describing: try r.vector()), try r.dumpJSON(), try r.network() ?? ""] }
    }

    // MARK: Mutants

    private func makeMutant(using rng: inout FuzzRandom) -> (FuzzLayer, [UInt8]) {
        let seed = seeds[rng.below(seeds.count)]
        let other = seeds[rng.below(seeds.count)]
        func mutate(_ bytes: [UInt8], _ partner: [UInt8]) -> [UInt8] {
            Mutator.mutate(bytes, other: partner, maximumLength: maximumLength, using: &rng).bytes
        }
        guard let anatomy = seed.anatomy else {
            let block = seed.blocks.isEmpty ? seed.input.bytes : seed.blocks[rng.below(seed.blocks.count)]
            return (.block, mutate(block, other.blocks.first ?? other.input.bytes))
        }
        if let segments = seed.segments, let file = seed.sealed, let header = seed.header, rng.oneIn(3) {
            return sealedMutant(header, segments, file, other: other, using: &rng)
        }
        let roll = rng.below(100)
        switch roll {
        case ..<10:
            return (.file, mutate(seed.input.bytes, other.input.bytes))
        case ..<30:
            return (.checksummed, BundleAnatomy.rechecksummed(mutate(seed.input.bytes, other.input.bytes)))
        case ..<45:
            var copy = anatomy
            copy.header = mutate(anatomy.header, other.anatomy?.header ?? other.input.bytes)
            return (.header, copy.assembled())
        case ..<65:
            var copy = anatomy
            copy.plain = mutate(anatomy.plain, other.anatomy?.plain ?? other.input.bytes)
            // Now and then the declared plain length lies (a zlib bomb, a short body).
            let declared: Int? = rng.oneIn(8) ? Int(Mutator.interestingNumbers[rng.below(10)]) : nil
            return (.body, copy.assembled(declaringPlainLength: declared))
        case ..<90 where !seed.blocks.isEmpty:
            return (.consistent, consistentMutant(seed, anatomy, other: other, using: &rng))
        default:
            let block = seed.blocks.isEmpty ? anatomy.plain : seed.blocks[rng.below(seed.blocks.count)]
            return (.block, mutate(block, other.blocks.first ?? other.input.bytes))
        }
    }

    /// One block mutated; if every block still decodes, the header is rebuilt around them (count,
    /// each origin's range from its lowest to its highest seq), else the body is only recompressed.
    private func consistentMutant(_ seed: Seed, _ anatomy: BundleAnatomy, other: Seed, using rng: inout FuzzRandom) -> [UInt8] {
        var blocks = seed.blocks
        let k = rng.below(blocks.count)
        blocks[k] = Mutator.mutate(blocks[k], other: other.blocks.first ?? other.input.bytes,
                                   maximumLength: maximumLength, using: &rng).bytes
        if rng.oneIn(8), blocks.count > 1 { blocks.swapAt(0, blocks.count - 1) }
        var decoded: [Change] = []
        for block in blocks {
            guard let changes = try? ChangeBlock.decode(block) else {
                var copy = anatomy
                copy.plain = BundleAnatomy.plain(of: blocks)
                return copy.assembled()
            }
            decoded += changes
        }
        guard let header = seed.header else { return anatomy.assembled() }
        var ranges: [SiteName: ClosedRange<UInt64>] = [:]
        for change in decoded {
            let r = ranges[change.origin]
            ranges[change.origin] = min(r?.lowerBound ?? change.seq, change.seq)...max(r?.upperBound ?? change.seq, change.seq)
        }
        return ChangeBundle(sender: header.sender, addressee: header.addressee, network: header.network,
                            createdAt: header.createdAt, schemaVersion: header.schemaVersion,
                            senderVector: header.senderVector, ranges: ranges, changeCount: decoded.count,
                            blocks: blocks).encodedFormat1(level: 1)
    }

    /// A format 2 mutant of a seed: the sealed file's bytes, the plain body re-sealed, or a block
    /// signed again by its origin.
    private func sealedMutant(_ header: BundleHeader, _ segments: [(block: [UInt8], origin: SiteName)], _ file: [UInt8],
                              other: Seed, using rng: inout FuzzRandom) -> (FuzzLayer, [UInt8]) {
        func mutate(_ bytes: [UInt8], _ partner: [UInt8]) -> [UInt8] {
            Mutator.mutate(bytes, other: partner, maximumLength: maximumLength, using: &rng).bytes
        }
        switch rng.below(3) {
        case 0:
            return (.sealed, mutate(file, other.sealed ?? other.input.bytes))
        case 1:
            let plain = network.plain(segments.map { ($0.block, $0.origin, nil) })
            let otherPlain = other.segments.map { network.plain($0.map { ($0.block, $0.origin, nil) }) } ?? other.input.bytes
            let declared: Int? = rng.oneIn(8) ? Int(Mutator.interestingNumbers[rng.below(10)]) : nil
            return (.segments, (try? network.file(header, plain: mutate(plain, otherPlain), declaring: declared)) ?? file)
        default:
            var parts = segments.map { (block: $0.block, origin: $0.origin, signer: Optional<SiteName>.none) }
            let k = rng.below(parts.count)
            parts[k].block = mutate(parts[k].block, other.blocks.first ?? other.input.bytes)
            // Now and then signed by another office than its origin, or by the hub.
            if rng.oneIn(6) { parts[k].signer = rng.oneIn(2) ? .hub : FuzzNetwork.sites[rng.below(FuzzNetwork.sites.count)] }
            return (.signed, (try? network.file(header, segments: parts)) ?? file)
        }
    }

    // MARK: Outcomes

    /// An outcome without its numbers, so that "count 5 above 3" and "count 7 above 2" are one.
    static func normalized(_ outcome: String) -> String {
        var out = "", inNumber = false
        for c in outcome.prefix(160) {
            if c.isNumber {
                if !inNumber { out.append("#") }
                inNumber = true
            } else {
                out.append(c)
                inNumber = false
            }
        }
        return out
    }

    /// A store error's case name, without the change it names.
    static func kind(of error: StoreError) -> String {
        String(String(describing: error).prefix { $0 != "(" })
    }
}

/// A wall clock that does not move.
struct FixedClock: WallClock {
    let millis: UInt64
    func nowMillis() -> UInt64 { millis }
}
