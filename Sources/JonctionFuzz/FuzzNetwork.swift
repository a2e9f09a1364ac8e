import Crypto
import Foundation
import Jonction
import JonctionBundle

/// The fuzzer's network of format 2: fixed keys for the corpus's sites (derived from their names;
/// never used elsewhere), the roster listing them, signed by the hub's, and the fuzz site's keyring.
/// It signs and seals mutants so that they reach the layers behind the signatures.
struct FuzzNetwork: Sendable {
    static let site = SiteName(unchecked: "fuzz")
    static let networkID = "0123456789abcdef0123456789abcdef"
    /// The offices of the roster (the corpus's senders and origins, and the fuzz site).
    static let sites = ["fuzz", "gao", "kayes", "mopti", "sikasso"].map { SiteName(unchecked: $0) }

    let roster: SignedRoster
    let keyring: Keyring

    init() {
        let hub = FuzzNetwork.keys(of: .hub)
        let content = Roster(network: FuzzNetwork.networkID, issuedAt: 1, hub: hub.identity,
                             offices: FuzzNetwork.sites.map { Roster.Entry(identity: FuzzNetwork.keys(of: $0).identity, enrolledAt: 1) })
        // Signing with the hub's own keys cannot fail.
        roster = SignedRoster(roster: content, bytes: (try? content.signed(with: hub)) ?? [])
        keyring = Keyring(keys: FuzzNetwork.keys(of: FuzzNetwork.site), roster: roster)
    }

    func keys(of site: SiteName) -> SiteKeys { FuzzNetwork.keys(of: site) }

    static func keys(of site: SiteName) -> SiteKeys {
        func seed(_ purpose: String) -> [UInt8] { Array(SHA256.hash(data: Array("jonction fuzz \(purpose) \(site)".utf8))) }
        // 32 bytes are a valid Ed25519 seed and a valid X25519 private key.
        return SiteKeys(site: site, signing: try! .init(rawRepresentation: seed("signature")),
                        agreement: try! .init(rawRepresentation: seed("accord")))
    }

    /// A plain body of format 2: each segment signed by `signer` (its origin if nil).
    func plain(_ segments: [(block: [UInt8], origin: SiteName, signer: SiteName?)]) -> [UInt8] {
        var out = ByteWriter()
        out.varint(UInt64(segments.count))
        for segment in segments {
            let signer = segment.signer ?? segment.origin
            out.string(signer.rawValue)
            out.varint(UInt64(segment.block.count))
            out.raw(segment.block)
            out.raw(ChangeBundle.signSegment(segment.block, with: keys(of: signer)))
        }
        return out.bytes
    }

    func file(_ header: BundleHeader, segments: [(block: [UInt8], origin: SiteName, signer: SiteName?)]) throws -> [UInt8] {
        try file(header, plain: plain(segments))
    }

    /// A format 2 file for the fuzz site around `plain`, with `header`'s vector, ranges and count,
    /// sealed and signed by its sender (one of the roster's sites).
    func file(_ header: BundleHeader, plain: [UInt8], declaring declared: Int? = nil) throws -> [UInt8] {
        let sender = header.sender == .hub || FuzzNetwork.sites.contains(header.sender) ? header.sender : SiteName(unchecked: "kayes")
        let bundle = ChangeBundle(sender: sender, addressee: FuzzNetwork.site, network: header.network, createdAt: header.createdAt,
                                  schemaVersion: max(2, header.schemaVersion), senderVector: header.senderVector,
                                  ranges: header.ranges, changeCount: header.changeCount, blocks: [])
        return try bundle.sealed(plain: plain, declaring: declared, by: keys(of: sender), for: keyring.keys.identity,
                                 roster: roster, level: 1)
    }

    /// A decoded bundle written again, sealed anew.
    func reseal(_ bundle: ChangeBundle) throws -> [UInt8] {
        try bundle.sealed(by: keys(of: bundle.sender), for: keyring.keys.identity, roster: roster, level: 1)
    }
}
