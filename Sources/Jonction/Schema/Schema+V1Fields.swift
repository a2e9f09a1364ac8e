extension Schema {
    /// Typed handles on schema version 1 (protocol.md §2.1): `Schema.V1.candidate.status` names
    /// the field and its position once, so that code reads `values[Schema.V1.candidate.status]`
    /// instead of looking a name up. `Schema.current` stays the one definition of the data model;
    /// `check(_:)` proves the handles and the codes agree with it.
    public enum V1 {
        public static let candidate = Candidate()
        public static let employer = Employer()
        public static let opportunity = Opportunity()
        public static let proposal = Proposal()
        public static let placement = Placement()

        /// Every handle, table by table in the schema's order.
        public static var fields: [FieldHandle] {
            candidate.fields + employer.fields + opportunity.fields + proposal.fields + placement.fields
        }

        /// Every enumeration field with a Swift enum, and that enum's codes in declaration order.
        public static var codeFields: [(field: FieldHandle, codes: [String])] {
            func codes<Code>(_ handle: CodeFieldHandle<Code>) -> (field: FieldHandle, codes: [String]) {
                (handle.field, Code.allCases.map(\.rawValue))
            }
            return [codes(candidate.status), codes(candidate.consent), codes(opportunity.kind), codes(opportunity.status),
                    codes(proposal.status)]
        }

        /// Checks that every handle names the field at its position in `schema`, and that every
        /// code enum lists exactly that field's values, in order. Cheap: run it once before
        /// reading records by handle.
        public static func check(_ schema: Schema) throws(SchemaError) {
            for handle in fields {
                let table = try schema.table(named: handle.table)
                guard table.fields.indices.contains(handle.position), table.fields[handle.position].name == handle.name else {
                    throw .unknownField(table: handle.table, field: handle.name, known: table.fields.map(\.name))
                }
            }
            for (handle, codes) in codeFields {
                let field = try schema.table(named: handle.table).field(named: handle.name)
                guard case .enumeration(let values) = field.type, values == codes else {
                    throw .invalidValue(table: handle.table, field: handle.name, value: codes.joined(separator: ";"),
                                        expected: field.type.expectation)
                }
            }
        }
    }
}

extension Schema.V1 {
    /// The `candidate` table.
    public struct Candidate: Sendable {
        public let table = "candidate"
        public let familyName = FieldHandle(table: "candidate", position: 0, name: "family_name")
        public let givenNames = FieldHandle(table: "candidate", position: 1, name: "given_names")
        public let sex = FieldHandle(table: "candidate", position: 2, name: "sex")
        public let birthYear = FieldHandle(table: "candidate", position: 3, name: "birth_year")
        public let phone = FieldHandle(table: "candidate", position: 4, name: "phone")
        public let region = FieldHandle(table: "candidate", position: 5, name: "region")
        public let commune = FieldHandle(table: "candidate", position: 6, name: "commune")
        public let originStatus = FieldHandle(table: "candidate", position: 7, name: "origin_status")
        public let isco = FieldHandle(table: "candidate", position: 8, name: "isco")
        public let skills = FieldHandle(table: "candidate", position: 9, name: "skills")
        public let languages = FieldHandle(table: "candidate", position: 10, name: "languages")
        public let education = FieldHandle(table: "candidate", position: 11, name: "education")
        public let relocate = FieldHandle(table: "candidate", position: 12, name: "relocate")
        public let availableFrom = FieldHandle(table: "candidate", position: 13, name: "available_from")
        public let status = CodeFieldHandle<CandidateStatus>(table: "candidate", position: 14, name: "status")
        public let consent = CodeFieldHandle<Consent>(table: "candidate", position: 15, name: "consent")
        public let notes = FieldHandle(table: "candidate", position: 16, name: "notes")

        /// Every field, in the table's order.
        public var fields: [FieldHandle] {
            [familyName, givenNames, sex, birthYear, phone, region, commune, originStatus, isco, skills, languages,
             education, relocate, availableFrom, status.field, consent.field, notes]
        }
    }

    /// The `employer` table.
    public struct Employer: Sendable {
        public let table = "employer"
        public let name = FieldHandle(table: "employer", position: 0, name: "name")
        public let federation = FieldHandle(table: "employer", position: 1, name: "federation")
        public let sector = FieldHandle(table: "employer", position: 2, name: "sector")
        public let region = FieldHandle(table: "employer", position: 3, name: "region")
        public let contactPhone = FieldHandle(table: "employer", position: 4, name: "contact_phone")

        /// Every field, in the table's order.
        public var fields: [FieldHandle] {
            [name, federation, sector, region, contactPhone]
        }
    }

    /// The `opportunity` table.
    public struct Opportunity: Sendable {
        public let table = "opportunity"
        public let employerID = FieldHandle(table: "opportunity", position: 0, name: "employer_id")
        public let kind = CodeFieldHandle<OpportunityKind>(table: "opportunity", position: 1, name: "kind")
        public let title = FieldHandle(table: "opportunity", position: 2, name: "title")
        public let isco = FieldHandle(table: "opportunity", position: 3, name: "isco")
        public let skillsRequired = FieldHandle(table: "opportunity", position: 4, name: "skills_required")
        public let languages = FieldHandle(table: "opportunity", position: 5, name: "languages")
        public let minEducation = FieldHandle(table: "opportunity", position: 6, name: "min_education")
        public let region = FieldHandle(table: "opportunity", position: 7, name: "region")
        public let places = FieldHandle(table: "opportunity", position: 8, name: "places")
        public let startsOn = FieldHandle(table: "opportunity", position: 9, name: "starts_on")
        public let endsOn = FieldHandle(table: "opportunity", position: 10, name: "ends_on")
        public let status = CodeFieldHandle<OpportunityStatus>(table: "opportunity", position: 11, name: "status")
        /// Data model version 3: the skills a training gives (protocol.md §2.5).
        public let teaches = FieldHandle(table: "opportunity", position: 12, name: "teaches")

        /// Every field, in the table's order.
        public var fields: [FieldHandle] {
            [employerID, kind.field, title, isco, skillsRequired, languages, minEducation, region, places, startsOn,
             endsOn, status.field, teaches]
        }
    }

    /// The `proposal` table.
    public struct Proposal: Sendable {
        public let table = "proposal"
        public let candidateID = FieldHandle(table: "proposal", position: 0, name: "candidate_id")
        public let opportunityID = FieldHandle(table: "proposal", position: 1, name: "opportunity_id")
        public let score = FieldHandle(table: "proposal", position: 2, name: "score")
        public let reasons = FieldHandle(table: "proposal", position: 3, name: "reasons")
        public let round = FieldHandle(table: "proposal", position: 4, name: "round")
        public let status = CodeFieldHandle<ProposalStatus>(table: "proposal", position: 5, name: "status")

        /// Every field, in the table's order.
        public var fields: [FieldHandle] {
            [candidateID, opportunityID, score, reasons, round, status.field]
        }
    }

    /// The `placement` table.
    public struct Placement: Sendable {
        public let table = "placement"
        public let candidateID = FieldHandle(table: "placement", position: 0, name: "candidate_id")
        public let opportunityID = FieldHandle(table: "placement", position: 1, name: "opportunity_id")
        public let startedOn = FieldHandle(table: "placement", position: 2, name: "started_on")
        public let endedOn = FieldHandle(table: "placement", position: 3, name: "ended_on")
        public let outcome = FieldHandle(table: "placement", position: 4, name: "outcome")

        /// Every field, in the table's order.
        public var fields: [FieldHandle] {
            [candidateID, opportunityID, startedOn, endedOn, outcome]
        }
    }
}
