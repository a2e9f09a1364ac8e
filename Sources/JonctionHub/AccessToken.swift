import Crypto
import Foundation

/// An office's access token: 256 random bits, written `jnct_` + base64url. The hub keeps only its
/// SHA-256, so a copy of the hub's database does not let anyone sync as an office.
public struct AccessToken: Sendable, Hashable, CustomStringConvertible {
    public let text: String

    /// A new token from the system's cryptographically secure generator.
    public static func generate() -> AccessToken {
        let key = SymmetricKey(size: .bits256)
        let bytes = key.withUnsafeBytes { Array($0) }
        return AccessToken(unchecked: "jnct_" + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: ""))
    }

    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard t.hasPrefix("jnct_"), (40...100).contains(t.utf8.count),
            t.utf8.dropFirst(5).allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F })
        else { return nil }
        self.text = t
    }

    private init(unchecked text: String) { self.text = text }

    /// What the hub stores and looks tokens up by.
    public var sha256: [UInt8] { Array(SHA256.hash(data: Data(text.utf8))) }

    /// Never print a token by accident (logs): only its first characters.
    public var description: String { String(text.prefix(9)) + "…" }
}
