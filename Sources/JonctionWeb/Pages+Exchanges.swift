import Foundation
import Jonction
import JonctionBundle
import JonctionHub
import JonctionStore

/// Long work shown in a page: a stick written or read, a sync. Its page reloads itself each
/// second while it runs, and then lists each file's outcome.
final class JobBoard: @unchecked Sendable {
    struct Job: Sendable {
        var id: String
        var owner: String
        var heading: String
        var stage = "Préparation…"
        var done = 0
        var total = 1
        var lines: [(kind: String, text: String)] = []
        var finished: String?
        var failed: String?
        var running: Bool { finished == nil && failed == nil }
    }

    private let lock = NSLock()
    private var jobs: [String: Job] = [:]

    func start(_ heading: String, owner: String) -> String {
        lock.lock(); defer { lock.unlock() }
        if jobs.count > 200 { jobs = jobs.filter(\.value.running) }
        let id = SessionStore.randomToken().prefix(16).description
        jobs[id] = Job(id: id, owner: owner, heading: heading)
        return id
    }

    func update(_ id: String, _ change: (inout Job) -> Void) {
        lock.lock(); defer { lock.unlock() }
        if var job = jobs[id] { change(&job); jobs[id] = job }
    }

    func job(_ id: String) -> Job? {
        lock.lock(); defer { lock.unlock() }
        return jobs[id]
    }
}

extension OfficeWeb {
    /// Folders that look like mounted sticks: the entries of /media/USER, /media, /run/media/USER, /mnt.
    func detectedSticks() -> [URL] {
        var found: [URL] = []
        let fm = FileManager.default
        for root in options.stickRoots {
            for name in ((try? fm.contentsOfDirectory(atPath: root.path)) ?? []).sorted() where !name.hasPrefix(".") {
                let url = root.appendingPathComponent(name)
                var isFolder: ObjCBool = false
                guard fm.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue else { continue }
                // /media/USER holds the user's sticks; a stick holds files.
                let inside = ((try? fm.contentsOfDirectory(atPath: url.path)) ?? []).map { url.appendingPathComponent($0) }
                let isUserFolder = root.path.hasSuffix("media") && inside.allSatisfy { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true } && !inside.isEmpty
                    && !inside.contains { $0.lastPathComponent == "JONCTION" }
                if isUserFolder { found += inside } else { found.append(url) }
            }
        }
        return Array(found.prefix(20))
    }

