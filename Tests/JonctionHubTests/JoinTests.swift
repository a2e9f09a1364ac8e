import Foundation
import Jonction
import JonctionBundle
import JonctionHub
import JonctionStore
import JonctionTestSupport
import Testing

@Suite("Adhésion d’un bureau : configuration du site, join, ce que sync en prend")
struct JoinTests {
    let dir = TemporaryDirectory("join")
    let hubIdentity = SiteKeys.generate(for: .hub).identity
    let network = Replica.newNetworkID()

    func joinFile(_ site: String, url: String? = "https://pole.example.org:8443") throws -> JoinFile {
        JoinFile(site: try SiteName(site), network: network, hub: hubIdentity, hubURL: url.flatMap(URL.init(string:)),
                 token: url == nil ? nil : AccessToken.generate())
    }

    func mode(_ path: String) throws -> Int? {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    }

    @Test("la configuration du site : privée (0600), relue à l’identique avec l’autorité privée, remplacée d’un coup ; lisible par d’autres : refusée")
    func configurationFile() throws {
        let certificates = try TestCertificates(in: dir)
        let path = dir.path("kayes.sqlite.adhesion")
        #expect(try SiteConfiguration.read(from: path) == nil)
        let first = SiteConfiguration(join: try joinFile("kayes"), authority: try CertificateAuthority(contentsOf: certificates.authority))
        try first.write(to: path)
        #expect(try mode(path) == 0o600)
        #expect(try SiteConfiguration.read(from: path) == first)
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("JONCTION-ADHESION 1\nsite kayes\n"))
        // Replaced in one step, with nothing left beside it.
        let second = SiteConfiguration(join: try joinFile("kayes", url: nil))
        try second.write(to: path)
        #expect(try SiteConfiguration.read(from: path) == second)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).filter { $0.hasPrefix("kayes.sqlite.adhesion") }
            == ["kayes.sqlite.adhesion"])
        // A join file as written by `hub enroll` reads as a configuration (the same text).
        #expect(try SiteConfiguration(text: first.join.text).join == first.join)
        chmod(path, 0o640)
        let refused = #expect(throws: SiteConfigurationError.readableByOthers(path: path)) { try SiteConfiguration.read(from: path) }
        #expect(refused?.message(.fr).contains("chmod 600") == true)
        chmod(path, 0o600)
        try Data((first.text + "pole-ca pas-un-certificat\n").utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: SiteConfigurationError.damaged(path: path)) { try SiteConfiguration.read(from: path) }
        #expect(throws: TLSFileError.notACertificate(path: path)) { try CertificateAuthority(contentsOf: path) }
    }

    @Test("join : le bon site, le réseau adopté ou vérifié ; un autre site, un autre réseau, le pôle : refusés sans rien changer")
    func join() throws {
        let kayes = try Replica.create(at: dir.path("kayes.sqlite"), site: SiteName("kayes"))
        let path = SiteConfiguration.defaultPath(forReplica: kayes.path)
        let file = try joinFile("kayes"), forMopti = try joinFile("mopti")
        let refusedSite = #expect(throws: JoinError.otherSite(file: forMopti.site, replica: kayes.site)) {
            try kayes.join(forMopti, configurationPath: path)
        }
        #expect(refusedSite?.message(.fr).contains("est pour le bureau mopti") == true)
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try kayes.read { try $0.network() } == nil)

        var report = try kayes.join(file, configurationPath: path)
        #expect(report.configurationPath == path && report.adoptedNetwork && !report.replaced && !report.hubIdentityChanged)
        #expect(try kayes.read { try $0.network() } == network)
        #expect(try SiteConfiguration.read(from: path)?.join == file)
        report = try kayes.join(try joinFile("kayes"), configurationPath: path)
        #expect(!report.adoptedNetwork && report.replaced && !report.hubIdentityChanged)
        let otherHub = JoinFile(site: file.site, network: network, hub: SiteKeys.generate(for: .hub).identity)
        #expect(try kayes.join(otherHub, configurationPath: path).hubIdentityChanged)

        let elsewhere = JoinFile(site: file.site, network: Replica.newNetworkID(), hub: hubIdentity)
        #expect(throws: JoinError.otherNetwork(ours: network, theirs: elsewhere.network)) {
            try kayes.join(elsewhere, configurationPath: path)
        }
        #expect(try SiteConfiguration.read(from: path)?.join == otherHub)
        let hub = try Replica.create(at: dir.path("hub.sqlite"), site: .hub)
        #expect(throws: JoinError.atHub) { try hub.join(file, configurationPath: dir.path("hub.sqlite.adhesion")) }
    }

    @Test("l’adresse et le jeton de sync : --hub et --token d’abord, puis JONCTION_TOKEN, puis la configuration ; sinon des erreurs claires")
    func syncTarget() throws {
        let file = try joinFile("kayes")
        let configuration = SiteConfiguration(join: file)
        let other = AccessToken.generate()
        var target = try SyncTarget.resolve(hub: nil, token: nil, environmentToken: nil, authority: nil, configuration: configuration)
        #expect(target.hub == file.hubURL && target.token == file.token && target.tokenSource == .configuration)
        target = try SyncTarget.resolve(hub: nil, token: nil, environmentToken: other.text, authority: nil, configuration: configuration)
        #expect(target.token == other && target.tokenSource == .environment)
        target = try SyncTarget.resolve(hub: "http://10.0.0.5:8080", token: other.text, environmentToken: file.token!.text,
                                        authority: nil, configuration: configuration)
        #expect(target.hub.absoluteString == "http://10.0.0.5:8080" && target.token == other && target.tokenSource == .commandLine)
        // An empty variable counts as none.
        target = try SyncTarget.resolve(hub: nil, token: nil, environmentToken: "", authority: nil, configuration: configuration)
        #expect(target.tokenSource == .configuration)

        #expect(throws: SyncError.missingHub(configured: false)) {
            try SyncTarget.resolve(hub: nil, token: other.text, environmentToken: nil, authority: nil, configuration: nil)
        }
        let usbOnly = SiteConfiguration(join: try joinFile("kayes", url: nil))
        let error = #expect(throws: SyncError.missingHub(configured: true)) {
            try SyncTarget.resolve(hub: nil, token: nil, environmentToken: nil, authority: nil, configuration: usbOnly)
        }
        #expect(error?.message(.fr).contains("clés USB") == true)
        #expect(throws: SyncError.missingToken) {
            try SyncTarget.resolve(hub: "https://pole.example.org", token: nil, environmentToken: nil, authority: nil, configuration: usbOnly)
        }
        #expect(throws: SyncError.invalidURL("ftp://pole")) {
            try SyncTarget.resolve(hub: "ftp://pole", token: nil, environmentToken: nil, authority: nil, configuration: configuration)
        }
        #expect(throws: SyncError.unauthorized) {
            try SyncTarget.resolve(hub: nil, token: "jnct_court", environmentToken: nil, authority: nil, configuration: configuration)
        }
    }
}
