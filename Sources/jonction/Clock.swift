import ArgumentParser
import Jonction
import JonctionStore

struct Clock: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Voir l’horloge de ce poste telle que le réplica la juge, la confirmer, ou redater les changements datés du futur.",
        discussion: """
            Une horloge qui avance ferait gagner ses changements partout tant qu’elle avance : Jonction refuse \
            les changements datés de plus de 7 jours dans le futur, et n’écrit plus rien quand l’horloge de ce \
            poste est douteuse (protocole §3.1). Sans option, affiche l’état de l’horloge (ne modifie rien).

              --confirm   la date et l’heure du poste sont justes (demandé après 30 jours sans écriture ni réception) ;
              --restamp   l’horloge a avancé puis a été remise à l’heure : les changements de ce site datés du
                          futur, que personne n’a acceptés, reprennent la date d’aujourd’hui.
            """)

    @OptionGroup var options: CommonOptions

    @Flag(help: "Confirmer que la date et l’heure de ce poste sont justes.")
    var confirm = false

    @Flag(help: "Redater les changements de ce site datés du futur (après une horloge remise à l’heure).")
    var restamp = false

    @Flag(help: "Sortie JSON.")
    var json = false

    func validate() throws {
        if confirm && restamp {
            throw ValidationError("--confirm et --restamp s’excluent : --restamp confirme déjà la date.")
        }
    }

    func run() throws {
        let lang = options.language
        try options.withReplica { replica in
            var report: RestampReport? = nil
            if restamp {
                report = try replica.write { try $0.restampFutureChanges() }
            } else if confirm {
                try replica.write { try $0.confirmClock() }
            }
            let status = try replica.read { try $0.status() }
            if json {
                var out = CanonicalJSON()
                out.beginObject()
                out.key("clock"); out.string(status.clock.description)
                if let report {
                    out.key("records"); out.integer(report.records)
                    out.key("restamped"); out.integer(report.restamped)
                }
                out.key("verdict")
                switch status.clockVerdict {
                case .trusted: out.string("trusted")
                case .behindOwnClock: out.string("behind_own_clock")
                case .farAhead: out.string("far_ahead")
                }
                out.key("wall"); out.string(HLC.iso8601(millis: replica.clock.nowMillis()))
                out.endObject()
                print(out.output)
                return
            }
            if let report {
                if report.restamped == 0 {
                    print(lang.pick("Aucun changement de ce site n’est daté du futur ; la date du poste est confirmée.",
                                    "No change of this site is dated in the future; the machine's date is confirmed."))
                } else {
                    print(lang.pick(
                        "\(report.restamped) changement(s) de ce site, datés jusqu’au \(HLC(millis: report.formerlyLatest).frenchDate), portent maintenant la date d’aujourd’hui ; \(report.records) fiche(s) recalculée(s). Synchronisez ou exportez pour les envoyer.",
                        "\(report.restamped) change(s) of this site, dated up to \(HLC(millis: report.formerlyLatest).englishDate), now carry today's date; \(report.records) record(s) recomputed. Sync or export to send them."))
                }
            } else if confirm {
                print(lang.pick("Date et heure du poste confirmées.", "The machine's date and time are confirmed."))
            }
            print(lang.pick("Horloge du poste : \(HLC(millis: replica.clock.nowMillis()).frenchDate)",
                            "Machine clock: \(HLC(millis: replica.clock.nowMillis()).englishDate)"))
            print(lang.pick("Horloge du réplica : \(status.clock.frenchDate)", "Replica clock: \(status.clock.englishDate)"))
            if status.clockVerdict == .trusted {
                print(lang.pick("État : fiable, les écritures sont permises.", "State: trusted, writes are allowed."))
            } else {
                print(lang.pick("État : à vérifier. ", "State: to be checked. ") + status.clockVerdict.message(lang))
                throw ExitCode(1)
            }
        }
    }
}
