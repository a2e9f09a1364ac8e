import Jonction

/// The tables a clerk edits in the application, with their pages' words.
enum RecordKind: Sendable {
    case candidate, employer, opportunity

    var table: String {
        switch self {
        case .candidate: Schema.V1.candidate.table
        case .employer: Schema.V1.employer.table
        case .opportunity: Schema.V1.opportunity.table
        }
    }

    var path: String {
        switch self {
        case .candidate: "/candidats"
        case .employer: "/employeurs"
        case .opportunity: "/opportunites"
        }
    }

    /// The letter of new ids: `kayes-c17`, `kayes-e3`, `kayes-o8`.
    var idLetter: String {
        switch self {
        case .candidate: "c"
        case .employer: "e"
        case .opportunity: "o"
        }
    }

    var plural: String {
        switch self {
        case .candidate: "Candidats"
        case .employer: "Employeurs"
        case .opportunity: "Opportunités"
        }
    }

    var newTitle: String {
        switch self {
        case .candidate: "Enregistrer un candidat"
        case .employer: "Ajouter un employeur"
        case .opportunity: "Ajouter une opportunité"
        }
    }

    var saved: String {
        switch self {
        case .candidate: "Candidat enregistré."
        case .employer: "Employeur enregistré."
        case .opportunity: "Opportunité enregistrée."
        }
    }

    /// Fields a form may not leave empty.
    var required: Set<String> {
        switch self {
        case .candidate: ["family_name", "given_names", "sex", "birth_year", "region", "consent"]
        case .employer: ["name", "region"]
        case .opportunity: ["title", "kind", "region", "places"]
        }
    }

    /// The fields shown in the list, the first one linking to the record.
    var columns: [String] {
        switch self {
        case .candidate: ["family_name", "given_names", "region", "status"]
        case .employer: ["name", "federation", "sector", "region", "contact_phone"]
        case .opportunity: ["title", "kind", "employer_id", "region", "places", "starts_on", "status"]
        }
    }

    /// Help under a field.
    func hint(_ field: String) -> String? {
        switch field {
        case "phone", "contact_phone": "Numéro malien à 8 chiffres (76 12 34 56) : il est écrit +223 76 12 34 56."
        case "skills": "Séparées par des virgules, par exemple : couture, vente, informatique."
        case "skills_required": "Ce que le candidat doit déjà savoir (pour une formation : ses prérequis), séparé par des virgules."
        case "teaches": "Pour une formation : ce qu’elle enseigne, séparé par des virgules. Elle ira d’abord à qui ne le sait pas encore."
        case "isco": "Code à 4 chiffres de la classification CITP-08, par exemple 7531 (tailleurs, couturiers)."
        case "available_from", "starts_on", "ends_on": "Date, par exemple 05/03/2027."
        case "consent": "Aucun : l’identité reste dans ce bureau. Programme : elle va au pôle, sans être proposée aux employeurs. Employeurs : elle peut être proposée."
        default: nil
        }
    }
}
