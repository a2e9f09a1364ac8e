import Foundation
import GRDB
import Jonction
import JonctionHub
import JonctionStore

/// Records: the lists of employers and opportunities, every record's page with its history, the
/// printable sheet, and the forms that create and edit them through the one validation of the
/// data model (`Field.parse`), field by field, with French errors beside each field.
extension OfficeWeb {
    // MARK: Showing values

    /// A value as a person reads it: labels for codes, dates as 05/03/2027, language names.
    static func display(_ value: Value, _ field: Field, table: String) -> String {
        switch value {
        case .null: return "—"
        case .erased: return "(non transmis)"
        case .integer(let n):
            if case .flag = field.type { return n == 1 ? "Oui" : "Non" }
            return String(n)
        case .text(let s):
            switch field.type {
            case .enumeration: return Labels.value(table, field.name, s, .fr)
            case .date:
                let p = s.split(separator: "-")
                return p.count == 3 ? "\(p[2])/\(p[1])/\(p[0])" : s
            case .list(.languageCodes): return Field.listItems(value).map { Labels.language(String($0), .fr) }.joined(separator: ", ")
            case .list: return Field.listItems(value).joined(separator: ", ")
            default: return s
            }
        }
    }

    static func plain(_ value: Value) -> String {
        switch value {
        case .null: "—"
        case .erased: "(non transmis)"
        case .integer(let n): String(n)
        case .text(let s): s
        }
    }

    /// A value as a form field holds it.
    static func formText(_ value: Value, _ field: Field) -> String {
        switch value {
        case .null, .erased: return ""
        case .integer(let n): return String(n)
        case .text(let s):
            if case .list = field.type { return Field.listItems(value).joined(separator: ", ") }
            return s
        }
    }

    // MARK: Lists

    func recordList(_ visit: Visit, kind: RecordKind) throws -> Reply {
        let table = try replica.schema.table(named: kind.table)
        let rows = try replica.read { try $0.liveRecords(table: kind.table) }
        var context = layout(visit, title: kind.plural)
        context["heading"] = kind.plural
        context["base"] = kind.path
        context["newLabel"] = kind.newTitle
        context["columns"] = kind.columns.map { Labels.field(kind.table, $0, .fr) }
        context["rows"] = rows.sorted { Self.sortKey($0.values, table, kind) < Self.sortKey($1.values, table, kind) }.prefix(2_000).map { row in
            let cells = kind.columns.map { name -> String in
                let i = table.fields.firstIndex { $0.name == name }!
                return Self.display(row.values[i], table.fields[i], table: kind.table)
            }
            return ["id": row.id, "first": cells[0] == "—" ? row.id : cells[0], "rest": Array(cells.dropFirst())] as [String: Any]
        }
        return .page(render("records", context))
    }

    static func sortKey(_ values: [Value], _ table: TableSchema, _ kind: RecordKind) -> String {
        let i = table.fields.firstIndex { $0.name == kind.columns[0] }!
        return Field.foldForMatching(values[i].text ?? "")
    }

    // MARK: One record

    func recordPage(_ visit: Visit, kind: RecordKind, id: String) throws -> Reply {
        let (record, history, conflicts, proposals) = try replica.read { r -> (LiveRecord, [Change], [RecordedConflict], [ProposalView]) in
            let record: LiveRecord
            do { record = try r.get(table: kind.table, id: id) } catch let error as StoreError {
                throw WebRefusal.notFound(error.message(.fr))
            } catch is SchemaError {
                throw WebRefusal.notFound("Identifiant invalide : « \(id.prefix(130)) ».")
            }
            let history = try r.log(table: kind.table, id: id)
            let conflicts = try r.conflicts().filter { $0.conflict.table == kind.table && $0.conflict.id == id }
            let proposals = kind == .candidate ? try r.proposals().filter { $0.candidateID == id } : []
            return (record, history, conflicts, proposals)
        }
        let c = Schema.V1.candidate
        var context = layout(visit, title: Self.heading(record, kind), current: kind.path)
        context["heading"] = Self.heading(record, kind)
        context["id"] = id
        context["base"] = kind.path
        context["editable"] = true
        context["printable"] = kind == .candidate
        context["withheld"] = kind == .candidate && record.state[c.consent] == .nobody
        context["fields"] = record.table.fields.indices.map { i in
            ["label": Labels.field(kind.table, record.table.fields[i].name, .fr),
             "value": Self.display(record.state.values[i], record.table.fields[i], table: kind.table)]
        }
        context["history"] = history.reversed().prefix(500).map { change in
            ["when": Self.when(change.hlc.millis), "who": change.author?.rawValue ?? "—", "site": change.origin == .hub ? "pôle" : change.origin.rawValue,
             "what": Self.describe(change, record.table)]
        }
        context["conflicts"] = conflicts.map { recorded in
            let field = (try? record.table.field(named: recorded.conflict.field))
            func show(_ v: Value?) -> String { guard let v else { return "(supprimé)" }; return field.map { Self.display(v, $0, table: kind.table) } ?? Self.plain(v) }
            return ["field": Labels.field(kind.table, recorded.conflict.field, .fr), "winner": show(recorded.conflict.winner.value),
                    "loser": show(recorded.conflict.loser.value), "when": Self.when(recorded.detectedAt)]
        }
        context["proposals"] = proposals.map { p in
            ["title": p.opportunityTitle ?? p.opportunityID, "employer": p.employer ?? "", "score": p.score.map(String.init) ?? "",
             "status": Labels.value("proposal", "status", p.status ?? "", .fr)]
        }
        return .page(render("record", context))
    }

