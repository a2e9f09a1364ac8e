import CoreMetrics
import Foundation
import Jonction
import Prometheus

/// The hub's figures for its monitoring (`GET /metrics`, Prometheus text format), kept through
/// swift-metrics with the Prometheus factory of a registry of the server's own (no global state).
/// Labels name outcomes, error codes, routes and offices' site names only: nothing personal, no
/// token.
public final class HubMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory
    let started = Date()

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30),
        ]
        self.factory = factory
    }

    /// An upload merged (`merged`, or `replay` when it held nothing new), with its figures.
    func uploaded(office: SiteName, bytes: Int, applied: Int, conflicts: Int, duplicates: Int) {
        Counter(label: "jonction_bundles_received_total", dimensions: [("outcome", applied == 0 ? "replay" : "merged")], factory: factory).increment()
        Counter(label: "jonction_changes_merged_total", factory: factory).increment(by: applied)
        Counter(label: "jonction_changes_duplicate_total", factory: factory).increment(by: duplicates)
        Counter(label: "jonction_conflicts_total", factory: factory).increment(by: conflicts)
        Counter(label: "jonction_bytes_in_total", factory: factory).increment(by: bytes)
        seen(office)
    }

    /// A request refused, by its error code (§6.6).
    func refused(route: String, code: String) {
        Counter(label: "jonction_requests_refused_total", dimensions: [("route", route), ("code", code)], factory: factory).increment()
        if route == "upload" {
            Counter(label: "jonction_bundles_received_total", dimensions: [("outcome", "refused")], factory: factory).increment()
        }
    }

    func downloaded(office: SiteName, bytes: Int) {
        Counter(label: "jonction_bytes_out_total", factory: factory).increment(by: bytes)
        Counter(label: "jonction_bundles_sent_total", factory: factory).increment()
        seen(office)
    }

    /// How long a sync request took, by route (`upload`, `download`, `roster`).
    func took(_ route: String, since start: Date) {
        Timer(label: "jonction_sync_duration_seconds", dimensions: [("route", route)], factory: factory)
            .recordNanoseconds(Int64(Date().timeIntervalSince(start) * 1e9))
    }

    func seen(_ office: SiteName) {
        Gauge(label: "jonction_office_last_seen_timestamp_seconds", dimensions: [("office", office.rawValue)], factory: factory)
            .record(Date().timeIntervalSince1970)
    }

    /// The Prometheus text exposition, with the figures read from the replica at scrape time.
    func exposition(lastMerge: MergeRunSummary?) -> [UInt8] {
        Gauge(label: "jonction_uptime_seconds", factory: factory).record(Date().timeIntervalSince(started))
        if let lastMerge {
            Gauge(label: "jonction_merge_last_run_timestamp_seconds", factory: factory).record(Double(lastMerge.at) / 1000)
            Gauge(label: "jonction_merge_last_duration_seconds", factory: factory).record(Double(lastMerge.milliseconds) / 1000)
            Gauge(label: "jonction_merge_last_bundles", dimensions: [("outcome", "taken")], factory: factory).record(Double(lastMerge.taken))
            Gauge(label: "jonction_merge_last_bundles", dimensions: [("outcome", "refused")], factory: factory).record(Double(lastMerge.refused))
            Gauge(label: "jonction_merge_last_success", factory: factory).record(lastMerge.succeeded ? 1 : 0)
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
