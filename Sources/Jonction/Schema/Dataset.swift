import Foundation

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

    /// Decodes a data set's JSON; `path` names the file in messages.
    public init(json data: Data, path: String, schema: Schema = .current) throws {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw DatasetError.notJSON(path: path)
        }
        var records: [Record] = []
        for tableName in root.keys.sorted() {
            let table = try schema.table(named: tableName)
            guard let byID = root[tableName] as? [String: Any] else { throw DatasetError.notJSON(path: path) }
            for id in byID.keys.sorted() {
                try Schema.validateRecordID(id)
                guard let object = byID[id] as? [String: Any] else { throw DatasetError.notJSON(path: path) }
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
        self.records = records
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
