import Foundation
import Jonction

/// A wall clock the test moves by hand (a field laptop's clock may be days off).
public final class ManualClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var millis: UInt64

    public init(millis: UInt64 = 1_790_000_000_000) { self.millis = millis }

    public func nowMillis() -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return millis
    }

    public func advance(by delta: Int64) {
        lock.lock()
        defer { lock.unlock() }
        millis = UInt64(Int64(millis) + delta)
    }

    public func set(_ value: UInt64) {
        lock.lock()
        defer { lock.unlock() }
        millis = value
    }
}
