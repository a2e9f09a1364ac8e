/// A write that the data model refuses. Nothing is changed when one is thrown.
public enum SchemaError: Error, Sendable, Equatable {
    case unknownTable(String, known: [String])
    case unknownField(table: String, field: String, known: [String])
    case invalidRecordID(String)
    case invalidSiteName(String)
    case invalidUserName(String)
    /// A value that does not fit its field; `expected` says what fits.
    case invalidValue(table: String, field: String, value: String, expected: Expectation)

    public enum Expectation: Sendable, Equatable {
        case integer(ClosedRange<Int64>)
        case flag
        case date
        case oneOf([String])
        case region
        case isco
        case phone
        case languageCodes
        case maxLength(Int)
        case listItemLength(Int)
        /// A control character (named by its code point) that text may not hold.
        case noControlCharacter(UInt32)
        /// A character unknown to Unicode 13.0 (protocol.md §2.2).
        case knownCharacters(UInt32)
    }
}

extension SchemaError: UserFacingError {
    public func message(_ lang: Lang) -> String {
        switch self {
        case .unknownTable(let name, let known):
            return lang.pick(
                "Table inconnue « \(name) ». Tables possibles : \(lang.list(known)).",
                "Unknown table “\(name)”. Known tables: \(lang.list(known)).")
        case .unknownField(let table, let field, let known):
            return lang.pick(
                "Champ inconnu « \(field) » dans la table \(table). Champs possibles : \(lang.list(known, limit: 30)).",
                "Unknown field “\(field)” in table \(table). Known fields: \(lang.list(known, limit: 30)).")
        case .invalidRecordID(let id):
            return lang.pick(
                "Identifiant d’enregistrement invalide « \(id) » : de 1 à 128 caractères parmi lettres sans accent, chiffres, « - », « _ », « . » et « : ».",
                "Invalid record id “\(id)”: 1 to 128 characters among unaccented letters, digits, “-”, “_”, “.” and “:”.")
        case .invalidSiteName(let name):
            return lang.pick(
                "Nom de site invalide « \(name) » : de 1 à 32 caractères parmi a-z, 0-9 et « - » (sans majuscule ni accent, pas de « - » au début), par exemple « kayes » ou « mopti-2 ».",
                "Invalid site name “\(name)”: 1 to 32 characters among a-z, 0-9 and “-” (no capitals or accents, not starting with “-”), e.g. “kayes” or “mopti-2”.")
        case .invalidUserName(let name):
            return lang.pick(
                "Nom d’utilisateur invalide « \(name) » : de 1 à 32 caractères parmi a-z, 0-9, « . » et « - », commençant par une lettre (sans majuscule ni accent), par exemple « awa.diarra ».",
                "Invalid user name “\(name)”: 1 to 32 characters among a-z, 0-9, “.” and “-”, starting with a letter (no capitals or accents), e.g. “awa.diarra”.")
        case .invalidValue(let table, let field, let value, let expected):
            let what = lang.pick("Valeur refusée pour \(table).\(field) : « \(value) ». ",
                                 "Value refused for \(table).\(field): “\(value)”. ")
            if case .oneOf(let codes) = expected, !codes.isEmpty {
                // The codes with the words a user may type instead: « femme (F), homme (M), autre (X) ».
                let labelled = codes.map { code in
                    let label = Labels.value(table, field, code, lang)
                    return label == code ? code : "\(label) (\(code))"
                }
                return what + lang.pick("Valeurs possibles : \(lang.list(labelled, limit: 30)).",
                                        "Possible values: \(lang.list(labelled, limit: 30)).")
            }
            return what + expected.message(lang)
        }
    }
}

extension SchemaError.Expectation {
    /// What the field expects, in the user's words.
    public func message(_ lang: Lang) -> String {
        switch self {
        case .integer(let range):
            return lang.pick("Attendu : un nombre entier de \(range.lowerBound) à \(range.upperBound).",
                             "Expected: a whole number from \(range.lowerBound) to \(range.upperBound).")
        case .flag:
            return lang.pick("Attendu : 1 (oui) ou 0 (non).", "Expected: 1 (yes) or 0 (no).")
        case .date:
            return lang.pick("Attendu : une date AAAA-MM-JJ (ou JJ/MM/AAAA), par exemple 2026-11-25.",
                             "Expected: a date YYYY-MM-DD (or DD/MM/YYYY), e.g. 2026-11-25.")
        case .oneOf(let values):
            return lang.pick("Valeurs possibles : \(lang.list(values, limit: 30)).",
                             "Possible values: \(lang.list(values, limit: 30)).")
        case .region:
            return lang.pick("Attendu : une région du Mali, parmi \(lang.list(Schema.regions, limit: 30)).",
                             "Expected: a region of Mali, among \(lang.list(Schema.regions, limit: 30)).")
        case .isco:
            return lang.pick("Attendu : un code CITP-08 (ISCO-08) à 4 chiffres, par exemple 7112 (maçons).",
                             "Expected: a 4-digit ISCO-08 code, e.g. 7112 (bricklayers).")
        case .phone:
            return lang.pick("Attendu : un numéro de téléphone (chiffres, espaces, +, -, ., parenthèses), par exemple +223 76 12 34 56.",
                             "Expected: a telephone number (digits, spaces, +, -, ., brackets), e.g. +223 76 12 34 56.")
        case .languageCodes:
            return lang.pick("Attendu : des langues séparées par « , » ou « ; », par leur nom (bambara, français, peul, soninké, songhaï, tamasheq…) ou leur code de 2 ou 3 lettres (bm, fr, ff, snk, ses, tmh…), par exemple « bambara,français ».",
                             "Expected: languages separated by “,” or “;”, by name (Bambara, French, Fula, Soninke…) or by their 2- or 3-letter code (bm, fr, ff, snk…), e.g. “bm,fr”.")
        case .maxLength(let n):
            return lang.pick("Le texte dépasse \(n) caractères.", "The text is longer than \(n) characters.")
        case .listItemLength(let n):
            return lang.pick("Un élément de la liste dépasse \(n) caractères.", "A list item is longer than \(n) characters.")
        case .noControlCharacter(let c):
            return lang.pick(
                "Le texte contient un caractère de contrôle invisible (\(NormalText.codePoint(c))) : retapez la valeur sans le copier-coller.",
                "The text holds an invisible control character (\(NormalText.codePoint(c))): type the value again rather than pasting it.")
        case .knownCharacters(let c):
            return lang.pick(
                "Le texte contient un caractère que Jonction ne connaît pas (\(NormalText.codePoint(c)), trop récent dans Unicode) : retirez-le.",
                "The text holds a character Jonction does not know (\(NormalText.codePoint(c)), too recent in Unicode): remove it.")
        }
    }
}
