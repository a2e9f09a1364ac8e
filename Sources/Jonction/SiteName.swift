/// The name of a site (an office or the hub): 1 to 32 characters among `a-z`, `0-9` and `-`,
/// not starting with `-`. Site names order stamps that share a clock value (protocol.md §2.3).
public struct SiteName: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// The hub's replica is the site of this name.
    public static let hub = SiteName(unchecked: "hub")
    public static let maximumLength = 32

    public init(_ rawValue: String) throws(SchemaError) {
        guard SiteName.isValid(rawValue) else { throw .invalidSiteName(rawValue) }
        self.rawValue = rawValue
    }

    /// For names already validated (read back from a replica or a verified bundle).
    public init(unchecked rawValue: String) {
        self.rawValue = rawValue
    }

    public static func isValid(_ name: String) -> Bool {
        let bytes = name.utf8
        guard let first = bytes.first, bytes.count <= maximumLength, first != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy { b in
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
                || b == UInt8(ascii: "-")
        }
    }

    public var description: String { rawValue }

    public static func < (lhs: SiteName, rhs: SiteName) -> Bool {
        // Site names are ASCII: byte order is the order every implementation can reproduce.
        CanonicalJSON.precedes(lhs.rawValue, rhs.rawValue)
    }
}
