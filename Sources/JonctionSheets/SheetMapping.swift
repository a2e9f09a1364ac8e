import Foundation
import Jonction
import TOMLKit

/// How the columns of a spreadsheet become fields of a table: which column is which field, which
/// words of the form stand for which code (`Oui` → `employers`), which column is the key, what
/// every row shares. Read from a TOML or JSON file (README, « Tableurs et exports Kobo »;
/// `Fixtures/kobo-inscription.mapping.toml`).
public struct SheetMapping: Sendable, Equatable {
    /// The table the rows go to (the command's `--table` wins when given).
    public var table: String?
    /// The column whose value identifies a row across exports (Kobo's `_uuid`), if any.
    public var key: String?
    /// What the ids start with (default: the site, then `-k-` for a key, `-i-` for an id derived
    /// from the identifying content).
    public var idPrefix: String?
    /// Column (as the header names it, with or without its group prefix) → field.
    public var columns: [String: String] = [:]
    /// Field → (word of the form → value for `Field.parse`), compared without case or accents.
    public var values: [String: [String: String]] = [:]
    /// Field → separator of the items in a list cell (Kobo's select_multiple: a space).
    public var lists: [String: String] = [:]
    /// Field → value written in every row (the office's region, say), unless a column gives one.
    public var constants: [String: String] = [:]
    /// Fields a row may not leave empty (default by table).
    public var required: [String]?
    /// Fields an id is derived from when there is no key column (default by table).
    public var identity: [String]?

    public init() {}

    private struct File: Decodable {
        var table: String?
        var key: String?
        var id_prefix: String?
        var columns: [String: String]?
        var values: [String: [String: String]]?
        var lists: [String: String]?
        var constants: [String: String]?
        var required: [String]?
        var identity: [String]?
    }

    /// Reads a mapping file: JSON if its name ends in `.json` or its text starts with `{`, TOML otherwise.
    public static func read(_ bytes: [UInt8], path: String) throws(SheetError) -> SheetMapping {
        guard bytes.count <= 1_048_576 else { throw .tooLarge(path: path, bytes: bytes.count, limit: 1_048_576) }
        let (text, _) = SheetText.decode(bytes)
        let file: File
        do {
            if path.lowercased().hasSuffix(".json") || text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("{") {
                file = try JSONDecoder().decode(File.self, from: Data(text.utf8))
            } else {
                file = try TOMLDecoder().decode(File.self, from: text)
            }
        } catch let error as TOMLParseError {
            throw .mapping(path: path, detail: "TOML, ligne \(error.source.begin.line) : \(error.description)")
        } catch let error as DecodingError {
            throw .mapping(path: path, detail: SheetMapping.describe(error))
        } catch {
            throw .mapping(path: path, detail: String(describing: error).prefix(200).description)
        }
        var mapping = SheetMapping()
        mapping.table = file.table
        mapping.key = file.key
        mapping.idPrefix = file.id_prefix
        mapping.columns = file.columns ?? [:]
        mapping.values = file.values ?? [:]
        mapping.lists = file.lists ?? [:]
        mapping.constants = file.constants ?? [:]
        mapping.required = file.required
        mapping.identity = file.identity
        if let prefix = mapping.idPrefix, !Schema.isValidRecordID(prefix + "x") {
            throw .mapping(path: path, detail: "id_prefix « \(prefix) » : lettres, chiffres, « - », « _ », « . » ou « : » seulement")
        }
        return mapping
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return (path.isEmpty ? "" : "« \(path) » : ") + "valeur de type inattendu (attendu du texte, une table ou une liste de textes)"
        @unknown default:
            return "contenu inattendu"
        }
    }

    /// Checks the fields the mapping names against the table.
    public func check(_ table: TableSchema) throws(SheetError) {
        let known = table.fields.map(\.name)
        let named = Array(columns.values) + Array(values.keys) + Array(lists.keys) + Array(constants.keys)
            + (required ?? []) + (identity ?? [])
        for field in named where table.position(of: field) == nil {
            throw .mappingField(table: table.name, field: field, known: known)
        }
    }

    /// Folded for comparison: lowercase, no accents, single spaces.
    static func fold(_ s: String) -> String {
        Field.foldForMatching(s).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Whether a header names `column`: exactly, without case or accents, or once its group
    /// prefixes are taken off (Kobo `groupe_identite/nom`, ODK `groupe_identite-nom`).
    static func header(_ header: String, names column: String) -> Bool {
        let h = fold(header), c = fold(column)
        if h == c { return true }
        if c.contains("/") { return false }
        if let last = h.split(separator: "/").last, String(last) == c { return true }
        return h.hasSuffix("-" + c) || h.hasSuffix("%" + c)
    }
}
