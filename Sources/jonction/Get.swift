import ArgumentParser
import Jonction
import JonctionStore

struct Get: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Afficher un enregistrement.")

    @OptionGroup var options: CommonOptions

    @Argument(help: "Table de l’enregistrement.")
    var table: String

    @Argument(help: "Identifiant de l’enregistrement.")
    var id: String

    @Flag(help: "Sortie JSON : {\"fields\":{…},\"id\":…,\"stamps\":{…},\"table\":…}.")
    var json = false

    func run() throws {
        let lang = options.language
        try options.withReplica(.readOnly) { replica in
            let (record, history) = try replica.read { try ($0.get(table: table, id: id), $0.log(table: table, id: id)) }
            // Who wrote each winning value: the change of that stamp, in the log.
            var authors: [Stamp: UserName] = [:]
            for change in history { if let a = change.author { authors[change.stamp] = a } }
            if json {
                var out = CanonicalJSON()
                out.beginObject()
                out.key("fields")
                out.record(record.state.values, fields: record.table.fields)
                out.key("id"); out.string(record.id)
                out.key("stamps")
                out.beginObject()
                for entry in record.fields.sorted(by: { CanonicalJSON.precedes($0.field.name, $1.field.name) }) {
                    out.key(entry.field.name)
                    out.stamp(entry.stamp, author: authors[entry.stamp])
                }
                out.endObject()
                out.key("table"); out.string(record.table.name)
                out.endObject()
                print(out.output)
            } else {
                print("\(record.table.name) \(record.id)")
                let width = record.fields.map(\.field.name.count).max() ?? 0
                for entry in record.fields {
                    print("  " + entry.field.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + entry.value.display)
                }
                if record.table.name == Schema.V1.candidate.table,
                    record.state.values[Schema.V1.candidate.consent.position] == .text(Consent.nobody.rawValue),
                    !record.fields.contains(where: \.field.identifying)
                {
                    print(lang.pick("  (consent=none : nom, prénoms, téléphone, commune et notes restent au bureau qui les a écrits)",
                                    "  (consent=none: names, phone, commune and notes stay at the office that wrote them)"))
                }
                if let last = record.fields.map(\.stamp).max() {
                    let who = authors[last].map { lang.pick(" par \($0)", " by \($0)") } ?? ""
                    print(lang.pick("  (dernière modification : \(last.site)\(who), le \(last.hlc.frenchDate))",
                                    "  (last change: \(last.site)\(who), on \(last.hlc.englishDate))"))
                }
            }
        }
    }
}

extension CanonicalJSON {
    /// `{"author":…,"hlc":…,"site":…,"time":…}` (`author` when the change names one)
    mutating func stamp(_ stamp: Stamp, author: UserName? = nil) {
        beginObject()
        if let author { key("author"); string(author.rawValue) }
        key("hlc"); integer(stamp.hlc.rawValue)
        key("site"); string(stamp.site.rawValue)
        key("time"); string(HLC.iso8601(millis: stamp.hlc.millis))
        endObject()
    }

}
