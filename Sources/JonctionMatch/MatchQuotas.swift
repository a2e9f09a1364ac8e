import Foundation
import Jonction

/// The programme's targets for a round (protocol.md §2.5, « Parts et priorités »): minimum shares of
/// an opportunity's places by group, for the whole round or per opportunity, and a priority weight
/// per group. A group is an origin status (`returnee`, `displaced`, `host_youth`, `other`) or a sex
/// (`F`, `M`, `X`). Shares and priorities act on the solver only: a candidate's score never depends
/// on its sex or origin.
///
/// Read from the hub's matching configuration (`MatchingConfiguration` in JonctionHub: TOML, or a
/// JSON object of the same keys):
///
///     {"round": {"host_youth": 30, "F": 40},
///      "opportunities": {"opp-09": {"F": 50}},
///      "priority": {"returnee": 2}}
///
/// `round` applies to every opportunity that has no entry of its own in `opportunities`.
public struct MatchQuotas: Sendable, Equatable {
    /// A group of candidates a share or a priority counts.
    public enum Group: Sendable, Hashable, Comparable, CustomStringConvertible {
        case origin(String)
        case sex(String)

        /// The group a configuration key names, or nil.
        public init?(code: String) {
            if MatchQuotas.originCodes.contains(code) {
                self = .origin(code)
            } else if MatchQuotas.sexCodes.contains(code) {
                self = .sex(code)
            } else {
                return nil
            }
        }

        public var code: String {
            switch self {
            case .origin(let code), .sex(let code): return code
            }
        }

        public var description: String { code }

        /// Whether a candidate of `group` belongs to this group.
        public func contains(_ group: MatchGroup) -> Bool {
            switch self {
            case .origin(let code): return group.origin == code
            case .sex(let code): return group.sex == code
            }
        }

        /// The group in French or English words, as the report prints it.
        public func label(_ lang: Lang) -> String {
            switch code {
            case "returnee": return lang.pick("migrants de retour", "returnees")
            case "displaced": return lang.pick("personnes déplacées", "displaced people")
            case "host_youth": return lang.pick("jeunes des communautés hôtes", "host-community youth")
            case "other": return lang.pick("autres origines", "other origins")
            case "F": return lang.pick("femmes", "women")
            case "M": return lang.pick("hommes", "men")
            case "X": return lang.pick("sexe X", "sex X")
            default: return code
            }
        }

        public static func < (a: Group, b: Group) -> Bool {
            switch (a, b) {
            case (.origin, .sex): return true
            case (.sex, .origin): return false
            default: return a.code < b.code
            }
        }
    }

    /// At least `percent` % of an opportunity's places (rounded up) for `group`.
    public struct Minimum: Sendable, Equatable {
        public var group: Group
        public var percent: Int

        public init(group: Group, percent: Int) {
            self.group = group
            self.percent = percent
        }

        /// Places reserved among `places`: the share, rounded up.
        public func places(of places: Int) -> Int { (places * percent + 99) / 100 }
    }

    public static let originCodes = ["returnee", "displaced", "host_youth", "other"]
    public static let sexCodes = ["F", "M", "X"]
    /// Priority weights range over 1…maxPriority (1: no priority).
    public static let maxPriority = 10

    public var round: [Minimum]
    public var opportunities: [String: [Minimum]]
    public var priority: [Group: Int]

    public init(round: [Minimum] = [], opportunities: [String: [Minimum]] = [:], priority: [Group: Int] = [:]) {
        self.round = round
        self.opportunities = opportunities
        self.priority = priority
    }

    /// No share and no priority: the round is solved as without this configuration.
    public var isEmpty: Bool {
        round.isEmpty && opportunities.values.allSatisfy(\.isEmpty) && priority.values.allSatisfy { $0 == 1 }
    }

    /// The minimum shares that apply to an opportunity.
    public func minimums(for opportunity: String) -> [Minimum] { opportunities[opportunity] ?? round }

    /// A candidate's priority weight: the largest among its groups (1 if none is given one).
    public func weight(of group: MatchGroup) -> Int {
        var weight = 1
        for (g, w) in priority where g.contains(group) { weight = max(weight, w) }
        return weight
    }

    /// Reads the JSON configuration described above. Shares are integers 0–100 whose total, for
    /// the round or for one opportunity, is at most 100 (the reserved places are distinct places);
    /// priorities integers 1–10; opportunity ids valid record ids (protocol.md §2.3).
    public init(json data: Data) throws(QuotaError) {
        guard let object = try? JSONSerialization.jsonObject(with: data), let root = object as? [String: Any] else {
            throw .notAnObject
        }
        let keys = ["opportunities", "priority", "round"]
        if let unknown = root.keys.sorted().first(where: { !keys.contains($0) }) { throw .unknownKey(unknown) }
        self.init()
        if let value = root["round"] { round = try Self.minimums(value, path: "round") }
        if let value = root["opportunities"] {
            guard let byOpportunity = value as? [String: Any] else { throw .notAnObjectAt("opportunities") }
            for id in byOpportunity.keys.sorted() {
                guard Schema.isValidRecordID(id) else { throw .invalidOpportunityID(id) }
                opportunities[id] = try Self.minimums(byOpportunity[id]!, path: "opportunities.\(id)")
            }
        }
        if let value = root["priority"] {
            guard let groups = value as? [String: Any] else { throw .notAnObjectAt("priority") }
            for code in groups.keys.sorted() {
                guard let group = Group(code: code) else { throw .unknownGroup(code, path: "priority") }
                let weight = try Self.integer(groups[code]!, path: "priority.\(code)")
                guard (1...Self.maxPriority).contains(weight) else { throw .priorityOutOfRange(code, weight) }
                priority[group] = weight
            }
        }
    }