    static func heading(_ record: LiveRecord, _ kind: RecordKind) -> String {
        switch kind {
        case .candidate:
            let c = Schema.V1.candidate
            let name = [record.state[c.familyName].text, record.state[c.givenNames].text].compactMap { $0 }.joined(separator: " ")
            return name.isEmpty ? record.id : name
        case .employer: return record.state[Schema.V1.employer.name].text ?? record.id
        case .opportunity: return record.state[Schema.V1.opportunity.title].text ?? record.id
        }
    }

    static func describe(_ change: Change, _ table: TableSchema) -> String {
        switch change.operation {
        case .set(let name, let value):
            let label = Labels.field(table.name, name, .fr)
            guard let field = try? table.field(named: name) else { return "\(label) : \(plain(value))" }
            if case .erased = value { return "\(label) : (valeur non transmise)" }
            return "\(label) : \(display(value, field, table: table.name))"
        case .delete: return "Suppression de la fiche"
        case .erase: return "Effacement de la fiche"
        }
    }

    func sheet(_ visit: Visit, id: String) throws -> Reply {
        let record: LiveRecord
        do { record = try replica.read { try $0.get(table: "candidate", id: id) } } catch let error as StoreError {
            throw WebRefusal.notFound(error.message(.fr))
        }
        var context = layout(visit, title: "Fiche " + Self.heading(record, .candidate), current: "/candidats")
        context["heading"] = Self.heading(record, .candidate)
        context["id"] = id
        context["printedAt"] = Self.when(UInt64(Date().timeIntervalSince1970 * 1000))
        context["fields"] = record.table.fields.indices.compactMap { i -> [String: String]? in
            let field = record.table.fields[i]
            guard field.name != "notes" || !record.state.values[i].isNull else { return nil }
            return ["label": Labels.field("candidate", field.name, .fr), "value": Self.display(record.state.values[i], field, table: "candidate")]
        }
        return .page(render("sheet", context))
    }

    // MARK: Forms

    func recordForm(_ visit: Visit, kind: RecordKind, id: String?) throws -> Reply {
        let table = try replica.schema.table(named: kind.table)
        var values: [String: [String]] = [:]
        var heading = kind.newTitle
        if let id {
            let record: LiveRecord
            do { record = try replica.read { try $0.get(table: kind.table, id: id) } } catch let error as StoreError {
                throw WebRefusal.notFound(error.message(.fr))
            }
            heading = "Modifier : " + Self.heading(record, kind)
            for (i, field) in table.fields.enumerated() {
                values[field.name] = Self.formValues(record.state.values[i], field)
            }
        } else if kind == .candidate {
            values["consent"] = ["programme"]
            values["status"] = ["registered"]
        } else if kind == .opportunity {
            values["status"] = ["open"]
            values["places"] = ["1"]
        }
        return .page(try formPage(visit, kind: kind, id: id, heading: heading, values: values, errors: [:], duplicates: []))
    }

    static func formValues(_ value: Value, _ field: Field) -> [String] {
        if case .list(.languageCodes) = field.type { return Field.listItems(value).map(String.init) }
        let text = formText(value, field)
        return text.isEmpty ? [] : [text]
    }

