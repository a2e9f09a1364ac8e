import Foundation
import GRDB
import Jonction
import JonctionStore

/// Duplicates (issue 15): the likely pairs among a replica's candidates, and their merge as
/// ordinary changes that every replica receives.
extension ReplicaAccess {
    /// The live candidates as `DuplicateRule` reads them.
    package func duplicatePeople() throws -> [DuplicateRule.Person] {
        let c = Schema.V1.candidate
        return try liveRecords(table: c.table).map { id, v in
            DuplicateRule.Person(id: id, familyName: v[c.familyName.position].text, givenNames: v[c.givenNames.position].text,
                                 birthYear: v[c.birthYear.position].integer, phone: v[c.phone.position].text,
                                 commune: v[c.commune.position].text)
        }
    }
}

/// Why a merge of duplicates is refused.
public enum DuplicateMergeError: Error, Sendable, Equatable, UserFacingError {
    case same(String)
    /// Proposals and placements are the hub's to move (protocol.md §2.5).
    case hubOnly(keep: String, drop: String)

    public func message(_ lang: Lang) -> String {
        switch self {
        case .same(let id):
            return lang.pick("On ne fusionne pas une fiche avec elle-même (\(id)).", "A record is not merged with itself (\(id)).")
        case .hubOnly(let keep, let drop):
            return lang.pick(
                "\(keep) ou \(drop) a des propositions ou des placements : seul le pôle peut les déplacer. Faites la fusion au pôle (jonction merge-duplicates --db pôle.sqlite \(keep) \(drop)) ; elle arrivera ici au prochain échange.",
                "\(keep) or \(drop) has proposals or placements: only the hub may move them. Merge at the hub (jonction merge-duplicates --db hub.sqlite \(keep) \(drop)); it reaches this office with the next exchange.")
        }
    }
}

/// What a merge of duplicates wrote.
public struct DuplicateMerge: Sendable, Equatable {
    public var filled: [String]
    public var moved: Int
}

extension ReplicaTransaction {
    /// Merges the candidate `drop` into `keep`: `keep` takes the values it lacks from `drop` (the
    /// stricter consent of the two, the furthest status), proposals and placements of `drop` move
    /// to `keep` (at the hub), and `drop` says in its notes which record it was merged into (its history keeps it), then
    /// is deleted. Ordinary changes: every replica converges on them.
    package func mergeDuplicate(keep: String, drop: String) throws -> DuplicateMerge {
        guard keep != drop else { throw DuplicateMergeError.same(keep) }
        let c = Schema.V1.candidate, p = Schema.V1.proposal, pl = Schema.V1.placement
        let kept = try get(table: c.table, id: keep), dropped = try get(table: c.table, id: drop)
        /// The live records of `table` whose `field` names `keep` or `drop`, with the one they name.
        func referring(_ table: String, _ field: FieldHandle) throws -> [(id: String, candidate: String)] {
            try liveRecords(table: table).compactMap { row in
                guard let named = row.values[field.position].text, named == keep || named == drop else { return nil }
                return (row.id, named)
            }
        }
        let proposals = try referring(p.table, p.candidateID), placements = try referring(pl.table, pl.candidateID)
        if replica.site != .hub, !proposals.isEmpty || !placements.isEmpty { throw DuplicateMergeError.hubOnly(keep: keep, drop: drop) }

        let schema = try replica.schema.table(named: c.table)
        var fields: [(String, Value)] = []
        for (i, field) in schema.fields.enumerated() where field.name != c.notes.name {
            let mine = kept.state.values[i], theirs = dropped.state.values[i]
            if field.name == c.consent.name {
                let order = ["none", "programme", "employers"]
                let stricter = [mine.text, theirs.text].compactMap { $0 }.min { (order.firstIndex(of: $0) ?? 9) < (order.firstIndex(of: $1) ?? 9) }
                if let stricter, mine.text != stricter { fields.append((field.name, .text(stricter))) }
            } else if field.name == c.status.name {
                let order = ["registered", "trained", "placed"]
                if let x = mine.text, let y = theirs.text, let i = order.firstIndex(of: x), let j = order.firstIndex(of: y), j > i {
                    fields.append((field.name, .text(y)))
                }
            } else if mine.isNull, !theirs.isNull, theirs != .erased {
                fields.append((field.name, theirs))
            }
        }
        if !fields.isEmpty { _ = try set(table: c.table, id: keep, fields: fields) }
        var moved = 0
        for (id, named) in proposals where named == drop {
            _ = try set(table: p.table, id: id, fields: [(p.candidateID.name, .text(keep))])
            moved += 1
        }
        for (id, named) in placements where named == drop {
            _ = try set(table: pl.table, id: id, fields: [(pl.candidateID.name, .text(keep))])
            moved += 1
        }
        let pointer = "Doublon de \(keep) : fiche fusionnée le \(HLC(millis: replica.clock.nowMillis()).frenchDate)."
        _ = try set(table: c.table, id: drop, fields: [(c.notes.name, .text(pointer))])
        _ = try delete(table: c.table, id: drop)
        return DuplicateMerge(filled: fields.map(\.0), moved: moved)
    }
}
