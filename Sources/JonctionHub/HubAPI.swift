import Hummingbird
import Jonction
import JonctionBundle

/// The HTTP API of the hub (protocol.md §6): paths, media type, error codes.
public enum HubAPI {
    public static let health = "/v1/health"
    public static let bundles = "/v1/bundles"
    public static let bundle = "/v1/bundle"
    public static let roster = "/v1/roster"
    /// The media type of a signed roster (protocol.md §7.2).
    public static let rosterMediaType = "application/vnd.jonction.roster"
    /// The media type of a bundle body.
    public static let bundleMediaType = "application/vnd.jonction.bundle"
    /// The download answer's headers saying what the hub holds (protocol.md §6.3): its vector as
    /// `site:seq` pairs joined by `,`, and its clock in ms.
    public static let vectorHeader = HTTPFields.Element.Name("Jonction-Vector")!
    public static let writtenAtHeader = HTTPFields.Element.Name("Jonction-Written-At")!

    /// A vector as `site:seq` pairs joined by `,`, sites in byte order (the `have` parameter's form).
    public static func format(_ vector: VersionVector) -> String {
        vector.sorted.map { "\($0.site):\($0.seq)" }.joined(separator: ",")
    }

    /// Uploads larger than this are refused with 413 (a default; `hub serve --max-bundle-mib`,
    /// which cannot go above a bundle's largest size, protocol.md §5.2).
    public static let defaultMaximumUpload = ChangeBundle.maximumSize

    /// A request's id, given by the client or made by the hub, returned in every answer (§6.6).
    public static let requestIDHeader = HTTPFields.Element.Name("X-Request-Id")!

    /// The `code` of a JSON error body.
    public enum ErrorCode: String, Sendable {
        case unauthorized, revoked, wrongSender = "wrong_sender", wrongAddressee = "wrong_addressee"
        case badBundle = "bad_bundle", tooLarge = "too_large", gap, reusedSeq = "reused_seq"
        case clockAhead = "clock_ahead"
        case foreignNetwork = "foreign_network", invalidChange = "invalid_change", badRequest = "bad_request"
        case busy, internalError = "internal_error", notFound = "not_found", methodNotAllowed = "method_not_allowed"
        case badSignature = "bad_signature", unknownSite = "unknown_site", formatRefused = "format_refused"
    }
}
