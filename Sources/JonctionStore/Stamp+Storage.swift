import Foundation
import GRDB
import Jonction

extension Stamp {
    /// The stored form of a tombstone: 8-byte big-endian HLC, then the site name in UTF-8. Byte order
    /// is stamp order.
    func storageBytes(into out: inout ByteWriter) {
        out.bytes.removeAll(keepingCapacity: true)
        out.uint64BE(hlc.rawValue)
        out.raw(site.rawValue.utf8)
    }

    /// A stamp from its stored form, or nil if the bytes are not one.
    init?(storageBytes bytes: [UInt8]) {
        var reader = ByteReader(bytes)
        guard let raw = try? reader.uint64BE(), let name = try? reader.raw(reader.remaining),
            let site = try? SiteName(String(decoding: name, as: UTF8.self))
        else { return nil }
        self.init(hlc: HLC(rawValue: raw), site: site)
    }

    init?(databaseValue: DatabaseValue) {
        guard case .blob(let data) = databaseValue.storage else { return nil }
        self.init(storageBytes: [UInt8](data))
    }
}

extension Value {
    package var databaseValue: DatabaseValue {
        switch self {
        case .null, .erased: return .null
        case .integer(let n): return n.databaseValue
        case .text(let s): return s.databaseValue
        }
    }

    package init(databaseValue: DatabaseValue) {
        switch databaseValue.storage {
        case .null: self = .null
        case .int64(let n): self = .integer(n)
        case .string(let s): self = .text(s)
        case .double(let d): self = .integer(Int64(d))
        case .blob(let data): self = .text(String(decoding: data, as: UTF8.self))
        }
    }
}
