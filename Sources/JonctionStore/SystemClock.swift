import Foundation
import Jonction

/// The machine's wall clock, in milliseconds since the Unix epoch.
public struct SystemClock: WallClock {
    public init() {}

    public func nowMillis() -> UInt64 {
        UInt64(max(0, Date().timeIntervalSince1970 * 1000))
    }
}
