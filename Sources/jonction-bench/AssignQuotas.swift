import Foundation
import JonctionMatch

/// The candidates' groups of an instance (`bench/assign_quotas.py groups` writes them): one line
/// per candidate, "origin sex".
enum AssignGroups {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func read(_ path: String, candidates: Int) throws -> [MatchGroup] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "Impossible de lire le fichier des groupes \(path).")
        }
        guard data.count <= 64 << 20 else { throw Failure(description: "Fichier des groupes trop gros (plus de 64 Mio) : \(path).") }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        var groups: [MatchGroup] = []
        groups.reserveCapacity(candidates)
        for (n, line) in lines.enumerated() where !line.isEmpty {
            let parts = line.split(separator: " ").map(String.init)
            guard parts.count == 2, MatchQuotas.originCodes.contains(parts[0]), MatchQuotas.sexCodes.contains(parts[1]) else {
                throw Failure(description: "\(path), ligne \(n + 1) : attendu « origine sexe » (par exemple « host_youth F »), lu « \(line.prefix(60)) ».")
            }
            groups.append(MatchGroup(origin: parts[0], sex: parts[1]))
        }
        guard groups.count == candidates else {
            throw Failure(description: "\(path) : \(groups.count) ligne(s) de groupes pour \(candidates) candidats.")
        }
        return groups
    }

    /// `host_youth=30` → the group and the percentage, for `option`.
    static func bound(_ text: String, option: String) throws -> (group: MatchQuotas.Group, percent: Int) {
        let parts = text.split(separator: "=").map(String.init)
        guard parts.count == 2, let group = MatchQuotas.Group(code: parts[0]), let percent = Int(parts[1]), (0...100).contains(percent) else {
            throw Failure(description: "\(option) \(text) : attendu GROUPE=PART, groupe parmi \((MatchQuotas.originCodes + MatchQuotas.sexCodes).joined(separator: ", ")), part de 0 à 100.")
        }
        return (group, percent)
    }

    /// The shares of one scope as the configuration's JSON object: `{"F": {"minimum": 40, "maximum": 60}}`.
    static func scope(minimums: [String], maximums: [String], prefix: String) throws -> [String: Any] {
        var object: [String: [String: Int]] = [:]
        for text in minimums {
            let b = try bound(text, option: "--\(prefix)minimum")
            object[b.group.code, default: [:]]["minimum"] = b.percent
        }
        for text in maximums {
            let b = try bound(text, option: "--\(prefix)maximum")
            object[b.group.code, default: [:]]["maximum"] = b.percent
        }
        return object
    }
}
