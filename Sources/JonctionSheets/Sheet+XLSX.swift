import Foundation
import Jonction
import XMLCoder
import ZIPFoundation

extension Sheet {
    /// Reads the first worksheet of an .xlsx workbook (Office Open XML): shared strings, inline
    /// strings, numbers (an Excel date is a number: a date field reads it as a serial), booleans.
    /// The zip is read by ZIPFoundation and the XML by XMLCoder; every part is unpacked with a count
    /// of the bytes it really gives, never trusting the sizes the file declares.
    public static func xlsx(_ bytes: [UInt8], path: String, limits: SheetLimits = SheetLimits()) throws(SheetError) -> Sheet {
        let archive: Archive
        do {
            archive = try Archive(data: Data(bytes), accessMode: .read)
        } catch {
            throw .notASpreadsheet(path: path, detail: "zip")
        }
        var budget = limits.xlsxTotalBytes
        func part(_ name: String) throws(SheetError) -> Data? {
            guard let entry = archive[name] else { return nil }
            var data = Data()
            do {
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    guard data.count + chunk.count <= limits.xlsxPartBytes, chunk.count <= budget else {
                        throw SheetError.unpacksTooLarge(limit: min(limits.xlsxPartBytes, limits.xlsxTotalBytes))
                    }
                    budget -= chunk.count
                    data.append(chunk)
                }
            } catch let error as SheetError {
                throw error
            } catch {
                throw .notASpreadsheet(path: path, detail: name)
            }
            return data
        }
        func decode<T: Decodable>(_ type: T.Type, _ data: Data, _ name: String) throws(SheetError) -> T {
            do {
                let decoder = XMLDecoder()
                decoder.shouldProcessNamespaces = true
                decoder.trimValueWhitespaces = false
                return try decoder.decode(type, from: data)
            } catch {
                throw .notASpreadsheet(path: path, detail: name)
            }
        }

        // The first sheet, through `workbook.xml` and its relationships; the usual name otherwise.
        var sheetPath = "xl/worksheets/sheet1.xml"
        if let workbook = try part("xl/workbook.xml"), let rels = try part("xl/_rels/workbook.xml.rels"),
           let first = try decode(XLSX.Workbook.self, workbook, "workbook.xml").sheets.sheet.first?.id,
           let target = try decode(XLSX.Relationships.self, rels, "workbook.xml.rels").relationship.first(where: { $0.id == first })?.target {
            sheetPath = sheetPart(target: target)
        }
        guard let sheetData = try part(sheetPath) else { throw .notASpreadsheet(path: path, detail: sheetPath) }
        var shared: [String] = []
        if let data = try part("xl/sharedStrings.xml") {
            shared = try decode(XLSX.SharedStrings.self, data, "sharedStrings.xml").items.map(\.text)
        }
        let worksheet = try decode(XLSX.Worksheet.self, sheetData, sheetPath)
        var records: [(line: Int, cells: [String])] = []
        var nextLine = 1
        for row in worksheet.sheetData.row ?? [] {
            let line = row.r ?? nextLine
            nextLine = line + 1
            guard line <= limits.rows + 1, records.count <= limits.rows else { throw .tooManyRows(limit: limits.rows) }
            var cells: [String] = []
            var nextColumn = 0
            for cell in row.c ?? [] {
                let column = cell.r.flatMap(XLSX.column(of:)) ?? nextColumn
                guard column < limits.columns else { throw .tooManyColumns(count: column + 1, limit: limits.columns) }
                nextColumn = column + 1
                let text = cell.text(shared: shared)
                guard text.utf8.count <= limits.cellCharacters || text.count <= limits.cellCharacters else {
                    throw .cellTooLong(line: line, limit: limits.cellCharacters)
                }
                if cells.count < column { cells.append(contentsOf: repeatElement("", count: column - cells.count)) }
                cells.append(SheetText.cleanCell(text))
            }
            records.append((line, cells))
        }
        // Lines as Excel numbers them: the header is the first row present.
        return try make(records: records, dialect: Dialect(encoding: .xlsx, separator: ";", crlf: true), limits: limits)
    }

    /// The target of a workbook's first sheet in its relationships, as a part name.
    static func sheetPart(target: String) -> String {
        target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
    }
}

