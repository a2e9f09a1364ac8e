/// The name of a person of a site's user list (`jonction users`): 1 to 32 characters among `a-z`,
/// `0-9`, `.` and `-`, starting with a letter. A change names its author by it (protocol.md §2.3).
public struct UserName: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String

    public static let maximumLength = 32

    public init(_ rawValue: String) throws(SchemaError) {
        guard UserName.isValid(rawValue) else { throw .invalidUserName(NormalText.printable(rawValue)) }
        self.rawValue = rawValue
    }

    /// For names already validated (read back from a replica or a decoded block).
    public init(unchecked rawValue: String) {
        self.rawValue = rawValue
    }

    public static func isValid(_ name: String) -> Bool {
        let bytes = name.utf8
        guard let first = bytes.first, bytes.count <= maximumLength,
            first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z")
        else { return false }
        return bytes.allSatisfy { b in
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
                || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
        }
    }

    public var description: String { rawValue }

    public static func < (lhs: UserName, rhs: UserName) -> Bool {
        CanonicalJSON.precedes(lhs.rawValue, rhs.rawValue)
    }
}
