import CSV
import Foundation
import Jonction

extension Sheet {
    /// Reads CSV as offices have it: UTF-8 with or without BOM, else Windows-1252 (Excel's « CSV »
    /// on a French Windows), or UTF-16 with its BOM (Excel's « texte Unicode »); `;`, `,` or tab,
    /// detected; CRLF or LF; quoted cells holding separators, quotes and line breaks (RFC 4180,
    /// parsed by CSV.swift).
    public static func csv(_ bytes: [UInt8], limits: SheetLimits = SheetLimits()) throws(SheetError) -> Sheet {
        let (text, encoding) = SheetText.decode(bytes)
        let separator = CSVDialect.separator(of: text)
        let dialect = Dialect(encoding: encoding, separator: separator, crlf: text.contains("\r\n"))
        var records: [(line: Int, cells: [String])] = []
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: false, trimFields: false,
                                   delimiter: separator.unicodeScalars.first!)
        } catch {
            throw .empty(path: "")
        }
        var line = 0
        while let row = reader.next() {
            line += 1
            guard line <= limits.rows + 1 else { throw .tooManyRows(limit: limits.rows) }
            guard row.count <= limits.columns else { throw .tooManyColumns(count: row.count, limit: limits.columns) }
            var cells: [String] = []
            cells.reserveCapacity(row.count)
            for cell in row {
                if cell.utf8.count > limits.cellCharacters, cell.count > limits.cellCharacters {
                    throw .cellTooLong(line: line, limit: limits.cellCharacters)
                }
                cells.append(SheetText.cleanCell(cell))
            }
            records.append((line, cells))
        }
        return try make(records: records, dialect: dialect, limits: limits)
    }
}

/// Decoding a file's bytes to text.
public enum SheetText {
    /// UTF-8 (its BOM dropped) when the bytes are valid UTF-8; UTF-16 when they start with its BOM;
    /// else Windows-1252, which decodes any byte.
    public static func decode(_ bytes: [UInt8]) -> (String, Sheet.Dialect.Encoding) {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]), let text = String(validating: bytes.dropFirst(3), as: UTF8.self) {
            return (text, .utf8WithBOM)
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let little = bytes[0] == 0xFF
            var units: [UInt16] = []
            units.reserveCapacity(bytes.count / 2)
            var i = 2
            while i + 1 < bytes.count {
                units.append(little ? UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8 : UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]))
                i += 2
            }
            return (String(decoding: units, as: UTF16.self), .utf16)
        }
        if let text = String(validating: bytes, as: UTF8.self) { return (text, .utf8) }
        var scalars = String.UnicodeScalarView()
        for b in bytes {
            if b >= 0x80 && b < 0xA0, let mapped = windows1252[Int(b - 0x80)] {
                scalars.append(mapped)
            } else {
                scalars.append(Unicode.Scalar(b))
            }
        }
        return (String(scalars), .windows1252)
    }

    /// Windows-1252's 0x80–0x9F; the five unassigned bytes stay C1 controls, which `Field.parse` names.
    private static let windows1252: [Unicode.Scalar?] = [
        "\u{20AC}", nil, "\u{201A}", "\u{0192}", "\u{201E}", "\u{2026}", "\u{2020}", "\u{2021}",
        "\u{02C6}", "\u{2030}", "\u{0160}", "\u{2039}", "\u{0152}", nil, "\u{017D}", nil,
        nil, "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}", "\u{2022}", "\u{2013}", "\u{2014}",
        "\u{02DC}", "\u{2122}", "\u{0161}", "\u{203A}", "\u{0153}", nil, "\u{017E}", "\u{0178}",
    ]

    /// A cell as the import reads it: no carriage return or line feed left at either end (a CRLF
    /// file's `\r` never reaches a value), and an apostrophe that an export put before `=`, `+`,
    /// `-` or `@` (so that a spreadsheet shows it as text) taken off again.
    public static func cleanCell(_ cell: String) -> String {
        var s = Substring(cell)
        while let last = s.unicodeScalars.last, last == "\r" || last == "\n" { s = s.dropLast() }
        while let first = s.unicodeScalars.first, first == "\r" || first == "\n" { s = s.dropFirst() }
        if s.hasPrefix("'"), let next = s.dropFirst().first, "=+-@".contains(next) { s = s.dropFirst() }
        return String(s)
    }
}

/// The separator of a CSV text: `;`, `,` or tab, whichever splits the first records into the same
/// number of cells as the header, with the most cells (quotes respected).
public enum CSVDialect {
    public static let candidates: [Character] = [";", ",", "\t"]

    public static func separator(of text: String) -> Character {
        // The first records are enough: at most 64 KiB, the last (perhaps cut) record left out.
        let sample = String(text.unicodeScalars.prefix(65_536))
        let cut = sample.unicodeScalars.count < text.unicodeScalars.count
        var best: (separator: Character, score: (Int, Int)) = (";", (-1, -1))
        for candidate in candidates {
            guard let reader = try? CSVReader(string: sample, hasHeaderRow: false, trimFields: false,
                                              delimiter: candidate.unicodeScalars.first!) else { continue }
            var counts: [Int] = []
            while counts.count < 21, let row = reader.next() { counts.append(row.count) }
            if cut, counts.count > 1 { counts.removeLast() }
            guard let header = counts.first, header > 1 else { continue }
            let rows = counts.dropFirst().filter { $0 > 1 || counts.count == 1 }
            let same = rows.filter { $0 == header || $0 == header + 1 }.count
            let score = (rows.isEmpty ? 1 : same * 100 / rows.count, header)
            if score > best.score { best = (candidate, score) }
        }
        return best.separator
    }
}
