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
        func candidateID(of id: String) throws -> String? {
            try state(table: proposal.table, id: id)?.values[proposal.candidateID.position].text
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
        // The allowed history of each proposal concerned, from the log (one pass).
        let ids = Set(undone.map(\.proposal))
        var history: [String: [Change]] = [:]
        for change in try log(table: proposal.table) where ids.contains(change.id) { history[change.id, default: []].append(change) }
        for id in ids.sorted() {
            let changes = history[id] ?? []
            let hubWritten = changes.filter { $0.origin == .hub }
            let candidate = hubWritten.last { $0.field == proposal.candidateID.name }.flatMap {
                if case .set(_, .text(let c)) = $0.operation { return c } else { return nil }
            }
            let allowed = changes.filter { ProposalRule.violation(of: $0, candidateID: candidate) == nil }
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
