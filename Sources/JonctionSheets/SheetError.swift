import Jonction

/// What can go wrong reading a spreadsheet or a mapping file, with the facts; the words are chosen
/// by `message(_:)` in the user's language. Problems of one row are not errors: they are
/// `RowProblem`s in the import's report, and the other rows go on.
public enum SheetError: Error, Equatable, UserFacingError {
    case unreadable(path: String)
    case tooLarge(path: String, bytes: Int, limit: Int)
    case empty(path: String)
    case tooManyRows(limit: Int)
    case tooManyColumns(count: Int, limit: Int)
    case cellTooLong(line: Int, limit: Int)
    /// An .xlsx whose content unpacks to more than the limit (a « zip bomb »), or a part that does.
    case unpacksTooLarge(limit: Int)
    case notASpreadsheet(path: String, detail: String)
    case unknownFormat(path: String)
    case mapping(path: String, detail: String)
    case unknownMappedColumn(column: String, headers: [String])
    case mappingField(table: String, field: String, known: [String])
    case noColumnMatches(table: String, headers: [String])
    case refusedRows(count: Int)
    case reportNotWritten(path: String)

    public func message(_ lang: Lang) -> String {
        switch self {
        case .unreadable(let path):
            return lang.pick("Impossible de lire le fichier \(path) : vérifiez le chemin et les droits.",
                             "Cannot read the file \(path): check the path and the permissions.")
        case .tooLarge(let path, let bytes, let limit):
            return lang.pick(
                "Le fichier \(path) est trop gros (\(bytes / 1_048_576) Mio ; au plus \(limit / 1_048_576) Mio) : coupez-le en plusieurs fichiers. Rien n’a été modifié.",
                "The file \(path) is too large (\(bytes / 1_048_576) MiB; at most \(limit / 1_048_576) MiB): split it into several files. Nothing was changed.")
        case .empty(let path):
            return lang.pick("Le fichier \(path) ne contient aucune ligne (il faut au moins la ligne des en-têtes).",
                             "The file \(path) holds no line (it needs at least the header line).")
        case .tooManyRows(let limit):
            return lang.pick("Le fichier a plus de \(limit) lignes : coupez-le en plusieurs fichiers. Rien n’a été modifié.",
                             "The file has more than \(limit) rows: split it into several files. Nothing was changed.")
        case .tooManyColumns(let count, let limit):
            return lang.pick("Le fichier a \(count) colonnes ou plus (au plus \(limit)) : gardez seulement les colonnes utiles. Rien n’a été modifié.",
                             "The file has \(count) columns or more (at most \(limit)): keep only the useful columns. Nothing was changed.")
        case .cellTooLong(let line, let limit):
            return lang.pick("Ligne \(line) : une cellule dépasse \(limit) caractères (un guillemet mal fermé ?). Rien n’a été modifié.",
                             "Line \(line): a cell exceeds \(limit) characters (a quote left open?). Nothing was changed.")
        case .unpacksTooLarge(let limit):
            return lang.pick(
                "Ce fichier .xlsx se décompresse en plus de \(limit / 1_048_576) Mio : refusé (fichier trop gros ou piégé). Enregistrez-le en CSV ou coupez-le. Rien n’a été modifié.",
                "This .xlsx file unpacks to more than \(limit / 1_048_576) MiB: refused (too large, or a trap). Save it as CSV or split it. Nothing was changed.")
        case .notASpreadsheet(let path, let detail):
            return lang.pick("Le fichier \(path) n’est pas un classeur .xlsx lisible (\(detail)) : ouvrez-le dans le tableur et enregistrez-le de nouveau, en .xlsx ou en CSV.",
                             "The file \(path) is not a readable .xlsx workbook (\(detail)): open it in the spreadsheet and save it again, as .xlsx or CSV.")
        case .unknownFormat(let path):
            return lang.pick("Format de \(path) non reconnu : attendu un fichier .csv (ou .txt) ou .xlsx. Un ancien .xls s’enregistre en .xlsx depuis le tableur.",
                             "Format of \(path) not recognised: expected a .csv (or .txt) or .xlsx file. An old .xls can be saved as .xlsx from the spreadsheet.")
        case .mapping(let path, let detail):
            return lang.pick("Fichier de correspondance \(path) incorrect : \(detail). Voir le README, « Tableurs et exports Kobo ».",
                             "Mapping file \(path) is wrong: \(detail). See the README, “Tableurs et exports Kobo”.")
        case .unknownMappedColumn(let column, let headers):
            return lang.pick("La colonne « \(column) » du fichier de correspondance n’est pas dans le tableau. Colonnes du tableau : \(lang.list(headers)).",
                             "Column “\(column)” of the mapping file is not in the sheet. The sheet's columns: \(lang.list(headers)).")
        case .mappingField(let table, let field, let known):
            return lang.pick("Le champ « \(field) » n’existe pas dans la table \(table) ; champs connus : \(lang.list(known, limit: 20)).",
                             "Field “\(field)” does not exist in table \(table); known fields: \(lang.list(known, limit: 20)).")
        case .noColumnMatches(let table, let headers):
            return lang.pick(
                "Aucune colonne du tableau ne correspond à un champ de \(table) (colonnes : \(lang.list(headers))). Nommez les colonnes comme les champs ou leurs libellés (« Nom de famille »), ou donnez un fichier de correspondance avec --map.",
                "No column of the sheet matches a field of \(table) (columns: \(lang.list(headers))). Name the columns as the fields or their labels (“Family name”), or give a mapping file with --map.")
        case .refusedRows(let count):
            return lang.pick("\(count) ligne(s) refusée(s) et --all-or-nothing demandé : rien n’a été écrit. Corrigez ces lignes (voir ci-dessus) et relancez.",
                             "\(count) row(s) refused and --all-or-nothing given: nothing was written. Fix these rows (see above) and run again.")
        case .reportNotWritten(let path):
            return lang.pick("Le fichier \(path) n’a pas pu être écrit (disque plein ou droits ?). Rien n’a été modifié dans le réplica.",
                             "The file \(path) could not be written (disk full, or permissions?). Nothing was changed in the replica.")
        }
    }
}
