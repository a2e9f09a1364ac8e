import Foundation
import Jonction

/// Where `sync` goes and with what: the hub's address, the office's token and the authority trusted
/// for the hub's certificate, each from the first of the command line, the environment (the token
/// only, for scripts) and the site's configuration (`jonction join`).
public struct SyncTarget: Sendable, Equatable {
    public enum Source: String, Sendable {
        case commandLine, environment, configuration
    }

    public var hub: URL
    public var token: AccessToken
    public var tokenSource: Source
    public var authority: CertificateAuthority?

    /// `hub`, `token`, `authority`: from the command line; `environmentToken`: `$JONCTION_TOKEN`.
    public static func resolve(hub: String?, token: String?, environmentToken: String?, authority: CertificateAuthority?,
                               configuration: SiteConfiguration?) throws(SyncError) -> SyncTarget {
        let url: URL
        if let hub {
            guard let u = URL(string: hub), let scheme = u.scheme, ["http", "https"].contains(scheme), u.host != nil else {
                throw .invalidURL(hub)
            }
            url = u
        } else if let configured = configuration?.join.hubURL {
            url = configured
        } else {
            throw .missingHub(configured: configuration != nil)
        }
        let chosen: (String, Source)? = token.map { ($0, .commandLine) }
            ?? environmentToken.flatMap { $0.isEmpty ? nil : ($0, .environment) }
            ?? configuration?.join.token.map { ($0.text, .configuration) }
        guard let (text, source) = chosen else { throw .missingToken }
        guard let accessToken = AccessToken(text) else { throw .unauthorized }
        return SyncTarget(hub: url, token: accessToken, tokenSource: source, authority: authority ?? configuration?.authority)
    }
}
