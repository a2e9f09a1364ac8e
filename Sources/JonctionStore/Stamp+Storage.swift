import Foundation
import GRDB
import Jonction

extension Stamp {
    /// The stored form: 8-byte big-endian HLC, then the site name in UTF-8. Byte order is stamp order.
    var storageBlob: Data {
        var data = Data(capacity: 8 + site.rawValue.utf8.count)
        withUnsafeBytes(of: hlc.rawValue.bigEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: site.rawValue.utf8)
        return data
    }

    init?(storageBlob data: Data) {
        guard data.count > 8 else { return nil }
        var raw: UInt64 = 0
        for b in data.prefix(8) { raw = raw << 8 | UInt64(b) }
        guard let name = String(data: data.dropFirst(8), encoding: .utf8), SiteName.isValid(name) else { return nil }
        self.init(hlc: HLC(rawValue: raw), site: SiteName(unchecked: name))
    }

    init?(databaseValue: DatabaseValue) {
        guard case .blob(let data) = databaseValue.storage else { return nil }
        self.init(storageBlob: data)
    }
}

extension Value {
    var databaseValue: DatabaseValue {
        switch self {
        case .null: return .null
        case .integer(let n): return n.databaseValue
        case .text(let s): return s.databaseValue
        }
    }

    init(databaseValue: DatabaseValue) {
        switch databaseValue.storage {
        case .null: self = .null
        case .int64(let n): self = .integer(n)
        case .string(let s): self = .text(s)
        case .double(let d): self = .integer(Int64(d))
        case .blob(let data): self = .text(String(decoding: data, as: UTF8.self))
        }
    }
}
