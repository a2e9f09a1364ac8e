import ArgumentParser
import Foundation
import JonctionHub
import JonctionStore
import Logging

/// `jonction-bench serve-hub`: the hub of the `hub` benchmark in a process of its own, so that its
/// peak memory is its own (`HubProcess`). Prints `port=N` once it listens; stops when its standard
/// input closes (the benchmark ended, or died) or on SIGTERM.
struct ServeHub: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve-hub", abstract: "The hub benchmark's hub (started by `hub`).", shouldDisplay: false)

    @Option(help: "The hub's replica.")
    var db: String

    func run() async throws {
        let hub = try Replica.open(at: db)
        var logger = Logger(label: "bench.hub")
        logger.logLevel = .critical
        // The end of standard input stops the hub as SIGTERM does: no hub outlives its benchmark.
        Thread.detachNewThread {
            while FileHandle.standardInput.availableData.count > 0 {}
            kill(getpid(), SIGTERM)
        }
        try await HubServer.serve(replica: hub, host: "127.0.0.1", port: 0, logger: logger) { port in
            FileHandle.standardOutput.write(Data("port=\(port)\n".utf8))
        }
        try hub.close()
    }
}
