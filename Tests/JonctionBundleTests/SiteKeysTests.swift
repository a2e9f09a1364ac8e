import Foundation
import Jonction
import JonctionBundle
import JonctionTestSupport
import Testing

@Suite("Clés d’un site : fichier privé, identité publique, empreinte")
struct SiteKeysTests {
    let dir = TemporaryDirectory("keys")

    @Test("le fichier de clés est neuf, privé (0600), relu à l’identique ; jamais écrasé ; refusé s’il est lisible par d’autres")
    func keyFile() throws {
        let kayes = try SiteName("kayes")
        let keys = SiteKeys.generate(for: kayes)
        let path = dir.path("kayes.sqlite.cles")
        try keys.write(to: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let again = try SiteKeys.read(from: path)
        #expect(again.identity == keys.identity)
        #expect(again.signing.rawRepresentation == keys.signing.rawRepresentation)
        #expect(throws: KeyFileError.exists(path: path)) { try SiteKeys.generate(for: kayes).write(to: path) }
        #expect(try SiteKeys.read(from: path).identity == keys.identity)
        chmod(path, 0o644)
        let error = #expect(throws: KeyFileError.readableByOthers(path: path)) { try SiteKeys.read(from: path) }
        #expect(error?.message(.fr).contains("chmod 600") == true)
        chmod(path, 0o600)
        try Data("JONCTION-CLES 1\nsite kayes\nsignature AAAA\n".utf8).write(to: URL(fileURLWithPath: dir.path("bad.cles")))
        chmod(dir.path("bad.cles"), 0o600)
        #expect(throws: KeyFileError.damaged(path: dir.path("bad.cles"))) { try SiteKeys.read(from: dir.path("bad.cles")) }
    }

    @Test("l’identité publique tient sur une ligne, se relit, ne contient aucun secret ; l’empreinte la résume")
    func identity() throws {
        let keys = SiteKeys.generate(for: try SiteName("mopti"))
        let line = keys.identity.line
        #expect(SiteIdentity(line: line) == keys.identity)
        #expect(!line.contains(Base64URL.encode(keys.signing.rawRepresentation)))
        #expect(!line.contains(Base64URL.encode(keys.agreement.rawRepresentation)))
        #expect(SiteIdentity(line: line.replacingOccurrences(of: "mopti", with: "Mopti")) == nil)
        #expect(SiteIdentity(line: "jonction-site mopti AAAA BBBB") == nil)
        let fingerprint = keys.identity.fingerprint
        #expect(fingerprint.count == 19 && fingerprint.split(separator: "-").count == 4)
        #expect(SiteKeys.generate(for: try SiteName("mopti")).identity.fingerprint != fingerprint)
    }
}