/// The parts of SpreadsheetML the reader needs, as XMLCoder decodes them.
enum XLSX {
    struct Workbook: Decodable {
        struct Sheets: Decodable { var sheet: [Sheet] }
        /// `<sheet name="…" sheetId="1" r:id="rId1"/>`: the relationship id, whatever its prefix became.
        struct Sheet: Decodable {
            var id: String?
            struct Key: CodingKey {
                var stringValue: String
                var intValue: Int? { nil }
                init?(stringValue: String) { self.stringValue = stringValue }
                init?(intValue: Int) { nil }
            }
            init(from decoder: Decoder) throws {
                let container = try decoder.container(keyedBy: Key.self)
                id = container.allKeys.first { $0.stringValue == "id" || $0.stringValue.hasSuffix(":id") }
                    .flatMap { try? container.decode(String.self, forKey: $0) }
            }
        }
        var sheets: Sheets
    }

    struct Relationships: Decodable {
        struct Relationship: Decodable {
            var id: String
            var target: String
            enum CodingKeys: String, CodingKey { case id = "Id", target = "Target" }
        }
        var relationship: [Relationship]
        enum CodingKeys: String, CodingKey { case relationship = "Relationship" }
    }

    /// `<t>` with its text (and perhaps `xml:space="preserve"`).
    struct Text: Decodable {
        var value: String
        enum CodingKeys: String, CodingKey { case value = "" }
        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            value = (try? container.decode(String.self, forKey: .value)) ?? ""
        }
    }

    /// A rich or plain string: `<t>` or runs `<r><t>`.
    struct RichText: Decodable {
        struct Run: Decodable { var t: Text? }
        var t: Text?
        var r: [Run]?
        var text: String { t?.value ?? (r ?? []).map { $0.t?.value ?? "" }.joined() }
    }

    struct SharedStrings: Decodable {
        var si: [RichText]?
        var items: [RichText] { si ?? [] }
    }

    struct Worksheet: Decodable {
        struct SheetData: Decodable { var row: [Row]? }
        var sheetData: SheetData
    }

    struct Row: Decodable {
        var r: Int?
        var c: [Cell]?
    }

    struct Cell: Decodable {
        var r: String?
        var t: String?
        var v: String?
        var inline: RichText?
        enum CodingKeys: String, CodingKey { case r, t, v, inline = "is" }

        func text(shared: [String]) -> String {
            switch t {
            case "s":
                guard let v, let i = Int(v.trimmingCharacters(in: .whitespaces)), shared.indices.contains(i) else { return "" }
                return shared[i]
            case "inlineStr": return inline?.text ?? v ?? ""
            case "b": return v == "1" ? "1" : "0"
            case "n", nil: return v.map(XLSX.number) ?? ""
            default: return v ?? ""
            }
        }
    }

    /// A number as a person writes it: `76123456`, not `76123456.0`; `1.5` as is.
    static func number(_ v: String) -> String {
        let trimmed = v.trimmingCharacters(in: .whitespaces)
        if let d = Double(trimmed), d.rounded() == d, abs(d) < 1e15 { return String(Int64(d)) }
        return trimmed
    }

    /// The column index (0 for A) of a cell reference like `C12`.
    static func column(of reference: String) -> Int? {
        var n = 0
        var letters = 0
        for scalar in reference.unicodeScalars {
            guard scalar.value >= 65 && scalar.value <= 90 else { break }
            n = n * 26 + Int(scalar.value - 64)
            letters += 1
            guard letters <= 3 else { return nil }
        }
        return letters == 0 ? nil : n - 1
    }
}
