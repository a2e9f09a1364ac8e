import Foundation

/// The one CSV writer (exports, reports, rejected rows): what a French Excel opens right with a
/// double click — UTF-8 with a BOM (accents intact), `;` between cells, CRLF between rows, a cell
/// quoted when it holds the separator, a quote or a line break (RFC 4180, quotes doubled).
///
/// A cell that a spreadsheet would take for a formula (`=`, `+`, `-`, `@` first, and not a plain
/// number or telephone number) gets an apostrophe before it, so that a name typed by someone
/// cannot run in the spreadsheet of the person who opens the export; the import takes it off.
public enum SheetCSV {
    public static func encode(_ rows: [[String]], separator: Character = ";") -> [UInt8] {
        var out: [UInt8] = [0xEF, 0xBB, 0xBF]
        let sep = Array(String(separator).utf8)
        for row in rows {
            for (i, cell) in row.enumerated() {
                if i > 0 { out += sep }
                out += Array(quoted(neutralised(cell), separator: separator).utf8)
            }
            out += [0x0D, 0x0A]
        }
        return out
    }

    static func quoted(_ cell: String, separator: Character) -> String {
        guard cell.contains(where: { $0 == separator || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
                || cell.hasPrefix(" ") || cell.hasSuffix(" ") else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func neutralised(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first, "=+-@\t".unicodeScalars.contains(first) else { return cell }
        let plain = cell.unicodeScalars.allSatisfy { "0123456789 +-.()".unicodeScalars.contains($0) }
        if plain && first != "=" && first != "@" { return cell }
        return "'" + cell
    }
}
