import Foundation

/// One line of `shared/bench/workload.py`: a field set, or a delete, with the office's wall clock.
struct WorkloadOp {
    var site: String
    var seq: Int
    var ts: UInt64
    var table: String
    var id: String
    /// nil for a delete.
    var field: String?
    /// The value as text (integers in decimal), nil for a delete.
    var value: String?
}

/// Reads a workload JSON-lines file. The lines are flat objects of strings and integers, which a
/// small scanner reads an order of magnitude faster than JSONSerialization.
enum WorkloadFile {
    static func read(_ url: URL) throws -> [WorkloadOp] {
        let data = try Data(contentsOf: url)
        var ops: [WorkloadOp] = []
        ops.reserveCapacity(data.count / 130)
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            var lineNumber = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                lineNumber += 1
                if end > start {
                    guard let op = parseLine(UnsafeBufferPointer(rebasing: bytes[start..<end])) else {
                        throw WorkloadError.badLine(url.lastPathComponent, lineNumber)
                    }
                    ops.append(op)
                }
                start = end + 1
            }
        }
        return ops
    }

    enum WorkloadError: Error, CustomStringConvertible {
        case badLine(String, Int)
        var description: String {
            switch self { case .badLine(let f, let n): return "\(f):\(n): not a workload operation" }
        }
    }

    private static func parseLine(_ b: UnsafeBufferPointer<UInt8>) -> WorkloadOp? {
        var i = 0
        func skipSpace() { while i < b.count && (b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0D) { i += 1 } }
        func string() -> String? {
            guard i < b.count, b[i] == 0x22 else { return nil }
            i += 1
            var bytes: [UInt8] = []
            while i < b.count && b[i] != 0x22 {
                if b[i] == 0x5C {
                    i += 1
                    guard i < b.count else { return nil }
                    switch b[i] {
                    case 0x6E: bytes.append(0x0A)
                    case 0x74: bytes.append(0x09)
                    case 0x72: bytes.append(0x0D)
                    case 0x75:
                        guard i + 4 < b.count, let code = UInt32(String(decoding: UnsafeBufferPointer(rebasing: b[(i + 1)...(i + 4)]), as: UTF8.self), radix: 16),
                            let scalar = Unicode.Scalar(code) else { return nil }
                        bytes.append(contentsOf: Array(String(Character(scalar)).utf8))
                        i += 4
                    default: bytes.append(b[i])
                    }
                } else {
                    bytes.append(b[i])
                }
                i += 1
            }
            guard i < b.count else { return nil }
            i += 1
            return String(decoding: bytes, as: UTF8.self)
        }
        func number() -> String? {
            let s = i
            while i < b.count && (b[i] == 0x2D || (b[i] >= 0x30 && b[i] <= 0x39)) { i += 1 }
            return i > s ? String(decoding: UnsafeBufferPointer(rebasing: b[s..<i]), as: UTF8.self) : nil
        }
        skipSpace()
        guard i < b.count, b[i] == 0x7B else { return nil }
        i += 1
        var op = WorkloadOp(site: "", seq: 0, ts: 0, table: "", id: "", field: nil, value: nil)
        var isDelete = false
        while true {
            skipSpace()
            if i < b.count && b[i] == 0x7D { break }
            guard let key = string() else { return nil }
            skipSpace()
            guard i < b.count, b[i] == 0x3A else { return nil }
            i += 1
            skipSpace()
            let value: String?
            if i < b.count && b[i] == 0x22 { value = string() } else { value = number() }
            guard let value else { return nil }
            switch key {
            case "site": op.site = value
            case "seq": op.seq = Int(value) ?? 0
            case "ts": op.ts = UInt64(value) ?? 0
            case "table": op.table = value
            case "id": op.id = value
            case "field": op.field = value
            case "value": op.value = value
            case "op": isDelete = value == "delete"
            default: break
            }
            skipSpace()
            if i < b.count && b[i] == 0x2C { i += 1 }
        }
        if isDelete {
            op.field = nil
            op.value = nil
        } else if op.field == nil || op.value == nil {
            return nil
        }
        return op
    }
}
