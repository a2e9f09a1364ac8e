import Foundation
import Jonction

/// Records read from a JSON file in the dump's shape, `{"table":{"id":{"field":value}}}`: the
/// demo's data set (Fixtures/dataset.json), or records prepared elsewhere for a first load.
/// Every value is parsed and normalised by its field type.
public struct Dataset: Sendable {
    public struct Record: Sendable {
        public var table: String
        public var id: String
        /// Fields in schema order.
        public var fields: [(String, Value)]
    }

    public var records: [Record]

    public init(records: [Record]) { self.records = records }

    public static func load(contentsOf url: URL, schema: Schema = .v1) throws -> Dataset {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw DatasetError.unreadable(path: url.path) }
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw DatasetError.notJSON(path: url.path)
        }
        var records: [Record] = []
        for tableName in root.keys.sorted() {
            let table = try schema.table(named: tableName)
            guard let byID = root[tableName] as? [String: Any] else { throw DatasetError.notJSON(path: url.path) }
            for id in byID.keys.sorted() {
                try Schema.validateRecordID(id)
                guard let object = byID[id] as? [String: Any] else { throw DatasetError.notJSON(path: url.path) }
                for name in object.keys { _ = try table.field(named: name) }
                var fields: [(String, Value)] = []
                for field in table.fields {
                    guard let raw = object[field.name] else { continue }
                    let value = try field.parse(json: raw, table: table.name)
                    if !value.isNull { fields.append((field.name, value)) }
                }
                records.append(Record(table: table.name, id: id, fields: fields))
            }
        }
        return Dataset(records: records)
    }
}

public enum DatasetError: Error, UserFacingError, Equatable {
    case unreadable(path: String)
    case notJSON(path: String)

    public func message(_ lang: Lang) -> String {
        switch self {
        case .unreadable(let path):
            return lang.pick("Impossible de lire \(path). Vérifiez le chemin.", "Cannot read \(path). Check the path.")
        case .notJSON(let path):
            return lang.pick(
                "\(path) n’est pas un jeu de données Jonction : attendu {\"table\":{\"id\":{\"champ\":valeur}}}.",
                "\(path) is not a Jonction data set: expected {\"table\":{\"id\":{\"field\":value}}}.")
        }
    }
}

extension LocalWriter {
    /// Writes records of a data set (all of them, or those `include` keeps); returns the changes made.
    @discardableResult
    public func insert(_ dataset: Dataset, where include: (Dataset.Record) -> Bool = { _ in true }) throws -> Int {
        var count = 0
        for record in dataset.records where include(record) && !record.fields.isEmpty {
            count += try set(table: record.table, id: record.id, fields: record.fields).count
        }
        return count
    }
}
