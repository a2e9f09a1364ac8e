import Foundation
import Jonction
import JonctionBundle
@testable import JonctionFuzz
import JonctionStore
import JonctionTestSupport
import Testing

/// The short run of the seeded fuzzer (issue 11); `jonction-bench fuzz` runs the long one.
@Suite("Fuzzing : des paquets et des blocs mutés ne font jamais planter, un import refusé ne change rien")
struct FuzzTests {
    static var corpusFolder: URL { fixturesDirectory.appendingPathComponent("fuzz") }

    @Test("le corpus de Fixtures/fuzz se décode et s’importe : les mutants partent de paquets valides")
    func corpusIsValid() throws {
        let corpus = try FuzzCorpus.load(Self.corpusFolder)
        #expect(corpus.filter { $0.kind == .bundle }.count >= 4)
        #expect(corpus.filter { $0.kind == .block }.count >= 2)
        #expect(corpus.contains { $0.name == "golden-v1.jnb" })
        var kinds = Set<UInt8>(), modes = Set<UInt8>(), origins = 0, deletes = 0, blocks = 0
        let dir = TemporaryDirectory("corpus")
        for input in corpus where input.kind == .bundle {
            let bundle = try ChangeBundle(decoding: input.bytes)
            blocks = max(blocks, bundle.blocks.count)
            origins = max(origins, bundle.ranges.count)
            deletes += bundle.changes.filter { $0.operation == .delete }.count
            kinds.formUnion(bundle.blocks.flatMap { Self.previousKinds($0) })
            modes.formUnion(bundle.blocks.flatMap { Self.valueModes($0) })
            // Each imports into a fresh replica (mopti's answer needs gao's bundle first), but the
            // golden bundle: it carries gao 7–7 alone, a gap for a replica without gao's first six.
            guard input.name != "golden-v1.jnb" else { continue }
            let replica = try Replica.create(at: dir.path("\(input.name).sqlite"), site: SiteName("fuzz"),
                                             network: "0123456789abcdef0123456789abcdef")
            if input.name.hasPrefix("mopti") {
                try replica.importBundle(at: Self.corpusFolder.appendingPathComponent("gao-pour-mopti-relais.jnb"))
            }
            #expect(try !replica.importBundle(bytes: input.bytes).isReplay, "\(input.name)")
        }
        for input in corpus where input.kind == .block { #expect(try !ChangeBlock.decode(input.bytes).isEmpty) }
        // Every part of the format is there to be damaged.
        #expect(kinds == [0, 1, 2], "previous-stamp kinds")
        #expect(modes == [0, 1], "value stream modes")
        #expect(origins >= 2 && deletes >= 2 && blocks >= 2)
    }

    @Test("2 000 mutants, graine fixe : aucun plantage, aucune règle enfreinte, et les mutants vont jusqu’à l’import")
    func shortRun() throws {
        let dir = TemporaryDirectory("fuzz")
        let fuzzer = try BundleFuzzer(corpus: FuzzCorpus.load(Self.corpusFolder), folder: dir.url)
        let report = try fuzzer.run(seed: 20_261_101, iterations: 2000)
        #expect(report.executions == 2000)
        #expect(report.findings.isEmpty, "\(report.findings.prefix(5))")
        // The harness reaches every target, not only the checksum.
        #expect(Set(report.layers.keys) == Set(FuzzLayer.allCases))
        #expect(report.outcomes.keys.contains("block: decoded"))
        #expect(report.outcomes.keys.contains { $0.hasPrefix("bundle: malformed(\"change block") })
        #expect(report.imports > 20 && report.importsApplied > 0, "\(report.imports) imports")
        #expect(report.outcomes.keys.contains { $0.hasPrefix("import: ") && $0 != "import: merged" && $0 != "import: replay" })
        #expect(report.outcomes.count > 30, "\(report.outcomes.count) distinct outcomes")
    }

    @Test("une exécution se rejoue à l’identique depuis sa graine et son numéro")
    func replay() throws {
        let dir = TemporaryDirectory("fuzz-replay")
        let fuzzer = try BundleFuzzer(corpus: FuzzCorpus.load(Self.corpusFolder), folder: dir.url)
        var resealed = 0
        for index in Array(0..<60) + [1234] {
            let a = fuzzer.mutant(seed: 5, index: index), b = fuzzer.mutant(seed: 5, index: index)
            #expect(a.layer == b.layer)
            if a.layer == .segments || a.layer == .signed {
                // Sealed anew: HPKE draws a fresh ephemeral key, so the sealed bytes differ; what
                // they hold, and so what the reader makes of them, does not.
                resealed += 1
                let keyring = try #require(try Replica.open(at: dir.url.appendingPathComponent("fuzz-2.sqlite").path).keyring())
                func outcome(_ bytes: [UInt8]) -> String {
                    do { return "\(try ChangeBundle(decoding: bytes, keyring: keyring).changes)" } catch { return "\(error)" }
                }
                #expect(outcome(a.bytes) == outcome(b.bytes), "execution \(index)")
            } else {
                #expect(a.bytes == b.bytes, "execution \(index)")
            }
        }
        #expect(resealed > 0)
        #expect(fuzzer.mutant(seed: 5, index: 1).bytes != fuzzer.mutant(seed: 6, index: 1).bytes)
    }

    @Test("les mutations : chacune change les octets, la varint gonflée se relit plus grande ou plus longue")
    func mutations() {
        var rng = FuzzRandom(seed: 42)
        let input = Array(0..<200).map { UInt8($0 % 120) }
        for mutation in Mutation.allCases where mutation != .splice {
            var changed = 0
            for _ in 0..<50 {
                var bytes = input
                Mutator.apply(mutation, to: &bytes, other: [9, 9, 9], using: &rng)
                if bytes != input { changed += 1 }
            }
            #expect(changed >= 40, "\(mutation)")
        }
        var bytes: [UInt8] = [0x05]
        Mutator.inflateVarint(at: 0, in: &bytes, using: &rng)
        #expect(bytes != [0x05])
    }

    /// The previous-stamp kinds a block uses, by the rule of protocol.md §4.2.3.
    static func previousKinds(_ block: [UInt8]) -> Set<UInt8> {
        guard let changes = try? ChangeBlock.decode(block) else { return [] }
        var kinds = Set<UInt8>()
        var last: [String: Stamp] = [:]
        for c in changes {
            let record = "\(c.table)/\(c.id)"
            var key = record
            if case .set(let field, _) = c.operation { key += "/" + field }
            if let p = c.previous { kinds.insert(last[key] == p ? 1 : 2) } else { kinds.insert(0) }
            last[key] = c.stamp
            last[record] = c.stamp
        }
        return kinds
    }

    /// The value stream modes a block uses: the first byte of each stream.
    static func valueModes(_ block: [UInt8]) -> Set<UInt8> {
        guard let changes = try? ChangeBlock.decode(block) else { return [] }
        var modes = Set<UInt8>()
        let fields = Dictionary(grouping: changes.compactMap { c -> (String, Value)? in
            if case .set(let f, let v) = c.operation { return (f, v) } else { return nil }
        }, by: \.0)
        for (_, values) in fields {
            let distinct = Set(values.map(\.1)).count
            modes.insert(values.count >= 8 && distinct * 2 <= values.count ? 1 : 0)
        }
        return modes
    }
}
