import Foundation
import Jonction
import JonctionMatch
import TOMLKit

/// The hub's matching configuration (protocol.md §2.5, « Parts et priorités »; README « Le
/// rapprochement »): the minimum and maximum shares by group, the priorities and, if the file has a
/// `weights` table, the scoring weights. `jonction match` and the nightly `jonction hub merge` read the same
/// file: `--quotas FILE`, else `<replica>.rapprochement.toml` beside the hub's replica when present.
///
/// TOML, or JSON with the same keys (the JSON form `match --quotas` always read):
///
///     [round]              # every opportunity without its own entry
///     host_youth = 30
///     F = 40
///     [opportunities.opp-09]
///     F = 50
///     M = { maximum = 50 }  # at most 50 % of its places
///     [whole_round]        # all the round's places together
///     displaced = { minimum = 20, maximum = 60 }
///     [priority]
///     returnee = 2
///     [weights]            # optional: ScoringWeights' keys, the others keep their defaults
///     minimum_score = 50
///
/// The values are checked by `MatchQuotas` and `ScoringWeights` themselves; this type only reads
/// the file, tells TOML from JSON and names the file in every error.
public struct MatchingConfiguration: Sendable, Equatable {
    public var quotas: MatchQuotas
    /// The `weights` table, if the file has one.
    public var weights: ScoringWeights?

    public init(quotas: MatchQuotas = MatchQuotas(), weights: ScoringWeights? = nil) {
        self.quotas = quotas
        self.weights = weights
    }

    /// The tables a configuration may hold.
    public static let tables = ["opportunities", "priority", "round", "weights", "whole_round"]
    /// A configuration is a few lines; a larger file is a mistake (a spreadsheet given by error).
    public static let maxBytes = 1 << 20

    /// The configuration kept beside a hub's replica: `<replica>.rapprochement.toml`.
    public static func defaultPath(forReplica path: String) -> String { path + ".rapprochement.toml" }

    /// The file a round reads: the one given (`--quotas`), else the default one beside the replica
    /// if it exists, else none (no share, no priority, the default weights).
    public static func path(given: String?, replica: String) -> String? {
        if let given { return given }
        let path = defaultPath(forReplica: replica)
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// The configuration of a round on the replica at `replica`: the file given, else the default one
    /// beside the replica if it exists, else none (`path(given:replica:)`).
    public static func read(given: String?, replica: String) throws(MatchingConfigurationError) -> MatchingConfiguration {
        guard let path = path(given: given, replica: replica) else { return MatchingConfiguration() }
        return try read(from: path)
    }

    /// Reads the configuration file at `path`: JSON if its name ends in `.json` or its text starts
    /// with `{`, TOML otherwise (as mapping files, `SheetMapping.read`).
    public static func read(from path: String) throws(MatchingConfigurationError) -> MatchingConfiguration {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .unreadable(path: path) }
        guard info.st_size <= maxBytes else { throw .tooLarge(path: path, bytes: Int(info.st_size)) }
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path) }
        guard data.count <= maxBytes else { throw .tooLarge(path: path, bytes: data.count) }
        guard let text = String(data: data, encoding: .utf8) else { throw .notText(path: path) }
        return try MatchingConfiguration(text: text, path: path)
    }

    /// Parses a configuration's text; `path` names it in errors and tells JSON by its extension.
    public init(text: String, path: String) throws(MatchingConfigurationError) {
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        let root: [String: Any]
        if path.lowercased().hasSuffix(".json") || body.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("{") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) else { throw .syntax(path: path, line: nil, detail: "JSON") }
            guard let dictionary = object as? [String: Any] else { throw .notATable(path: path) }
            root = dictionary
        } else {
            do {
                root = Self.object(try TOMLTable(string: body))
            } catch let error as TOMLParseError {
                throw .syntax(path: path, line: error.source.begin.line, detail: error.description)
            } catch {
                throw .syntax(path: path, line: nil, detail: "TOML")
            }
        }
        if let unknown = root.keys.sorted().first(where: { !Self.tables.contains($0) }) {
            throw .unknownTable(path: path, key: unknown)
        }
        var shares = root
        let weights = shares.removeValue(forKey: "weights")
        // Through JSON again: the one validation of `MatchQuotas(json:)` and `ScoringWeights(json:)`.
        let sharesJSON = (try? JSONSerialization.data(withJSONObject: shares)) ?? Data("{}".utf8)
        do { quotas = try MatchQuotas(json: sharesJSON) } catch { throw .quotas(path: path, error) }
        if let weights {
            guard weights is [String: Any], let json = try? JSONSerialization.data(withJSONObject: weights) else {
                throw .quotas(path: path, .notAnObjectAt("weights"))
            }
            do { self.weights = try ScoringWeights(json: json) } catch { throw .weights(path: path, error) }
        } else {
            self.weights = nil
        }
    }

    /// A TOML table as the objects `JSONSerialization` reads. A date or a time becomes its text, which
    /// no key accepts: the error then names the key.
    private static func object(_ table: TOMLTable) -> [String: Any] {
        var out: [String: Any] = [:]
        for (key, value) in table { out[key] = Self.value(value) }
        return out
    }

    private static func value(_ value: TOMLValueConvertible) -> Any {
        switch value.type {
        case .int: return value.int ?? 0
        case .double: return "\(value.double ?? 0)"  // `40.0` is not an integer: refused, with its key
        case .bool: return value.bool ?? false
        case .string: return value.string ?? ""
        case .table: return value.table.map(object) ?? [:]
        case .array: return (value.array.map { Array($0) } ?? []).map { Self.value($0) }
        case .date, .time, .dateTime: return value.debugDescription
        }
    }
}

