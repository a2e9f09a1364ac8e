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

    /// `host_youth=30` → a minimum share.
    static func minimum(_ text: String) throws -> MatchQuotas.Minimum {
        let parts = text.split(separator: "=").map(String.init)
        guard parts.count == 2, let group = MatchQuotas.Group(code: parts[0]), let percent = Int(parts[1]), (1...100).contains(percent) else {
            throw Failure(description: "--minimum \(text) : attendu GROUPE=PART, groupe parmi \((MatchQuotas.originCodes + MatchQuotas.sexCodes).joined(separator: ", ")), part de 1 à 100.")
        }
        return MatchQuotas.Minimum(group: group, percent: percent)
    }
}
