/// What people read and type for the data model: a label, in French and in English, for every
/// table, field and enumeration code, and the language names of `languages`.
///
/// Writers (`put`, the web forms, importers) accept a label wherever a code is expected
/// (`consent=employeurs`, `sex=femme`, `languages=bambara,français`), accent- and case-insensitive;
/// what is stored is always the code (protocol.md §2.2), so no receiver ever sees a label.
public enum Labels {
    /// A label in both languages.
    public struct Text: Sendable, Equatable {
        public var fr: String
        public var en: String

        public init(_ fr: String, _ en: String) {
            self.fr = fr
            self.en = en
        }

        public func pick(_ lang: Lang) -> String { lang.pick(fr, en) }
    }

    // MARK: Tables and fields

    public static let tables: [String: Text] = [
        "candidate": Text("Candidat", "Candidate"),
        "employer": Text("Employeur", "Employer"),
        "opportunity": Text("Opportunité", "Opportunity"),
        "proposal": Text("Proposition", "Proposal"),
        "placement": Text("Placement", "Placement"),
    ]

    static let fields: [String: [String: Text]] = [
        "candidate": [
            "family_name": Text("Nom de famille", "Family name"),
            "given_names": Text("Prénoms", "Given names"),
            "sex": Text("Sexe", "Sex"),
            "birth_year": Text("Année de naissance", "Year of birth"),
            "phone": Text("Téléphone", "Phone"),
            "region": Text("Région", "Region"),
            "commune": Text("Commune", "Commune"),
            "origin_status": Text("Situation", "Origin status"),
            "isco": Text("Métier (code CITP)", "Occupation (ISCO code)"),
            "skills": Text("Compétences", "Skills"),
            "languages": Text("Langues parlées", "Languages"),
            "education": Text("Niveau d’études", "Education"),
            "relocate": Text("Accepte de déménager", "Willing to relocate"),
            "available_from": Text("Disponible à partir du", "Available from"),
            "status": Text("Étape", "Status"),
            "consent": Text("Consentement au partage", "Consent to sharing"),
            "notes": Text("Notes", "Notes"),
        ],
        "employer": [
            "name": Text("Nom", "Name"),
            "federation": Text("Fédération (CNPM)", "Federation (CNPM)"),
            "sector": Text("Secteur", "Sector"),
            "region": Text("Région", "Region"),
            "contact_phone": Text("Téléphone du contact", "Contact phone"),
        ],
        "opportunity": [
            "employer_id": Text("Employeur (identifiant)", "Employer (id)"),
            "kind": Text("Type", "Kind"),
            "title": Text("Intitulé", "Title"),
            "isco": Text("Métier (code CITP)", "Occupation (ISCO code)"),
            "skills_required": Text("Compétences demandées", "Skills required"),
            "languages": Text("Langues demandées", "Languages required"),
            "min_education": Text("Niveau d’études minimum", "Minimum education"),
            "region": Text("Région", "Region"),
            "places": Text("Nombre de places", "Places"),
            "starts_on": Text("Début", "Starts on"),
            "ends_on": Text("Fin", "Ends on"),
            "status": Text("État", "Status"),
            "teaches": Text("Compétences enseignées (formation)", "Skills taught (training)"),
        ],
        "proposal": [
            "candidate_id": Text("Candidat", "Candidate"),
            "opportunity_id": Text("Opportunité", "Opportunity"),
            "score": Text("Score", "Score"),
            "reasons": Text("Raisons", "Reasons"),
            "round": Text("Tour", "Round"),
            "status": Text("Réponse", "Status"),
        ],
        "placement": [
            "candidate_id": Text("Candidat", "Candidate"),
            "opportunity_id": Text("Opportunité", "Opportunity"),
            "started_on": Text("Début", "Started on"),
            "ended_on": Text("Fin", "Ended on"),
            "outcome": Text("Résultat", "Outcome"),
        ],
    ]

    /// The label of a field; its name when the catalogue has none.
    public static func field(_ table: String, _ field: String, _ lang: Lang) -> String {
        fields[table]?[field]?.pick(lang) ?? field
    }

    // MARK: Codes

    /// Labels of enumeration codes, per field (`table.field`), in the schema's order of codes.
    static let codes: [String: [String: Text]] = [
        "candidate.sex": ["F": Text("Femme", "Woman"), "M": Text("Homme", "Man"), "X": Text("Autre", "Other")],
        "candidate.origin_status": [
            "returnee": Text("Migrant(e) de retour", "Returnee"),
            "displaced": Text("Personne déplacée", "Displaced person"),
            "host_youth": Text("Jeune de la communauté d’accueil", "Host community youth"),
            "other": Text("Autre", "Other"),
        ],
        "candidate.status": [
            "registered": Text("Inscrit(e)", "Registered"),
            "trained": Text("Formé(e)", "Trained"),
            "placed": Text("Placé(e)", "Placed"),
            "withdrawn": Text("Sorti(e) du programme", "Withdrawn"),
        ],
        "candidate.consent": [
            "none": Text("Aucun (reste au bureau)", "None (stays at the office)"),
            "programme": Text("Programme seulement", "Programme only"),
            "employers": Text("Employeurs", "Employers"),
        ],
        "opportunity.kind": [
            "job": Text("Emploi", "Job"), "training": Text("Formation", "Training"), "internship": Text("Stage", "Internship"),
        ],
        "opportunity.status": [
            "open": Text("Ouverte", "Open"), "filled": Text("Pourvue", "Filled"), "closed": Text("Fermée", "Closed"),
        ],
        "proposal.status": [
            "proposed": Text("En attente de réponse", "Awaiting an answer"), "accepted": Text("Acceptée", "Accepted"),
            "declined": Text("Refusée", "Declined"), "expired": Text("Expirée", "Expired"),
        ],
    ]

