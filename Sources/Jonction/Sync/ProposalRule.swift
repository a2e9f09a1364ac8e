/// Who may change a proposal (protocol.md §2.5): the hub writes proposals; the candidate's office —
/// the site whose name prefixes the candidate id — answers them, by setting `status` to `accepted`
/// or `declined` (and `reasons`, to say why), and erases them with the candidate (§3.5), nothing else. The hub takes in every change (the log never drops one) and
/// undoes the others with changes of its own (`ReplicaTransaction.enforceProposalRule`).
public enum ProposalRule {
    /// Why a change to a proposal is not one its origin may make.
    public enum Violation: Sendable, Equatable {
        /// An office answered a proposal made to another office's candidate.
        case notTheCandidatesOffice(candidateID: String)
        /// An office changed a proposal otherwise than by answering it (only the hub writes them).
        case onlyTheHubWrites
    }

    /// Whether `change` (to a proposal whose candidate is `candidateID`, as the hub holds it) breaks
    /// the rule, and how; nil if its origin may make it.
    public static func violation(of change: Change, candidateID: String?) -> Violation? {
        guard change.table == Schema.V1.proposal.table, change.origin != .hub else { return nil }
        switch change.operation {
        case .set(Schema.V1.proposal.status.name, .text(let status))
            where status == ProposalStatus.accepted.rawValue || status == ProposalStatus.declined.rawValue:
            break
        case .set(Schema.V1.proposal.reasons.name, _):
            // The office's answer says why (« Réponse du bureau : … »), after the hub's reasons.
            break
        case .erase:
            break
        default:
            return .onlyTheHubWrites
        }
        guard let candidateID, isCandidate(candidateID, of: change.origin) else {
            return .notTheCandidatesOffice(candidateID: candidateID ?? "?")
        }
        return nil
    }

    /// Whether `site` is the office of the candidate `candidateID` (its id is `<site>-…`, §2.3).
    public static func isCandidate(_ candidateID: String, of site: SiteName) -> Bool {
        candidateID.hasPrefix(site.rawValue + "-")
    }
}