    func formPage(_ visit: Visit, kind: RecordKind, id: String?, heading: String, values: [String: [String]],
                  errors: [String: String], duplicates: [CandidateHit]) throws -> String {
        let table = try replica.schema.table(named: kind.table)
        let employers = kind == .opportunity ? try replica.read { try $0.liveRecords(table: "employer") } : []
        var context = layout(visit, title: heading, current: kind.path)
        context["heading"] = heading
        context["action"] = id.map { "\(kind.path)/\($0)" } ?? kind.path
        context["cancel"] = id.map { "\(kind.path)/\($0)" } ?? kind.path
        if !errors.isEmpty {
            context["errorSummary"] = errors.count == 1
                ? "Un champ est à corriger : voyez le message sous le champ."
                : "\(errors.count) champs sont à corriger : voyez les messages sous les champs."
        }
        context["duplicates"] = duplicates.map { hit in
            ["id": hit.id, "familyName": hit.familyName ?? "", "givenNames": hit.givenNames ?? "",
             "birthYear": hit.birthYear.map(String.init) ?? "?", "region": hit.region ?? "?", "phone": hit.phone ?? "sans téléphone"]
        }
        context["fields"] = table.fields.map { field -> [String: Any] in
            let given = values[field.name] ?? []
            var f: [String: Any] = [
                "name": field.name, "label": Labels.field(kind.table, field.name, .fr),
                "required": kind.required.contains(field.name), "value": given.first ?? "",
            ]
            if let hint = kind.hint(field.name) { f["hint"] = hint }
            if let error = errors[field.name] { f["error"] = error }
            func options(_ pairs: [(String, String)]) -> [[String: Any]] {
                pairs.map { ["value": $0.0, "label": $0.1, "selected": given.contains($0.0)] }
            }
            switch field.type {
            case .enumeration(let codes):
                f["isSelect"] = true
                f["options"] = options(codes.map { ($0, Labels.value(kind.table, field.name, $0, .fr)) })
            case .region:
                f["isSelect"] = true
                f["options"] = options(Schema.regions.map { ($0, $0) })
            case .flag:
                f["isSelect"] = true
                f["options"] = options([("1", "Oui"), ("0", "Non")])
            case .reference(let target) where target == "employer":
                f["isSelect"] = true
                var pairs = employers.map { ($0.id, ($0.values[0].text ?? $0.id) + " (\($0.id))") }
                    .sorted { Field.foldForMatching($0.1) < Field.foldForMatching($1.1) }
                if let current = given.first, !pairs.contains(where: { $0.0 == current }) { pairs.insert((current, current), at: 0) }
                f["options"] = options(pairs)
            case .list(.languageCodes):
                f["isChecks"] = true
                f["options"] = options(Labels.languages.map { ($0.code, $0.name.fr) })
                f["other"] = given.filter { code in !Labels.languages.contains { $0.code == code } }.joined(separator: ", ")
            case .text(_, true):
                f["isTextarea"] = true
            case .integer(let range):
                f["isInput"] = true
                f["inputType"] = "number"
                f["min"] = String(range.lowerBound)
                f["max"] = String(range.upperBound)
            case .date:
                f["isInput"] = true
                f["inputType"] = "text"
                let v = given.first ?? ""
                let p = v.split(separator: "-")
                f["value"] = p.count == 3 ? "\(p[2])/\(p[1])/\(p[0])" : v
            case .phone:
                f["isInput"] = true
                f["inputType"] = "tel"
            default:
                f["isInput"] = true
                f["inputType"] = "text"
            }
            return f
        }
        return render("form", context)
    }

