import Foundation

/// A progress line on stderr, redrawn in place; silent when stderr is not a terminal (pipes, cron).
/// Safe to call from any thread (the sync reports progress from its worker threads).
///
/// `@unchecked Sendable` is safe: every mutable property is read and written only under `lock`.
final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private let enabled: Bool
    private var label: String
    private var lastDraw = 0.0
    private var drawn = false

    init(_ label: String, enabled: Bool = standardErrorIsTerminal) {
        self.label = label
        self.enabled = enabled
    }

    func relabel(_ label: String) {
        lock.lock()
        defer { lock.unlock() }
        self.label = label
        draw(label)
    }

    func update(_ done: Int, _ total: Int) {
        lock.lock()
        defer { lock.unlock() }
        guard enabled, total > 0 else { return }
        let now = Date().timeIntervalSince1970
        guard now - lastDraw > 0.1 || done == total else { return }
        lastDraw = now
        draw("\(label) \(done * 100 / total) % (\(done)/\(total))")
    }

    private func draw(_ text: String) {
        guard enabled else { return }
        writeStandardError("\r\u{1B}[K" + text)
        drawn = true
    }

    /// Erases the line, so that what follows starts clean.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        guard enabled, drawn else { return }
        writeStandardError("\r\u{1B}[K")
        drawn = false
    }
}
