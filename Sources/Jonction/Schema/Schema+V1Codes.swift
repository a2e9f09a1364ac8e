/// `candidate.status`.
public enum CandidateStatus: String, SchemaCode {
    case registered, trained, placed, withdrawn

    /// Whether a matching round may propose the candidate something.
    public var isAvailable: Bool { self == .registered || self == .trained }
}

/// `candidate.consent`: with whom the candidate agreed their profile is shared.
public enum Consent: String, SchemaCode {
    /// No consent (`none`; not named `none`, which would read as `Optional.none`).
    case nobody = "none"
    case programme
    case employers
}

/// `opportunity.kind`.
public enum OpportunityKind: String, SchemaCode {
    case job, training, internship
}

/// `opportunity.status`.
public enum OpportunityStatus: String, SchemaCode {
    case open, filled, closed
}

/// `proposal.status` (protocol.md §2.5).
public enum ProposalStatus: String, SchemaCode {
    case proposed, accepted, declined, expired
}
