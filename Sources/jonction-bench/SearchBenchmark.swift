import ArgumentParser
import Foundation
import Jonction
import JonctionStore

/// Candidate search (issue 14) on a replica of `--candidates` people with Malian names, spelling
/// variants included: the time to write them (index kept on every write), to build the index again
/// from scratch, its size, then many searches of every kind, each timed.
struct SearchBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Searches among N candidates: write_s= build_s= index_mib= file_mib= queries= median_ms= p95_ms= max_ms=")

    @Option(help: "Number of candidates.")
    var candidates: Int = 100_000

    @Option(help: "Times each query is run.")
    var repeats: Int = 5

    @Option(help: "Seed of the generated people.")
    var seed: UInt64 = 14

    @Option(help: "Keep the replica at this path.")
    var keep: String?

    @Flag(help: "Print each query's median time and total.")
    var verbose = false

    func run() throws {
        var rng = SeededGenerator(seed: seed)
        let people = (0..<candidates).map { Person.random(number: $0, using: &rng) }
        let directory = try temporaryDirectory("search")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = keep ?? directory.appendingPathComponent("hub.sqlite").path
        let replica = try Replica.create(at: path, site: .hub)

        var start = monotonicSeconds()
        var keyCount = 0
        for person in people {
            keyCount += SearchKey.keys(familyName: person.fields[0].1.text, givenNames: person.fields[1].1.text, phone: person.phone).count
        }
        let keysSeconds = monotonicSeconds() - start
        start = monotonicSeconds()
        for batch in stride(from: 0, to: people.count, by: 5_000) {
            try replica.write { tx in
                for person in people[batch..<min(batch + 5_000, people.count)] {
                    try tx.set(table: "candidate", id: person.id, fields: person.fields)
                }
            }
        }
        let writeSeconds = monotonicSeconds() - start
        start = monotonicSeconds()
        try replica.write { try $0.rebuildSearchIndex() }
        let buildSeconds = monotonicSeconds() - start
        let size = try replica.read { try $0.searchIndexSize() }
        try replica.close()
        let fileBytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size.entries == candidates else { throw ValidationError("the index holds \(size.entries) people, not \(candidates)") }
        guard size.keys == keyCount else { throw ValidationError("the index holds \(size.keys) keys, not \(keyCount)") }
        print("candidates=\(candidates) keys_s=\(format(keysSeconds, 2)) write_s=\(format(writeSeconds, 1)) build_s=\(format(buildSeconds, 2)) index_keys=\(size.keys) "
              + "index_mib=\(format(Double(size.bytes) / 1_048_576, 1)) file_mib=\(format(Double(fileBytes) / 1_048_576, 1))")

        // Searches as the office application makes them: a replica opened to write, read beside it.
        let office = try Replica.open(at: path)
        defer { try? office.close() }
        let queries = Self.queries(people, using: &rng)
        var all: [Double] = []
        var byKind: [String: [Double]] = [:]
        var found: [String: [Int]] = [:]
        var byQuery = [[Double]](repeating: [], count: 0)
        for query in queries { _ = try office.searchCandidates(query.search) }  // warm the cache
        byQuery = [[Double]](repeating: [], count: queries.count)
        var totals = [Int](repeating: 0, count: queries.count)
        for _ in 0..<repeats {
            for (q, query) in queries.enumerated() {
                let t0 = monotonicSeconds()
                let result = try office.searchCandidates(query.search)
                let ms = (monotonicSeconds() - t0) * 1000
                all.append(ms)
                byQuery[q].append(ms)
                totals[q] = result.total
                byKind[query.kind, default: []].append(ms)
                found[query.kind, default: []].append(result.total)
                if query.mustFind, result.total == 0 { throw ValidationError("« \(query.search.text) » found nobody") }
            }
        }
        if verbose {
            for (q, query) in queries.enumerated() {
                let s = query.search
                let filters = [s.region, s.status, s.sex].compactMap { $0 }.joined(separator: ",")
                print("  \(query.kind.padding(toLength: 12, withPad: " ", startingAt: 0)) \("«\(s.text)»".padding(toLength: 22, withPad: " ", startingAt: 0)) "
                      + "\(filters.padding(toLength: 16, withPad: " ", startingAt: 0)) median_ms=\(format(percentile(byQuery[q], 0.5), 2)) total=\(totals[q])")
            }
        }
        for kind in Self.kinds where byKind[kind] != nil {
            let times = byKind[kind]!, totals = found[kind]!
            print("  \(kind.padding(toLength: 16, withPad: " ", startingAt: 0)) queries=\(times.count / repeats) "
                  + "median_ms=\(format(percentile(times, 0.5), 2)) p95_ms=\(format(percentile(times, 0.95), 2)) "
                  + "max_ms=\(format(times.max() ?? 0, 2)) median_total=\(Int(percentile(totals.map(Double.init), 0.5)))")
        }
        let typical = Self.kinds.filter { $0 != "one-letter" }.flatMap { byKind[$0] ?? [] }
        print("queries=\(all.count) median_ms=\(format(percentile(typical, 0.5), 2)) p95_ms=\(format(percentile(typical, 0.95), 2)) "
              + "max_ms=\(format(typical.max() ?? 0, 2)) all_p95_ms=\(format(percentile(all, 0.95), 2)) all_max_ms=\(format(all.max() ?? 0, 2)) "
              + "build_s=\(format(buildSeconds, 2)) index_mib=\(format(Double(size.bytes) / 1_048_576, 1)) "
              + "file_mib=\(format(Double(fileBytes) / 1_048_576, 1)) peak_rss_mib=\(format(peakRSSMiB(), 1))")
    }

    func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }

    /// Kinds of query, in the order they are reported. `one-letter` (the first key typed) is reported
    /// apart: the office application searches from the second letter.
    static let kinds = ["exact-name", "variant", "partial", "two-words", "phone", "id", "filters", "list", "one-letter"]

    struct Query {
        var kind: String
        var search: CandidateSearch
        var mustFind = true
    }

    static func queries(_ people: [Person], using rng: inout SeededGenerator) -> [Query] {
        var queries: [Query] = []
        func add(_ kind: String, _ text: String, region: String? = nil, status: String? = nil, sex: String? = nil,
                 offset: Int = 0, mustFind: Bool = true) {
            queries.append(Query(kind: kind, search: CandidateSearch(text: text, region: region, status: status, sex: sex, offset: offset),
                                 mustFind: mustFind))
        }
        for name in ["Traoré", "Coulibaly", "Diarra", "Keïta", "Koné", "Touré", "Diallo", "Maïga", "Sissoko", "Fofana", "Guindo",
                     "Haïdara", "Awa", "Mamadou", "Fatoumata", "Seydou", "Kadiatou", "Boubacar"] {
            add("exact-name", name)
        }
        for name in ["traore", "keita", "keyita", "diara", "jara", "kulibali", "coulibali", "watara", "mahamadou", "mohamed",
                     "cissoko", "dumbia", "dunbiya", "mayga", "denbele", "toure", "konate", "kamara", "sako", "djeneba"] {
            add("variant", name)
        }
        for text in ["tra", "coul", "dia", "kei", "mam", "ous", "fat", "sis", "wat", "kul", "aï", "ma", "di", "ko", "se", "ami", "bou"] {
            add("partial", text)
        }
        for text in ["keita diara", "traore awa", "coulibaly mamadou", "diarra fatoumata", "toure ibrahim", "maiga oumar",
                     "sissoko aminata", "kone seydou", "dembele moussa", "diallo mariam", "coul mam", "tra a"] {
            add("two-words", text)
        }
        let withPhones = people.filter { $0.phone != nil }
        for _ in 0..<20 {
            let digits = withPhones.randomElement(using: &rng)!.phone!.filter(\.isNumber)
            let national = String(digits.dropFirst(3))
            let length = Int.random(in: 4...8, using: &rng)
            let start = Int.random(in: 0...(8 - length), using: &rng)
            let chars = Array(national)
            add("phone", String(chars[start..<(start + length)]))
        }
        add("phone", "+223 " + String(withPhones[7].phone!.dropFirst(5)))
        add("phone", withPhones[11].phone!.replacingOccurrences(of: "+223 ", with: ""))
        for n in [1, 12, 345, 6_789, 99_999] where n < people.count { add("id", people[n].id) }
        add("id", "hub-c1")
        add("filters", "traore", region: "Kayes")
        add("filters", "diarra", sex: "F")
        add("filters", "awa", region: "Bamako", status: "trained")
        add("filters", "kei", region: "Mopti", sex: "M")
        add("filters", "coulibaly", status: "placed", sex: "F")
        add("list", "", region: "Mopti")
        add("list", "", region: "Gao", status: "trained")
        add("list", "", sex: "F", offset: 40)
        add("list", "")
        for letter in ["a", "d", "k", "m", "s", "t"] { add("one-letter", letter) }
        return queries
    }
}

