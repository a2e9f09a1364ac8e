import Foundation
import JonctionTestSupport
import Testing

@Suite("Ligne de commande : un nouveau poste pour un bureau (init --restore)")
struct RestoreCommandTests {
    let dir = TemporaryDirectory("cli-restore")
    var cli: CLI { CLI(directory: dir) }

    @discardableResult
    func run(_ arguments: String...) throws -> CLI.Result {
        try cli.succeed(arguments)
    }

    @Test("init --restore : aucune saisie avant l’export complet du pôle ; l’import la rend possible")
    func restoreWaitsForTheHub() throws {
        try cli.makeFolders("cle", "delta", "retour")
        try run("init", "--db", "hub.sqlite", "--site", "hub")
        try run("init", "--db", "ancien.sqlite", "--site", "kayes")
        try cli.enrol(db: "ancien.sqlite", site: "kayes")
        try run("put", "--db", "ancien.sqlite", "candidate", "kayes-c01", "family_name=Sissoko")
        try run("put", "--db", "ancien.sqlite", "candidate", "kayes-c02", "family_name=Diarra")
        try run("export", "--db", "ancien.sqlite", "--to", "cle")
        try run("import", "--db", "hub.sqlite", "cle")
        try run("put", "--db", "hub.sqlite", "opportunity", "opp-01", "kind=job", "places=2")

        var r = try run("init", "--db", "kayes.sqlite", "--site", "kayes", "--restore")
        #expect(r.stdout.contains("Avant toute saisie, importez l’export complet du pôle"))
        // The old machine's keys went with it: the new one is enrolled with its own.
        try cli.enrol(db: "kayes.sqlite", site: "kayes", again: true)
        let empty = try run("dump", "--db", "kayes.sqlite").stdout
        for arguments in [["put", "--db", "kayes.sqlite", "candidate", "kayes-c03", "family_name=Keïta"],
                          ["delete", "--db", "kayes.sqlite", "candidate", "kayes-c01"]] {
            r = try cli.run(arguments)
            #expect(r.status == 1)
            #expect(r.stderr.contains("avant toute saisie, il doit recevoir l’export complet du pôle"), "\(r.stderr)")
            #expect(r.stderr.contains("jonction import --db kayes.sqlite DOSSIER"))
        }
        r = try cli.run("put", "--db", "kayes.sqlite", "candidate", "kayes-c03", "family_name=Keïta", "--lang", "en")
        #expect(r.stderr.contains("before any entry, it must receive the hub's full export"))
        #expect(try run("dump", "--db", "kayes.sqlite").stdout == empty)
        #expect(try run("status", "--db", "kayes.sqlite").stdout.contains("Restauration  : en attente"))
        #expect(try run("status", "--db", "kayes.sqlite", "--json").stdout.contains(#""restoring":true"#))

        // The hub's export after what the old machine acknowledged lacks Kayes's own changes.
        try run("export", "--db", "hub.sqlite", "--to", "delta", "--for", "kayes")
        r = try run("import", "--db", "kayes.sqlite", "delta")
        #expect(r.stdout.contains("attend toujours ses propres changements : le pôle en a jusqu’au n° 2, il en a jusqu’au n° 0"), "\(r.stdout)")
        #expect(try cli.run("put", "--db", "kayes.sqlite", "candidate", "kayes-c03", "family_name=Keïta").status == 1)

        try run("export", "--db", "hub.sqlite", "--to", "retour", "--for", "kayes", "--full")
        r = try run("import", "--db", "kayes.sqlite", "retour")
        #expect(r.stdout.contains("Le réplica a repris les changements de kayes (jusqu’au n° 2) : la saisie est possible."))
        #expect(try run("status", "--db", "kayes.sqlite", "--json").stdout.contains(#""restoring":false"#))
        try run("put", "--db", "kayes.sqlite", "candidate", "kayes-c03", "family_name=Keïta")
        try cli.makeFolders("cle2")
        r = try run("export", "--db", "kayes.sqlite", "--to", "cle2", "--json")
        #expect(r.stdout.contains(#""kayes":[3,3]"#))
        r = try run("import", "--db", "hub.sqlite", "cle2")
        #expect(r.stdout.contains("0 refusé(s)"))
        // The old laptop's stick, signed with the keys it had: refused now that they are replaced.
        r = try cli.run("import", "--db", "hub.sqlite", "cle")
        #expect(r.status == 1 && r.stdout.contains("1 refusé(s)"))
        #expect(try run("dump", "--db", "kayes.sqlite").stdout == run("dump", "--db", "hub.sqlite").stdout)
    }

    @Test("init --restore : le greffier peut confirmer un bureau tout neuf ; le pôle ne se restaure pas ainsi")
    func restoreConfirmedNew() throws {
        try run("init", "--db", "gao.sqlite", "--site", "gao", "--restore")
        #expect(try cli.run("put", "--db", "gao.sqlite", "candidate", "gao-c01", "family_name=Maïga").status == 1)
        var r = try run("confirm-new-office", "--db", "gao.sqlite")
        #expect(r.stdout.contains("Confirmé : gao est un nouveau bureau"))
        r = try run("confirm-new-office", "--db", "gao.sqlite")
        #expect(r.stdout.contains("n’attendait pas"))
        try run("put", "--db", "gao.sqlite", "candidate", "gao-c01", "family_name=Maïga")

        r = try cli.run("init", "--db", "hub.sqlite", "--site", "hub", "--restore")
        #expect(r.status == 1)
        #expect(r.stderr.contains("dernière sauvegarde"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("hub.sqlite")))
    }
}
