import JonctionBundle

/// The HTTP API of the hub (protocol.md §6): paths, media type, error codes.
public enum HubAPI {
    public static let health = "/v1/health"
    public static let bundles = "/v1/bundles"
    public static let bundle = "/v1/bundle"
    /// The media type of a bundle body.
    public static let bundleMediaType = "application/vnd.jonction.bundle"
    /// Uploads larger than this are refused with 413 (a default; `hub serve --max-bundle-mib`,
    /// which cannot go above a bundle's largest size, protocol.md §5.2).
    public static let defaultMaximumUpload = ChangeBundle.maximumSize

    /// The `code` of a JSON error body.
    public enum ErrorCode: String, Sendable {
        case unauthorized, revoked, wrongSender = "wrong_sender", wrongAddressee = "wrong_addressee"
        case badBundle = "bad_bundle", tooLarge = "too_large", gap, reusedSeq = "reused_seq"
        case foreignNetwork = "foreign_network", invalidChange = "invalid_change", badRequest = "bad_request"
        case busy, internalError = "internal_error", notFound = "not_found"
    }
}