    /// A Malian number written as the programme writes them: `+223 76 12 34 56`. Eight digits,
    /// with or without 00223/+223, become that; a number with another country code (`+33 …`) is kept.
    static func normalisePhone(_ raw: String) -> String? {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return "" }
        let digits = trimmed.filter(\.isASCII).filter(\.isNumber)
        guard trimmed.allSatisfy({ $0.isNumber || " +-.()/".contains($0) }) else { return nil }
        var national = digits
        if trimmed.hasPrefix("+223") || (trimmed.hasPrefix("00223")) || (digits.count == 11 && digits.hasPrefix("223")) {
            national = String(digits.dropFirst(digits.hasPrefix("00223") ? 5 : 3))
        } else if trimmed.hasPrefix("+") || trimmed.hasPrefix("00") {
            return digits.count >= 8 && digits.count <= 15 ? trimmed : nil
        }
        guard national.count == 8 else { return nil }
        let d = Array(national)
        return "+223 \(String(d[0...1])) \(String(d[2...3])) \(String(d[4...5])) \(String(d[6...7]))"
    }

    func saveRecord(_ visit: Visit, kind: RecordKind, id: String?) throws -> Reply {
        let table = try replica.schema.table(named: kind.table)
        var given: [String: [String]] = [:]
        var errors: [String: String] = [:]
        var parsed: [(String, Value)] = []
        for field in table.fields {
            var raws = visit.form.all(field.name).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            given[field.name] = raws
            if case .list = field.type { raws = [raws.joined(separator: ",")] }
            var raw = raws.first ?? ""
            if raw.isEmpty {
                if kind.required.contains(field.name) { errors[field.name] = "Ce champ est obligatoire." }
            }
            if case .phone = field.type, !raw.isEmpty {
                guard let phone = Self.normalisePhone(raw) else {
                    errors[field.name] = "Numéro de téléphone non reconnu : 8 chiffres pour un numéro malien, par exemple 76 12 34 56 (ou +223 76 12 34 56) ; pour un numéro étranger, commencez par + et l’indicatif."
                    continue
                }
                raw = phone
            }
            do {
                parsed.append((field.name, try field.parse(raw, table: kind.table)))
            } catch {
                if errors[field.name] == nil {
                    if case .invalidValue(_, _, _, let expected) = error {
                        errors[field.name] = "Valeur non acceptée : « \(raw.prefix(80)) ». " + expected.message(.fr)
                    } else {
                        errors[field.name] = error.message(.fr)
                    }
                }
            }
        }
        let heading = id == nil ? kind.newTitle : "Modifier"
        if !errors.isEmpty {
            return .page(try formPage(visit, kind: kind, id: id, heading: heading, values: given, errors: errors, duplicates: []),
                         status: .unprocessableContent)
        }
        // A new person who may already be registered: say so before creating them.
        if kind == .candidate, id == nil, visit.form["pas_un_doublon"] != "1" {
            let duplicates = try possibleDuplicates(parsed)
            if !duplicates.isEmpty {
                return .page(try formPage(visit, kind: kind, id: id, heading: heading, values: given, errors: [:], duplicates: duplicates),
                             status: .ok)
            }
        }
        let saved = try replica.write { tx -> String in
            try tx.act(as: visit.user)
            let target = try id ?? Self.newID(tx, kind: kind)
            var changed: [(String, Value)] = []
            let current = id == nil ? nil : try tx.get(table: kind.table, id: target)
            for (name, value) in parsed {
                let i = table.fields.firstIndex { $0.name == name }!
                let before = current?.state.values[i] ?? .null
                if before != value, !(before.isNull && value.isNull) { changed.append((name, value)) }
            }
            if !changed.isEmpty { _ = try tx.set(table: kind.table, id: target, fields: changed) }
            return target
        }
        return .redirect("\(kind.path)/\(saved)", flash: kind.saved)
    }

    /// The next free id of this site for `kind`: `kayes-c17` after `kayes-c16` (deleted ones included).
    static func newID(_ tx: ReplicaTransaction, kind: RecordKind) throws -> String {
        let prefix = "\(tx.replica.site.rawValue)-\(kind.idLetter)"
        let ids = try String.fetchAll(try tx.db, sql: "SELECT id FROM \(kind.table) WHERE id LIKE ? ESCAPE '\\'",
                                      arguments: [prefix.replacingOccurrences(of: "_", with: "\\_") + "%"])
        let highest = ids.compactMap { Int($0.dropFirst(prefix.count)) }.max() ?? 0
        return prefix + String(highest + 1)
    }

    /// People already registered who may be the one being registered: those the search finds by
    /// the names or the phone, kept when `DuplicateRule` (the rule of `jonction duplicates`, at its
    /// warning threshold) pairs them with the new record.
    func possibleDuplicates(_ parsed: [(String, Value)]) throws -> [CandidateHit] {
        let values = Dictionary(parsed, uniquingKeysWith: { a, _ in a })
        let c = Schema.V1.candidate
        let new = DuplicateRule.Person(id: "", familyName: values[c.familyName.name]?.text, givenNames: values[c.givenNames.name]?.text,
                                       birthYear: values[c.birthYear.name]?.integer, phone: values[c.phone.name]?.text,
                                       commune: values[c.commune.name]?.text)
        var hits: [String: CandidateHit] = [:]
        let firstGiven = new.givenNames?.split(separator: " ").first.map(String.init) ?? ""
        if let family = new.familyName {
            for hit in try replica.searchCandidates(CandidateSearch(text: "\(family) \(firstGiven)", limit: 100)).hits { hits[hit.id] = hit }
        }
        if let phone = new.phone {
            let digits = String(phone.filter(\.isNumber).suffix(8))
            if digits.count == 8 {
                for hit in try replica.searchCandidates(CandidateSearch(text: digits, limit: 20)).hits { hits[hit.id] = hit }
            }
        }
        let people = try replica.read { r in
            try hits.keys.sorted().map { id -> DuplicateRule.Person in
                let v = try r.get(table: c.table, id: id).state.values
                return DuplicateRule.Person(id: id, familyName: v[c.familyName.position].text, givenNames: v[c.givenNames.position].text,
                                            birthYear: v[c.birthYear.position].integer, phone: v[c.phone.position].text,
                                            commune: v[c.commune.position].text)
            }
        }
        return people.filter { DuplicateRule.compare(new, $0, threshold: DuplicateRule.warningThreshold) != nil }.compactMap { hits[$0.id] }
    }
}
