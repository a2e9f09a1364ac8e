import Foundation

/// The fields of an `application/x-www-form-urlencoded` body or of a query string, in order.
/// Bounded: at most `maximumFields` fields, each name and value at most `maximumValue` bytes;
/// what is longer is cut (and then refused by the field's own rule, which bounds every length).
struct Form: Sendable {
    static let maximumFields = 200
    static let maximumValue = 8_192

    private(set) var pairs: [(String, String)] = []

    init(_ encoded: String?) {
        guard let encoded, !encoded.isEmpty else { return }
        for part in encoded.split(separator: "&", omittingEmptySubsequences: true).prefix(Self.maximumFields) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(pieces[0])
            let value = pieces.count > 1 ? Self.decode(pieces[1]) : ""
            pairs.append((String(name.prefix(Self.maximumValue)), String(value.prefix(Self.maximumValue))))
        }
    }

    init(pairs: [(String, String)]) { self.pairs = pairs }

    static func decode(_ s: Substring) -> String {
        let spaced = s.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    static func encode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    subscript(_ name: String) -> String? { pairs.first { $0.0 == name }?.1 }

    func all(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }

    /// The value, trimmed, nil when blank.
    func text(_ name: String) -> String? {
        guard let v = self[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
        return v
    }
}
