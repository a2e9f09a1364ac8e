import Foundation
import Jonction

/// The programme's targets for a round (protocol.md §2.5, « Parts et priorités »): minimum and
/// maximum shares of places by group, per opportunity or of the whole round's places, and a
/// priority weight per group. A group is an origin status (`returnee`, `displaced`, `host_youth`, `other`) or a sex
/// (`F`, `M`, `X`). Shares and priorities act on the solver only: a candidate's score never depends
/// on its sex or origin.
///
/// Read from the hub's matching configuration (`MatchingConfiguration` in JonctionHub: TOML, or a
/// JSON object of the same keys):
///
///     {"round": {"host_youth": 30, "F": 40},
///      "opportunities": {"opp-09": {"F": 50, "M": {"maximum": 50}}},
///      "whole_round": {"displaced": {"minimum": 20, "maximum": 60}},
///      "priority": {"returnee": 2}}
///
/// `round` applies to every opportunity that has no entry of its own in `opportunities`;
/// `whole_round` counts all the round's places together.
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

    /// The share of a scope's places (an opportunity's, or the whole round's) a group must have at
    /// least (`minimum` %, rounded up to whole places) and may have at most (`maximum` %, rounded
    /// down).
    public struct Share: Sendable, Equatable {
        public var group: Group
        /// At least this % (0: no minimum).
        public var minimum: Int
        /// At most this % (nil: no maximum).
        public var maximum: Int?

        public init(group: Group, minimum: Int, maximum: Int? = nil) {
            self.group = group
            self.minimum = minimum
            self.maximum = maximum
        }

        /// Places the minimum asks for among `places`: the share, rounded up, but never more than the
        /// maximum allows (at least 40 % and at most 40 % of 3 places: 1).
        public func minimumPlaces(of places: Int) -> Int { min((places * minimum + 99) / 100, maximumPlaces(of: places) ?? places) }

        /// Places the group may have at most among `places`: the share, rounded down; nil without maximum.
        public func maximumPlaces(of places: Int) -> Int? { maximum.map { places * $0 / 100 } }
    }

    public static let originCodes = ["returnee", "displaced", "host_youth", "other"]
    public static let sexCodes = ["F", "M", "X"]
    /// Priority weights range over 1…maxPriority (1: no priority).
    public static let maxPriority = 10

    /// Each opportunity's shares, unless it has its own in `opportunities`.
    public var round: [Share]
    public var opportunities: [String: [Share]]
    /// Shares of all the round's places together (the places of its open opportunities).
    public var wholeRound: [Share]
    public var priority: [Group: Int]

    public init(round: [Share] = [], opportunities: [String: [Share]] = [:], wholeRound: [Share] = [],
                priority: [Group: Int] = [:]) {
        self.round = round
        self.opportunities = opportunities
        self.wholeRound = wholeRound
        self.priority = priority
    }

    /// No share and no priority: the round is solved as without this configuration.
    public var isEmpty: Bool {
        round.isEmpty && opportunities.values.allSatisfy(\.isEmpty) && wholeRound.isEmpty && priority.values.allSatisfy { $0 == 1 }
    }

    /// The shares that apply to an opportunity.
    public func shares(for opportunity: String) -> [Share] { opportunities[opportunity] ?? round }

    /// Whether the shares fit the capacitated assignment (minimums per opportunity only) or need the
    /// general min-cost flow (a maximum, or a share of the whole round): `Matcher.solveWithQuotas`.
    public var needsFlow: Bool {
        !wholeRound.isEmpty || round.contains { $0.maximum != nil } || opportunities.values.contains { $0.contains { $0.maximum != nil } }
    }

    /// A candidate's priority weight: the largest among its groups (1 if none is given one).
    public func weight(of group: MatchGroup) -> Int {
        var weight = 1
        for (g, w) in priority where g.contains(group) { weight = max(weight, w) }
        return weight
    }

    /// Reads the JSON configuration described above. A share is an integer 0–100 (a minimum), or an
    /// object `{"minimum": 30, "maximum": 60}` with either key or both, minimum ≤ maximum; the
    /// minimums of one scope (the round, the whole round, one opportunity) total at most 100 (the
    /// places they ask for are distinct places), and a scope with a maximum names groups of one
    /// dimension only (origin, or sex: see `Matcher.solveWithQuotas`); priorities are integers 1–10;
    /// opportunity ids valid record ids (protocol.md §2.3).
    public init(json data: Data) throws(QuotaError) {
        guard let object = try? JSONSerialization.jsonObject(with: data), let root = object as? [String: Any] else {
            throw .notAnObject
        }
        let keys = ["opportunities", "priority", "round", "whole_round"]
        if let unknown = root.keys.sorted().first(where: { !keys.contains($0) }) { throw .unknownKey(unknown) }
        self.init()
        if let value = root["round"] { round = try Self.shares(value, path: "round") }
        if let value = root["whole_round"] { wholeRound = try Self.shares(value, path: "whole_round") }
        if let value = root["opportunities"] {
            guard let byOpportunity = value as? [String: Any] else { throw .notAnObjectAt("opportunities") }
            for id in byOpportunity.keys.sorted() {
                guard Schema.isValidRecordID(id) else { throw .invalidOpportunityID(id) }
                opportunities[id] = try Self.shares(byOpportunity[id]!, path: "opportunities.\(id)")
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

    private static func shares(_ value: Any, path: String) throws(QuotaError) -> [Share] {
        guard let shares = value as? [String: Any] else { throw .notAnObjectAt(path) }
        var result: [Share] = []
        for code in shares.keys.sorted() {
            guard let group = Group(code: code) else { throw .unknownGroup(code, path: path) }
            let share = try Self.share(shares[code]!, group: group, path: "\(path).\(code)")
            if share.minimum > 0 || share.maximum != nil { result.append(share) }
        }
        let total = result.reduce(0) { $0 + $1.minimum }
        guard total <= 100 else { throw .totalOver100(path, total) }
        if result.contains(where: { $0.maximum != nil }) {
            let origins = result.filter { if case .origin = $0.group { true } else { false } }
            if !origins.isEmpty && origins.count < result.count { throw .maximumAcrossDimensions(path) }
        }
        return result.sorted { $0.group < $1.group }
    }

    /// `30` (a minimum) or `{"minimum": 30, "maximum": 60}`.
    private static func share(_ value: Any, group: Group, path: String) throws(QuotaError) -> Share {
        guard let bounds = value as? [String: Any] else {
            return Share(group: group, minimum: try percent(value, path: path))
        }
        if let unknown = bounds.keys.sorted().first(where: { $0 != "minimum" && $0 != "maximum" }) {
            throw .unknownBound(unknown, path: path)
        }
        guard !bounds.isEmpty else { throw .emptyShare(path) }
        let minimum = try bounds["minimum"].map { v throws(QuotaError) in try percent(v, path: path + ".minimum") } ?? 0
        let maximum = try bounds["maximum"].map { v throws(QuotaError) in try percent(v, path: path + ".maximum") }
        if let maximum, maximum < minimum { throw .maximumBelowMinimum(path, minimum: minimum, maximum: maximum) }
        return Share(group: group, minimum: minimum, maximum: maximum)
    }

    private static func percent(_ value: Any, path: String) throws(QuotaError) -> Int {
        let percent = try integer(value, path: path)
        guard (0...100).contains(percent) else { throw .percentOutOfRange(path, percent) }
        return percent
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
    case unknownBound(String, path: String)
    case emptyShare(String)
    case maximumBelowMinimum(String, minimum: Int, maximum: Int)
    case maximumAcrossDimensions(String)

    public func message(_ lang: Lang) -> String {
        let example = #"[round] host_youth = 30, F = 40 ; [opportunities.opp-09] M = { maximum = 50 } ; [whole_round] displaced = 20 ; [priority] returnee = 2"#
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
            return lang.pick("Clé inconnue « \(key) » dans le fichier des parts : les clés sont round, whole_round, opportunities, priority.",
                             "Unknown key “\(key)” in the quotas file: the keys are round, whole_round, opportunities, priority.")
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
        case .unknownBound(let key, let path):
            return lang.pick("Clé inconnue « \(key) » dans « \(path) » : une part s’écrit 30 (au moins 30 %) ou { minimum = 30, maximum = 60 }.",
                             "Unknown key “\(key)” in “\(path)”: a share is written 30 (at least 30 %) or { minimum = 30, maximum = 60 }.")
        case .emptyShare(let path):
            return lang.pick("« \(path) » est vide : écrivez { minimum = 30 }, { maximum = 60 } ou les deux.",
                             "“\(path)” is empty: write { minimum = 30 }, { maximum = 60 } or both.")
        case .maximumBelowMinimum(let path, let minimum, let maximum):
            return lang.pick("« \(path) » : le maximum (\(maximum) %) est inférieur au minimum (\(minimum) %).",
                             "“\(path)”: the maximum (\(maximum) %) is below the minimum (\(minimum) %).")
        case .maximumAcrossDimensions(let path):
            return lang.pick("« \(path) » mêle des parts par origine et par sexe avec un maximum : dans une même table, une part maximale ne se combine qu’avec des parts de la même dimension (origine, ou sexe). Retirez de cette table le maximum, ou les parts de l’autre dimension.",
                             "“\(path)” mixes shares by origin and by sex with a maximum: within one table, a maximum share only combines with shares of the same dimension (origin, or sex). Remove from this table the maximum, or the other dimension's shares.")
        case .invalidOpportunityID(let id):
            return lang.pick("« \(id) » n’est pas un identifiant d’opportunité valide (lettres, chiffres, - _ . :, au plus 128).",
                             "“\(id)” is not a valid opportunity id (letters, digits, - _ . :, at most 128).")
        }
    }
}