/// A generated person: names drawn by how common they are in Mali, written with the variants
/// offices meet (Keita for Keïta, Diara for Diarra, Kulibali for Coulibaly…), a region, a phone.
struct Person {
    var id: String
    var fields: [(String, Value)]
    var phone: String?

    /// Family names, most common first, each with spellings met on forms.
    static let families: [(String, [String])] = [
        ("Traoré", ["Traore"]), ("Coulibaly", ["Coulibali", "Kulibali"]), ("Diarra", ["Diara", "Jara"]), ("Keïta", ["Keita", "Keyita"]),
        ("Koné", ["Kone"]), ("Touré", ["Toure"]), ("Diallo", ["Jallo"]), ("Sangaré", ["Sangare"]), ("Cissé", ["Cisse", "Sise"]),
        ("Maïga", ["Maiga", "Mayga"]), ("Dembélé", ["Dembele", "Denbele"]), ("Sissoko", ["Cissoko", "Sissokho"]),
        ("Konaté", ["Konate"]), ("Doumbia", ["Dumbia", "Dunbiya"]), ("Camara", ["Kamara"]), ("Kanté", ["Kante"]),
        ("Sidibé", ["Sidibe"]), ("Sylla", []), ("Samaké", ["Samake"]), ("Dicko", []), ("Guindo", []), ("Togo", []),
        ("Bagayoko", ["Bagayogo"]), ("Fofana", []), ("Haïdara", ["Haidara"]), ("Kouyaté", ["Kouyate"]), ("Sow", []),
        ("Ba", ["Bah"]), ("Dao", []), ("Sacko", ["Sako", "Sakho"]), ("Diakité", ["Diakite"]), ("Ouattara", ["Watara"]),
        ("Berthé", ["Berthe"]), ("Tangara", []), ("Sanogo", []), ("Kané", ["Kane"]), ("Cissoko", []), ("Soumaré", ["Soumare"]),
        ("Niangadou", []), ("Ag Mohamed", []), ("Walet Intalla", []), ("Bocoum", []), ("Poudiougo", []), ("Yattara", []),
    ]
    static let women = ["Awa", "Aminata", "Fatoumata", "Mariam", "Kadiatou", "Oumou", "Assétou", "Aïssata", "Djénéba", "Rokia",
                        "Bintou", "Hawa", "Salimata", "Fanta", "Nana", "Ramata", "Sitan", "Korotoumou", "Mariétou", "Safiatou",
                        "Maïmouna", "Coumba", "Kadidia", "Minata", "Fatimata", "Djeneba", "Hadiza", "Tata"]
    static let men = ["Mamadou", "Moussa", "Ibrahim", "Oumar", "Seydou", "Amadou", "Abdoulaye", "Boubacar", "Souleymane", "Bakary",
                      "Modibo", "Issa", "Adama", "Lassina", "Drissa", "Sékou", "Yacouba", "Mahamadou", "Ousmane", "Cheick", "Brahima",
                      "Siaka", "Karim", "Youssouf", "Daouda", "Hamidou", "Sidi", "Tiémoko", "Salif", "Aliou", "Mohamed", "Zoumana"]
    /// Regions with the share of candidates each registers.
    static let regions: [(String, Int)] = [("Bamako", 20), ("Sikasso", 14), ("Koulikoro", 13), ("Ségou", 12), ("Mopti", 11),
                                           ("Kayes", 11), ("Tombouctou", 5), ("Gao", 5), ("Kita", 2), ("Nioro", 2), ("San", 2),
                                           ("Bougouni", 1), ("Koutiala", 1), ("Kidal", 1)]
    static let statuses: [(String, Int)] = [("registered", 55), ("trained", 25), ("placed", 15), ("withdrawn", 5)]

