import ArgumentParser
import Foundation
import JonctionBundle
import JonctionFuzz

/// The long run of the seeded mutation fuzzer (the test suite runs 2,000 executions of it): the
/// bundle and change-block decoders and the import, on mutants of `Fixtures/fuzz/`.
struct FuzzBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz",
        abstract: "Seeded mutation fuzzing of bundles and change blocks: executions= distinct_outcomes= crashes= findings= exec_per_s= peak_rss_mib=",
        discussion: """
            A crash ends the process: the last progress line says which executions were done; replay one
            with --start N --iterations 1 --save FILE (its mutant is written before it runs).
            """)

    @Option(help: "Executions to run.")
    var iterations: Int = 1_000_000

    @Option(help: "Seed of the run: the same seed gives the same executions.")
    var seed: UInt64 = 1

    @Option(help: "First execution (to resume, or replay one).")
    var start: Int = 0

    @Option(help: "Corpus folder (.jnb bundles, .block change blocks).")
    var corpus: String = "Fixtures/fuzz"

    @Option(help: "Write each execution's mutant to this file before running it (slow; to catch a crash).")
    var save: String?

    @Flag(help: "Regenerate the corpus into --corpus (and copy Fixtures/golden-v1.jnb there), then stop.")
    var writeCorpus = false

    @Option(help: "Write the hostile bundles (bombs) into this folder, then stop.")
    var writeHostile: String?

    func run() throws {
        if let folder = writeHostile {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for hostile in HostileBundle.allCases {
                let bytes = hostile.bytes()
                try Data(bytes).write(to: URL(fileURLWithPath: folder).appendingPathComponent("\(hostile.rawValue).jnb"))
                print("\(hostile.rawValue).jnb bytes=\(bytes.count)")
            }
            return
        }
        let corpusURL = URL(fileURLWithPath: corpus)
        if writeCorpus {
            try FileManager.default.createDirectory(at: corpusURL, withIntermediateDirectories: true)
            let work = try temporaryDirectory("corpus")
            defer { try? FileManager.default.removeItem(at: work) }
            try FuzzCorpus.generate(into: corpusURL, work: work)
            let golden = corpusURL.deletingLastPathComponent().appendingPathComponent("golden-v1.jnb")
            try Data(Mailbag.read(golden)).write(to: corpusURL.appendingPathComponent("golden-v1.jnb"))
            for input in try FuzzCorpus.load(corpusURL) { print("\(input.name) \(input.kind.rawValue) bytes=\(input.bytes.count)") }
            return
        }

        let inputs = try FuzzCorpus.load(corpusURL)
        guard !inputs.isEmpty else { throw ValidationError("no .jnb or .block file in \(corpus)") }
        let work = try temporaryDirectory("fuzz")
        defer { try? FileManager.default.removeItem(at: work) }
        let fuzzer = try BundleFuzzer(corpus: inputs, folder: work)
        print("corpus=\(inputs.count) seed=\(seed) start=\(start) iterations=\(iterations)")
        let t0 = monotonicSeconds()
        var report = BundleFuzzer.Report()
        for index in start..<(start + iterations) {
            if let save { try Data(fuzzer.mutant(seed: seed, index: index).bytes).write(to: URL(fileURLWithPath: save)) }
            try fuzzer.execute(seed: seed, index: index, into: &report)
            if (index - start + 1) % 100_000 == 0 {
                let elapsed = monotonicSeconds() - t0
                print("done=\(index + 1) distinct_outcomes=\(report.outcomes.count) findings=\(report.findings.count) exec_per_s=\(Int(Double(index - start + 1) / elapsed)) peak_rss_mib=\(format(peakRSSMiB(), 1))")
                fflush(nil)
            }
        }
        let seconds = monotonicSeconds() - t0
        print("layers: " + report.layers.sorted { $0.key < $1.key }.map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: " "))
        print("most frequent outcomes:")
        for (outcome, n) in report.outcomes.sorted(by: { $0.value > $1.value }).prefix(25) { print("  \(n)\t\(outcome)") }
        for finding in report.findings.prefix(20) { print("FINDING: \(finding)") }
        print("imports=\(report.imports) imports_merged=\(report.importsApplied) seconds=\(format(seconds, 1))")
        print("executions=\(report.executions) distinct_outcomes=\(report.outcomes.count) crashes=0 findings=\(report.findings.count) exec_per_s=\(Int(Double(report.executions) / seconds)) peak_rss_mib=\(format(peakRSSMiB(), 1))")
        if !report.findings.isEmpty { throw ExitCode.failure }
    }
}
