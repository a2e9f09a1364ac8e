import Foundation
import JonctionTestSupport
import Testing

/// The office application in a real browser: `Tests/browser/office.py` drives Chromium through
/// WebDriver (Debian's chromium, chromium-driver and python3-selenium, which `.ci/run` installs)
/// as a clerk and the hub's data manager would. Its screenshots are left in
/// `.build/captures-navigateur/` for review.
@Suite("Navigateur : l’application du bureau et le tableau de bord, dans Chromium", .serialized)
struct BrowserTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("une employée de Kayes crée le compte, enregistre une personne (téléphone refusé puis corrigé), voit le doublon, la retrouve en tapant « keita diara », imprime sa fiche, accepte une proposition, écrit la clé ; le pôle lit la clé et voit ses chiffres")
    func clerkAndManager() throws {
        let needed = ["/usr/bin/chromium", "/usr/bin/chromedriver", "/usr/bin/python3"]
        for path in needed where !FileManager.default.isExecutableFile(atPath: path) {
            Issue.record("\(path) manque : installez chromium, chromium-driver et python3-selenium (apt-get, voir .ci/run) pour les tests dans le navigateur.")
            return
        }
        let dir = TemporaryDirectory("navigateur")
        let captures = Self.packageRoot.appendingPathComponent(".build/captures-navigateur")
        try? FileManager.default.removeItem(at: captures)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [Self.packageRoot.appendingPathComponent("Tests/browser/office.py").path, CLI.executable.path,
                             dir.path("travail"), captures.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("ok:"), "\(text)")
        let shots = (try? FileManager.default.contentsOfDirectory(atPath: captures.path)) ?? []
        #expect(shots.filter { $0.hasSuffix(".png") }.count >= 12, "\(shots)")
    }
}