    static func random(number: Int, using rng: inout SeededGenerator) -> Person {
        // Zipf-like: the k-th family name about 1/k^0.9 as common as the first.
        let family = families[weighted(families.indices.map { 1 / pow(Double($0 + 1), 0.9) }, using: &rng)]
        func spelt(_ family: (String, [String])) -> String {
            !family.1.isEmpty && Int.random(in: 0..<100, using: &rng) < 20 ? family.1.randomElement(using: &rng)! : family.0
        }
        var familyName = spelt(family)
        // Some forms carry two family names (Awa Diarra Keïta).
        if Int.random(in: 0..<100, using: &rng) < 5 { familyName = spelt(families.randomElement(using: &rng)!) + " " + familyName }
        let woman = Bool.random(using: &rng)
        let names = woman ? women : men
        var given = names[weighted(names.indices.map { 1 / pow(Double($0 + 1), 0.7) }, using: &rng)]
        if Int.random(in: 0..<100, using: &rng) < 15 { given += " " + names.randomElement(using: &rng)! }
        let region = regions[weighted(regions.map { Double($0.1) }, using: &rng)].0
        let status = statuses[weighted(statuses.map { Double($0.1) }, using: &rng)].0
        var fields: [(String, Value)] = [
            ("family_name", .text(familyName)), ("given_names", .text(given)), ("sex", .text(woman ? "F" : "M")),
            ("birth_year", .integer(Int64.random(in: 1975...2008, using: &rng))), ("region", .text(region)), ("status", .text(status)),
            ("origin_status", .text(["returnee", "displaced", "host_youth"].randomElement(using: &rng)!)),
        ]
        var phone: String?
        if Int.random(in: 0..<100, using: &rng) < 85 {
            let prefix = ["60", "65", "66", "69", "70", "73", "74", "75", "76", "77", "78", "79", "82", "83", "89", "90", "91", "92"]
                .randomElement(using: &rng)!
            let rest = (0..<3).map { _ in String(format: "%02d", Int.random(in: 0...99, using: &rng)) }
            phone = "+223 \(prefix) " + rest.joined(separator: " ")
            fields.append(("phone", .text(phone!)))
        }
        return Person(id: "hub-c\(number)", fields: fields, phone: phone)
    }

    static func weighted(_ weights: [Double], using rng: inout SeededGenerator) -> Int {
        var x = Double.random(in: 0..<weights.reduce(0, +), using: &rng)
        for (i, w) in weights.enumerated() {
            if x < w { return i }
            x -= w
        }
        return weights.count - 1
    }
}
