import Foundation

/// Dates as spreadsheets and Kobo write them, turned into `YYYY-MM-DD` for `Field.parse` (which
/// still checks that the result is a calendar date).
public enum SheetDate {
    /// `05/03/2027`, `5/3/2027`, `05-03-2027`, `05.03.2027` (day first, as in French), `2027-03-05`,
    /// `2027/03/05`, an ISO date-time (`2027-03-05T10:00:09.772+06:00`, Kobo; the day written is
    /// kept), or an Excel serial number (`46816`, the 1900 date system). Nil for anything else.
    public static func normalise(_ input: String) -> String? {
        let s = input.trimmingCharacters(in: .whitespaces)
        guard !s.isEmpty, s.utf8.count <= 40 else { return nil }
        if s.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E }), let serial = Double(s) {
            return excelSerial(serial)
        }
        // A date-time: the date part (the day the person wrote, in their time zone).
        var datePart = Substring(s)
        if let t = s.firstIndex(where: { $0 == "T" || $0 == " " }), s.distance(from: s.startIndex, to: t) >= 8 {
            datePart = s[..<t]
        }
        let parts = datePart.split(whereSeparator: { $0 == "/" || $0 == "-" || $0 == "." }).map(String.init)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && Int($0) != nil }) else { return nil }
        let (y, m, d): (Int, Int, Int)
        if parts[0].count == 4 {
            (y, m, d) = (Int(parts[0])!, Int(parts[1])!, Int(parts[2])!)
        } else if parts[2].count == 4, parts[0].count <= 2, parts[1].count <= 2 {
            (y, m, d) = (Int(parts[2])!, Int(parts[1])!, Int(parts[0])!)
        } else {
            return nil
        }
        return format(y, m, d)
    }

    /// An Excel serial day (1 = 1900-01-01; Excel's phantom 29 February 1900 counted) as a date,
    /// from 1900 to 2100; a time of day (the fraction) is dropped.
    public static func excelSerial(_ serial: Double) -> String? {
        guard serial >= 1, serial < 73_051 else { return nil }
        var days = Int(serial.rounded(.down))
        if days < 60 { days += 1 }   // before Excel's phantom 1900-02-29
        // Days since 1899-12-30, then Howard Hinnant's civil-from-days.
        let z = days - 25_569 + 719_468   // 1899-12-30 is 25,569 days before 1970-01-01
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return format(y, m, d)
    }

    /// `YYYY-MM-DD` → `DD/MM/YYYY`, as French spreadsheets show dates; anything else unchanged.
    public static func french(_ iso: String) -> String {
        let parts = iso.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4 else { return iso }
        return "\(parts[2])/\(parts[1])/\(parts[0])"
    }

    static func format(_ y: Int, _ m: Int, _ d: Int) -> String? {
        guard (1900...2100).contains(y), (1...12).contains(m), (1...31).contains(d) else { return nil }
        func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(y)-\(pad(m))-\(pad(d))"
    }
}