    func exchanges(_ visit: Visit, errors: [String] = []) throws -> Reply {
        let (roster, journal) = try replica.read { r in (try r.roster(), try r.exchanges(limit: 20)) }
        var context = layout(visit, title: "Échanges")
        context["errors"] = errors
        context["sticks"] = detectedSticks().map { ["path": $0.path, "label": $0.lastPathComponent + " (" + $0.path + ")"] }
        var addressees: [[String: String]] = []
        if replica.site != .hub { addressees.append(["value": "hub", "label": "le pôle"]) }
        for entry in roster?.roster.offices ?? [] where entry.identity.site != replica.site && entry.revokedAt == nil {
            addressees.append(["value": entry.identity.site.rawValue, "label": "le bureau \(entry.identity.site.rawValue)"])
        }
        if addressees.isEmpty { addressees.append(["value": "hub", "label": "le pôle"]) }
        context["addressees"] = addressees
        context["canSync"] = replica.site != .hub
        context["exchanges"] = Self.exchangeRows(journal)
        return .page(render("exchanges", context), status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    /// The stick's folder for bundles: its `JONCTION/` folder (made when writing).
    func stickFolder(_ visit: Visit, creating: Bool) throws -> URL? {
        let chosen = visit.form.text("dossier") ?? visit.form.text("cle")
        guard let chosen, chosen.hasPrefix("/"), !chosen.contains("\0") else { return nil }
        var url = URL(fileURLWithPath: chosen).standardizedFileURL
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue else { return nil }
        if url.lastPathComponent != "JONCTION" {
            let inner = url.appendingPathComponent("JONCTION")
            if FileManager.default.fileExists(atPath: inner.path) || creating {
                if creating { try FileManager.default.createDirectory(at: inner, withIntermediateDirectories: true) }
                url = inner
            }
        }
        return url
    }

    func stick(_ visit: Visit) throws -> Reply {
        let writing = visit.form["action"] != "lire"
        let folder: URL?
        do { folder = try stickFolder(visit, creating: writing) } catch {
            return try exchanges(visit, errors: ["Impossible d’écrire sur cette clé (protégée en écriture, ou pleine ?) : choisissez-en une autre, ou vérifiez-la."])
        }
        guard let folder else {
            return try exchanges(visit, errors: ["Choisissez une clé branchée, ou indiquez le chemin complet d’un dossier qui existe (par exemple /media/awa/CLE)."])
        }
        let owner = visit.session.token
        if writing {
            guard let addressee = try? SiteName(visit.form["pour"] ?? "hub"), addressee != replica.site else {
                return try exchanges(visit, errors: ["Destinataire inconnu."])
            }
            let id = jobs.start("Écriture sur la clé pour \(addressee == .hub ? "le pôle" : addressee.rawValue)", owner: owner)
            let replica = self.replica, jobs = self.jobs
            Task.detached { Self.writeStick(replica: replica, jobs: jobs, job: id, folder: folder, addressee: addressee) }
            return .redirect("/echanges/travaux/\(id)")
        }
        let id = jobs.start("Lecture de la clé", owner: owner)
        let replica = self.replica, jobs = self.jobs
        Task.detached { Self.readStick(replica: replica, jobs: jobs, job: id, folder: folder) }
        return .redirect("/echanges/travaux/\(id)")
    }

    static func writeStick(replica: Replica, jobs: JobBoard, job id: String, folder: URL, addressee: SiteName) {
        do {
            jobs.update(id) { $0.stage = "Lecture du journal et préparation des paquets…" }
            let bundles = try replica.sealedBundles(for: addressee)
            var changes = 0
            jobs.update(id) { $0.total = max(1, bundles.count) }
            for (i, sealed) in bundles.enumerated() {
                jobs.update(id) { $0.stage = "Écriture du paquet \(i + 1) sur \(bundles.count)…"; $0.done = i }
                let url = try FolderTransport(folder).post(sealed.bytes)
                changes += sealed.bundle.changeCount
                jobs.update(id) { $0.lines.append(("flash", "✓ \(url.lastPathComponent) : \(sealed.bundle.changeCount) changement(s), \(sealed.bytes.count) octets.")) }
            }
            try replica.journalStickWritten(for: addressee, changes: changes)
            jobs.update(id) {
                $0.done = $0.total
                $0.finished = bundles.isEmpty
                    ? "Rien à envoyer : d’après son dernier paquet, le destinataire a déjà tout ce que ce poste contient."
                    : "Clé prête : \(changes) changement(s) écrits dans \(folder.path). Retirez la clé proprement (« Éjecter ») avant de la débrancher."
            }
        } catch {
            let message = (error as? any UserFacingError)?.message(.fr) ?? "Erreur inattendue pendant l’écriture : rien n’a été laissé à moitié sur la clé. Réessayez."
            jobs.update(id) { $0.failed = message }
        }
    }

    static func readStick(replica: Replica, jobs: JobBoard, job id: String, folder: URL) {
        do {
            jobs.update(id) { $0.stage = "Lecture des paquets…" }
            let outcomes = try replica.importFiles([folder]) { _, done, total in
                jobs.update(id) { $0.done = done; $0.total = max(1, total); $0.stage = "Fusion du paquet \(min(done + 1, total)) sur \(total)…" }
            }
            var applied = 0, refused = 0, others = 0
            for outcome in outcomes {
                let name = outcome.url.lastPathComponent
                switch outcome.result {
                case .imported(let r):
                    applied += r.apply.applied
                    var text = "✓ \(name) : \(r.apply.applied) changement(s) reçus"
                    if !r.apply.conflicts.isEmpty { text += ", \(r.apply.conflicts.count) conflit(s) (page Conflits)" }
                    if let scope = r.scope?.message(.fr) { text += ". " + scope }
                    jobs.update(id) { $0.lines.append(("flash", text + ".")) }
                case .replay:
                    jobs.update(id) { $0.lines.append(("muted", "= \(name) : déjà importé, rien à faire.")) }
                case .notForUs:
                    others += 1
                case .refused(let error):
                    refused += 1
                    let message = error.message(.fr)
                    jobs.update(id) { $0.lines.append(("error", "✗ \(name) refusé : \(message)")) }
                }
            }
            try replica.journalStickRead(outcomes)
            jobs.update(id) {
                $0.done = $0.total
                if others > 0 { $0.lines.append(("muted", "\(others) paquet(s) pour d’autres sites laissé(s) sur la clé.")) }
                let summary = outcomes.isEmpty || outcomes.allSatisfy({ if case .notForUs = $0.result { return true } else { return false } })
                    ? "Aucun paquet pour ce poste sur la clé."
                    : "Clé lue : \(applied) changement(s) reçus\(refused > 0 ? ", \(refused) fichier(s) refusé(s) (voir ci-dessous)" : "")."
                if refused > 0 { $0.failed = summary } else { $0.finished = summary }
            }
        } catch {
            let message = (error as? any UserFacingError)?.message(.fr) ?? "Erreur inattendue pendant la lecture : rien n’a été fusionné à moitié. Réessayez."
            jobs.update(id) { $0.failed = message }
        }
    }

    func sync(_ visit: Visit) throws -> Reply {
        let configurationPath = SiteConfiguration.defaultPath(forReplica: replica.path)
        let configuration = try SiteConfiguration.read(from: configurationPath)
        let target = try SyncTarget.resolve(hub: nil, token: nil, environmentToken: ProcessInfo.processInfo.environment["JONCTION_TOKEN"],
                                            authority: nil, configuration: configuration)
        let id = jobs.start("Synchronisation avec le pôle", owner: visit.session.token)
        let replica = self.replica, jobs = self.jobs
        Task.detached {
            let client = SyncClient(hub: target.hub, token: target.token, tls: HubTLS.client(trusting: target.authority),
                                    trustedHub: configuration?.join.hub, attempts: 3, firstDelay: 1)
            do {
                let report = try await client.sync(replica) { phase in
                    jobs.update(id) { job in
                        switch phase {
                        case .uploading(let n): job.stage = "Envoi de \(n) changement(s) au pôle…"
                        case .downloading: job.stage = "Réception…"
                        case .merging(let done, let total): job.stage = "Fusion…"; job.done = done; job.total = max(1, total)
                        case .retrying(let attempt, let after): job.stage = "Pôle injoignable, essai \(attempt) dans \(Int(after)) s…"
                        }
                    }
                }
                let received = report.received?.apply.applied ?? 0
                try? replica.journalSync(sent: report.sent, received: received)
                jobs.update(id) {
                    $0.done = $0.total
                    if let scope = report.received?.scope?.message(.fr) { $0.lines.append(("muted", scope)) }
                    $0.finished = "Synchronisé avec le pôle : \(report.sent) changement(s) envoyé(s), \(received) reçu(s)."
                }
            } catch {
                let message = (error as? any UserFacingError)?.message(.fr) ?? "La synchronisation a échoué ; rien n’a été fusionné à moitié. Vérifiez le réseau et réessayez, ou utilisez une clé USB."
                try? replica.write {
                    try $0.journal(ExchangeRecord(at: replica.clock.nowMillis(), peer: .hub, route: .http, direction: .received, changes: 0,
                                                  refused: 1, detail: "échec de la synchronisation"))
                }
                jobs.update(id) { $0.failed = message }
            }
        }
        return .redirect("/echanges/travaux/\(id)")
    }

    func jobPage(_ visit: Visit, id: String) throws -> Reply {
        guard let job = jobs.job(id), job.owner == visit.session.token || visit.role == .administrator else {
            throw WebRefusal.notFound("Ce travail n’existe plus (le serveur a redémarré ?). Voyez la page Échanges.")
        }
        var context = layout(visit, title: job.heading, current: "/echanges")
        context["heading"] = job.heading
        if job.running {
            context["refresh"] = "1"
            context["running"] = true
        }
        context["stage"] = job.stage
        context["done"] = job.done
        context["total"] = job.total
        context["percent"] = job.total > 0 ? job.done * 100 / job.total : 0
        context["lines"] = job.lines.map { ["kind": $0.kind, "text": $0.text] }
        context["finished"] = job.finished
        context["failed"] = job.failed
        return .page(render("job", context))
    }
}
