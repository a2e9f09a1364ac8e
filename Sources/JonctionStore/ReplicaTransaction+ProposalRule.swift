import Foundation
import GRDB
import Jonction

/// A change the hub took in but undid (protocol.md §2.5): who made it, on which proposal, why.
public struct UndoneChange: Sendable, Equatable {
    public var origin: SiteName
    public var seq: UInt64
    public var proposal: String
    public var field: String?
    public var violation: ProposalRule.Violation
}

extension ReplicaTransaction {
    /// At the hub, after a merge: the new changes to proposals that `ProposalRule` does not allow
    /// are undone by changes of the hub's own — each field they touched takes again the value of its
    /// last allowed change (null if none), and a proposal no allowed change ever wrote is deleted.
    /// The offices get these changes like any other: everyone converges on the allowed state.
    /// Returns what was undone, for the reports.
    func enforceProposalRule(on changes: [Change]) throws -> [UndoneChange] {
        guard replica.site == .hub else { return [] }
        let proposal = Schema.V1.proposal
        let candidates = changes.filter { $0.table == proposal.table && $0.origin != .hub }
        guard !candidates.isEmpty else { return [] }
        // The history of the proposals concerned, read from the log (one pass) only when needed:
        // to find the candidate of a proposal deleted or erased since, or to undo.
        let ids = Set(candidates.map(\.id))
        var loaded: [String: [Change]]? = nil
        func history(of id: String) throws -> [Change] {
            if loaded == nil {
                loaded = [:]
                for change in try log(table: proposal.table) where ids.contains(change.id) { loaded![change.id, default: []].append(change) }
            }
            return loaded![id] ?? []
        }
        // The candidate as the hub wrote it (an office's own write of it is one of the changes
        // checked): the held value if the hub's, else the hub's last in the log, else, for a
        // proposal erased since, the one its id names (`r<round>-<candidate id>`, §2.5).
        let p = proposal.candidateID.position
        func candidateID(of id: String) throws -> String? {
            if let held = try state(table: proposal.table, id: id), held.stamps[p]?.site == .hub, let c = held.values[p].text {
                return c
            }
            let written = try history(of: id).last { $0.origin == .hub && $0.field == proposal.candidateID.name }
            if case .set(_, .text(let c))? = written?.operation { return c }
            guard id.first == "r", let dash = id.firstIndex(of: "-"), Int(id[id.index(after: id.startIndex)..<dash]) != nil else {
                return nil
            }
            return String(id[id.index(after: dash)...])
        }
        var undone: [UndoneChange] = []
        var seen = Set<String>()
        for change in candidates where seen.insert("\(change.origin.rawValue) \(change.seq)").inserted {
            if let violation = ProposalRule.violation(of: change, candidateID: try candidateID(of: change.id)) {
                undone.append(UndoneChange(origin: change.origin, seq: change.seq, proposal: change.id, field: change.field,
                                           violation: violation))
            }
        }
        guard !undone.isEmpty else { return [] }
        for id in Set(undone.map(\.proposal)).sorted() {
            let candidate = try candidateID(of: id)
            let allowed = try history(of: id).filter { ProposalRule.violation(of: $0, candidateID: candidate) == nil }
            guard let current = try state(table: proposal.table, id: id), !current.isDeleted else { continue }
            if allowed.isEmpty {
                try delete(table: proposal.table, id: id)
                continue
            }
            let table = try replica.schema.table(named: proposal.table)
            var restore: [(String, Value)] = []
            for field in Set(undone.filter { $0.proposal == id }.compactMap(\.field)).sorted() {
                guard let p = table.position(of: field) else { continue }
                let last = allowed.filter { $0.field == field }.max { $0.stamp < $1.stamp }
                // Already the allowed value (the refused change lost): nothing to undo.
                if let last, current.stamps[p] == last.stamp { continue }
                var value = Value.null
                if let last, case .set(_, let v) = last.operation { value = v == .erased ? .null : v }
                if current.values[p] != value || current.stamps[p] != last?.stamp { restore.append((field, value)) }
            }
            if !restore.isEmpty { try set(table: proposal.table, id: id, fields: restore) }
        }
        return undone
    }
}

extension UndoneChange {
    /// What the hub's administrator reads.
    public func message(_ lang: Lang) -> String {
        let which = lang.pick("changement n° \(seq) de \(origin) sur la proposition \(proposal)",
                              "change #\(seq) of \(origin) to proposal \(proposal)")
        guard field != nil else {
            // A delete is final (§3.3): reported, not undone.
            return lang.pick(
                "Refusé, mais définitif : \(which) la supprime ; un bureau ne supprime pas une proposition (protocole §2.5), et une suppression ne se défait pas. Le bureau de la personne peut demander au pôle un nouveau tour.",
                "Refused, but final: \(which) deletes it; an office does not delete a proposal (protocol §2.5), and a delete cannot be undone. The person's office may ask the hub for a new round.")
        }
        switch violation {
        case .notTheCandidatesOffice(let candidate):
            return lang.pick(
                "Annulé : \(which) — \(candidate) n’est pas une personne de \(origin) ; seul son bureau peut répondre (protocole §2.5).",
                "Undone: \(which) — \(candidate) is not a person of \(origin); only their office may answer (protocol §2.5).")
        case .onlyTheHubWrites:
            return lang.pick(
                "Annulé : \(which) — un bureau ne fait que répondre (status accepted ou declined) ; le reste d’une proposition, c’est le pôle qui l’écrit (protocole §2.5).",
                "Undone: \(which) — an office only answers (status accepted or declined); the hub writes the rest of a proposal (protocol §2.5).")
        }
    }
}