/// A matching configuration that cannot be used: the round is not run, nothing is written.
public enum MatchingConfigurationError: Error, UserFacingError, Equatable {
    case unreadable(path: String)
    case tooLarge(path: String, bytes: Int)
    case notText(path: String)
    /// Not TOML nor JSON; the line of the first mistake when the parser says it.
    case syntax(path: String, line: Int?, detail: String)
    /// A JSON file whose text is not one object.
    case notATable(path: String)
    case unknownTable(path: String, key: String)
    case quotas(path: String, QuotaError)
    case weights(path: String, WeightsError)

    public func message(_ lang: Lang) -> String {
        let then = lang.pick(" Corrigez le fichier puis relancez : rien n’a été écrit.", " Correct the file and run again: nothing was written.")
        let tables = MatchingConfiguration.tables.joined(separator: ", ")
        switch self {
        case .unreadable(let path):
            return lang.pick("Impossible de lire la configuration du rapprochement \(path) : vérifiez le chemin et les droits.",
                             "Cannot read the matching configuration \(path): check the path and the permissions.")
        case .tooLarge(let path, let bytes):
            return lang.pick("La configuration du rapprochement \(path) fait \(bytes) octets : au plus \(MatchingConfiguration.maxBytes) (est-ce le bon fichier ?).",
                             "The matching configuration \(path) is \(bytes) bytes: at most \(MatchingConfiguration.maxBytes) (is it the right file?).")
        case .notText(let path):
            return lang.pick("La configuration du rapprochement \(path) n’est pas un texte UTF-8 : enregistrez-la en UTF-8.",
                             "The matching configuration \(path) is not UTF-8 text: save it as UTF-8.")
        case .syntax(let path, let line, let detail):
            let at = line.map { lang.pick(", ligne \($0)", ", line \($0)") } ?? ""
            return lang.pick("La configuration du rapprochement \(path) n’est ni du TOML ni du JSON valide\(at) (\(detail)).",
                             "The matching configuration \(path) is neither valid TOML nor valid JSON\(at) (\(detail)).") + then
        case .notATable(let path):
            return lang.pick("La configuration du rapprochement \(path) doit être un objet JSON (ou un fichier TOML) avec les tables \(tables).",
                             "The matching configuration \(path) must be a JSON object (or a TOML file) with the tables \(tables).") + then
        case .unknownTable(let path, let key):
            return lang.pick("Table inconnue « \(key) » dans la configuration du rapprochement \(path) : les tables sont \(tables).",
                             "Unknown table “\(key)” in the matching configuration \(path): the tables are \(tables).") + then
        case .quotas(let path, let error):
            return lang.pick("Configuration du rapprochement \(path) : ", "Matching configuration \(path): ") + error.message(lang) + then
        case .weights(let path, let error):
            return lang.pick("Configuration du rapprochement \(path), table weights : ", "Matching configuration \(path), table weights: ")
                + error.message(lang) + then
        }
    }
}