    /// More words a writer may type for a code (folded: lowercase, no accents), beside its labels.
    static let aliases: [String: [String: [String]]] = [
        "candidate.sex": ["F": ["femme", "feminin", "f", "woman", "female"], "M": ["homme", "masculin", "man", "male"],
                          "X": ["autre", "other"]],
        "candidate.origin_status": [
            "returnee": ["retourne", "retournee", "retourne(e)", "migrant de retour", "migrante de retour", "rapatrie", "rapatriee"],
            "displaced": ["deplace", "deplacee", "deplace(e)", "pdi", "idp"],
            "host_youth": ["jeune", "communaute d'accueil", "communaute d’accueil", "jeune de la communaute"],
            "other": ["autre"],
        ],
        "candidate.status": [
            "registered": ["inscrit", "inscrite", "enregistre", "enregistree"],
            "trained": ["forme", "formee"], "placed": ["place", "placee"],
            "withdrawn": ["sorti", "sortie", "retire", "retiree", "abandon"],
        ],
        "candidate.consent": [
            "none": ["aucun", "sans", "nobody"], "programme": ["programme", "program", "programme seulement"],
            "employers": ["employeurs", "employeur"],
        ],
        "opportunity.kind": ["job": ["emploi"], "training": ["formation"], "internship": ["stage"]],
        "opportunity.status": ["open": ["ouverte", "ouvert"], "filled": ["pourvue", "pourvu"], "closed": ["fermee", "ferme", "close"]],
        "proposal.status": ["proposed": ["proposee", "en attente"], "accepted": ["acceptee"], "declined": ["refusee"],
                            "expired": ["expiree"]],
    ]

    /// The label of a code of an enumeration field; the code itself when it has none.
    public static func value(_ table: String, _ field: String, _ code: String, _ lang: Lang) -> String {
        codes["\(table).\(field)"]?[code]?.pick(lang) ?? code
    }

    /// The code a writer meant by `input` for an enumeration field: a code, a label or an alias,
    /// compared without case or accents. Nil when nothing matches.
    public static func code(for input: String, table: String, field: String) -> String? {
        let key = fold(input)
        guard let labels = codes["\(table).\(field)"] else { return nil }
        for (code, text) in labels where fold(text.fr) == key || fold(text.en) == key { return code }
        for (code, words) in aliases["\(table).\(field)"] ?? [:] where words.contains(key) { return code }
        return nil
    }

    // MARK: Languages

    /// The languages offices meet most, by code (ISO 639), with their names.
    public static let languages: [(code: String, name: Text)] = [
        ("bm", Text("bambara", "Bambara")), ("fr", Text("français", "French")), ("ff", Text("peul (fulfulde)", "Fula")),
        ("snk", Text("soninké", "Soninke")), ("ses", Text("songhaï", "Songhay")), ("tmh", Text("tamasheq", "Tamasheq")),
        ("emk", Text("malinké", "Maninka")), ("kao", Text("khassonké", "Xaasongaxango")), ("myk", Text("minianka", "Mamara")),
        ("sef", Text("sénoufo", "Senufo")), ("bze", Text("bozo", "Bozo")), ("ar", Text("arabe", "Arabic")),
        ("en", Text("anglais", "English")),
    ]

    /// More names of languages (folded) a writer may type.
    static let languageAliases: [String: String] = [
        "bamanan": "bm", "bamanankan": "bm", "francais": "fr", "peul": "ff", "fulfulde": "ff", "pulaar": "ff", "fula": "ff",
        "sarakole": "snk", "soninke": "snk", "songhai": "ses", "sonrai": "ses", "songhay": "ses", "tamacheq": "tmh",
        "tamashek": "tmh", "touareg": "tmh", "malinke": "emk", "khassonke": "kao", "kassonke": "kao", "minianka": "myk",
        "senoufo": "sef", "bozo": "bze", "arabe": "ar", "anglais": "en",
    ]

    /// The code of a language typed by its name (any case, with or without accents), or nil.
    public static func languageCode(for input: String) -> String? {
        let key = fold(input)
        if let found = languages.first(where: { fold($0.name.fr) == key || fold($0.name.en) == key }) { return found.code }
        return languageAliases[key]
    }

    /// The name of a language code; the code itself for a language the catalogue doesn't name.
    public static func language(_ code: String, _ lang: Lang) -> String {
        languages.first { $0.code == code }?.name.pick(lang) ?? code
    }

    static func fold(_ s: String) -> String {
        Field.foldForMatching(s).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
