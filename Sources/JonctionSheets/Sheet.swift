import Foundation
import Jonction

/// A table read from a spreadsheet: its header row and its data rows, every cell as text.
///
/// Each row keeps the line number the spreadsheet shows (the header is line 1), so that a report
/// names the line a clerk finds in Excel, even when a quoted cell spans several physical lines.
public struct Sheet: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var line: Int
        public var cells: [String]

        public init(line: Int, cells: [String]) {
            self.line = line
            self.cells = cells
        }

        /// The cell of a column, or "" for a short (ragged) row.
        public subscript(column: Int) -> String { column < cells.count ? cells[column] : "" }
    }

    /// How the file was written, for the report and for writing the rejected rows back alike.
    public struct Dialect: Sendable, Equatable {
        public enum Encoding: String, Sendable { case utf8, utf8WithBOM, windows1252, utf16, xlsx }
        public var encoding: Encoding
        public var separator: Character
        public var crlf: Bool
    }

    public var headers: [String]
    public var rows: [Row]
    public var dialect: Dialect

    public init(headers: [String], rows: [Row], dialect: Dialect) {
        self.headers = headers
        self.rows = rows
        self.dialect = dialect
    }

    /// Builds a sheet from raw records (the header first): trims headers, drops blank rows and a
    /// Kobo HXL tag row (`#…` cells under the header, not data), checks the limits.
    static func make(records: [(line: Int, cells: [String])], dialect: Dialect, limits: SheetLimits) throws(SheetError) -> Sheet {
        guard let first = records.first else { throw .empty(path: "") }
        let headers = first.cells.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        var rows: [Row] = []
        for (index, record) in records.dropFirst().enumerated() {
            if record.cells.allSatisfy({ $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) { continue }
            if index == 0, Sheet.isTagRow(record.cells) { continue }
            rows.append(Row(line: record.line, cells: record.cells))
        }
        return Sheet(headers: headers, rows: rows, dialect: dialect)
    }

    /// A row of HXL hashtags (`#adm1+name`), which Kobo may write under the header.
    static func isTagRow(_ cells: [String]) -> Bool {
        let filled = cells.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return !filled.isEmpty && filled.allSatisfy { $0.hasPrefix("#") }
    }
}

/// Bounds on everything a file declares or holds: a file from outside never decides how much
/// memory the tool takes.
public struct SheetLimits: Sendable {
    /// Bytes of the file itself.
    public var fileBytes = 64 * 1_048_576
    /// Data rows.
    public var rows = 200_000
    public var columns = 1_000
    /// Characters of one cell (Excel's own limit is 32,767).
    public var cellCharacters = 32_767
    /// Bytes one part of an .xlsx may unpack to, and all the parts read together.
    public var xlsxPartBytes = 48 * 1_048_576
    public var xlsxTotalBytes = 96 * 1_048_576

    public init() {}
}