    private static func minimums(_ value: Any, path: String) throws(QuotaError) -> [Minimum] {
        guard let shares = value as? [String: Any] else { throw .notAnObjectAt(path) }
        var result: [Minimum] = []
        for code in shares.keys.sorted() {
            guard let group = Group(code: code) else { throw .unknownGroup(code, path: path) }
            let percent = try integer(shares[code]!, path: "\(path).\(code)")
            guard (0...100).contains(percent) else { throw .percentOutOfRange("\(path).\(code)", percent) }
            if percent > 0 { result.append(Minimum(group: group, percent: percent)) }
        }
        let total = result.reduce(0) { $0 + $1.percent }
        guard total <= 100 else { throw .totalOver100(path, total) }
        return result.sorted { $0.group < $1.group }
    }

    private static func integer(_ value: Any, path: String) throws(QuotaError) -> Int {
        // Decoded again on its own, as `ScoringWeights` does: `true` or `30.5` is not an integer.
        guard let fragment = try? JSONSerialization.data(withJSONObject: value, options: .fragmentsAllowed),
              let int = try? JSONDecoder().decode(Int.self, from: fragment), abs(int) <= 1_000_000 else {
            throw .notAnInteger(path)
        }
        return int
    }
}

/// A quotas file that cannot be used (`jonction match --quotas`).
public enum QuotaError: Error, UserFacingError, Equatable {
    case notAnObject
    case notAnObjectAt(String)
    case unknownKey(String)
    case unknownGroup(String, path: String)
    case notAnInteger(String)
    case percentOutOfRange(String, Int)
    case totalOver100(String, Int)
    case priorityOutOfRange(String, Int)
    case invalidOpportunityID(String)

    public func message(_ lang: Lang) -> String {
        let example = #"[round] host_youth = 30, F = 40 ; [opportunities.opp-09] F = 50 ; [priority] returnee = 2"#
        let groups = (MatchQuotas.originCodes + MatchQuotas.sexCodes).joined(separator: ", ")
        switch self {
        case .notAnObject:
            let json = #"{"round":{"host_youth":30,"F":40},"opportunities":{"opp-09":{"F":50}},"priority":{"returnee":2}}"#
            return lang.pick("Le fichier des parts n’est pas un objet JSON : attendu par exemple \(json).",
                             "The quotas file is not a JSON object: expected for example \(json).")
        case .notAnObjectAt(let path):
            return lang.pick("« \(path) » doit être une table (en TOML [\(path)], en JSON un objet), par exemple \(example).",
                             "“\(path)” must be a table (in TOML [\(path)], in JSON an object), for example \(example).")
        case .unknownKey(let key):
            return lang.pick("Clé inconnue « \(key) » dans le fichier des parts : les clés sont round, opportunities, priority.",
                             "Unknown key “\(key)” in the quotas file: the keys are round, opportunities, priority.")
        case .unknownGroup(let code, let path):
            return lang.pick("Groupe inconnu « \(code) » dans « \(path) » : les groupes sont \(groups).",
                             "Unknown group “\(code)” in “\(path)”: the groups are \(groups).")
        case .notAnInteger(let path):
            let range = path.hasPrefix("priority.") ? "1 à \(MatchQuotas.maxPriority), une priorité" : "0 à 100, une part en %"
            let rangeEN = path.hasPrefix("priority.") ? "1 to \(MatchQuotas.maxPriority), a priority" : "0 to 100, a share in %"
            return lang.pick("« \(path) » doit être un nombre entier (de \(range)), écrit sans guillemets ni virgule.",
                             "“\(path)” must be an integer (from \(rangeEN)), written without quotes or decimal point.")
        case .percentOutOfRange(let path, let n):
            return lang.pick("« \(path) » vaut \(n) : une part est un entier de 0 à 100 (%).",
                             "“\(path)” is \(n): a share is an integer from 0 to 100 (%).")
        case .totalOver100(let path, let n):
            return lang.pick("Les parts minimales de « \(path) » font \(n) % au total : au plus 100 %, les places réservées étant des places distinctes.",
                             "The minimum shares of “\(path)” add up to \(n) %: at most 100 %, reserved places being distinct places.")
        case .priorityOutOfRange(let code, let n):
            return lang.pick("« priority.\(code) » vaut \(n) : une priorité est un entier de 1 (aucune priorité) à \(MatchQuotas.maxPriority).",
                             "“priority.\(code)” is \(n): a priority is an integer from 1 (no priority) to \(MatchQuotas.maxPriority).")
        case .invalidOpportunityID(let id):
            return lang.pick("« \(id) » n’est pas un identifiant d’opportunité valide (lettres, chiffres, - _ . :, au plus 128).",
                             "“\(id)” is not a valid opportunity id (letters, digits, - _ . :, at most 128).")
        }
    }
}
