import Jonction
import JonctionTestSupport
import Testing

/// A labelled set of people with realistic variation (issue 15): distinct people who share common
/// Malian names, and the same people registered again with their names spelt another way, a year
/// of birth off by one, a phone missing or changed, in another office. Seeded: the same set every run.
enum LabelledPeople {
    static let families: [[String]] = [
        ["Diarra", "Jara", "Diara"], ["Coulibaly", "Kulibali", "Kouloubali", "Coulibali"], ["Keïta", "Keita", "Keyita"],
        ["Traoré", "Traore"], ["Touré", "Toure"], ["Maïga", "Maiga", "Mayga"], ["Sissoko", "Sisoko", "Cissoko"],
        ["Konaté", "Konate"], ["Koné", "Kone"], ["Dembélé", "Dembele", "Denbele"], ["Ouattara", "Watara"],
        ["Doumbia", "Dumbia", "Dunbiya"], ["Camara", "Kamara"], ["Sidibé", "Sidibe"], ["Sangaré", "Sangare"],
        ["Cissé", "Cisse"], ["Diallo"], ["Kanouté", "Kanoute"], ["Sacko", "Sako", "Sakho"], ["Fofana"],
        ["Tounkara", "Tunkara"], ["Samaké", "Samake"], ["Diakité", "Diakite"], ["Guindo"], ["Dolo"], ["Goïta", "Goita"],
        ["Bagayoko"], ["Kouyaté", "Kouyate"], ["Dicko"], ["Sow"],
    ]
    static let given: [[String]] = [
        ["Mahamadou", "Mamadou"], ["Moussa", "Musa"], ["Fatoumata"], ["Awa", "Hawa"], ["Aminata"], ["Kadiatou", "Kadiatu"],
        ["Oumar", "Umar"], ["Boubacar", "Boubakar"], ["Adama"], ["Salif"], ["Seydou", "Seidou"], ["Mariam"], ["Aïssata", "Aissata"],
        ["Oumou", "Umu"], ["Djénéba", "Jeneba"], ["Bintou", "Bintu"], ["Sékou", "Sekou"], ["Modibo"], ["Issa"], ["Hamidou", "Amidou"],
        ["Assétou", "Assetou"], ["Kassim"], ["Rokia", "Rokiya"], ["Lassana"], ["Nana"], ["Youssouf", "Yousouf"], ["Sitan"],
        ["Drissa"], ["Korotoumou", "Korotumu"], ["Abdoulaye", "Abdulaye"], ["Bakary", "Bakari"], ["Fanta"], ["Ramata"],
        ["Safiatou", "Safiatu"], ["Tidiani", "Tidjani"], ["Yacouba", "Yakuba"], ["Baba"], ["Kadidia", "Kadija"], ["Zoumana", "Zumana"],
        ["Nouhoum", "Nuhum"],
    ]
    static let communes = ["Kayes", "Nioro", "Kita", "Diéma", "Bafoulabé", "Mopti", "Djenné", "Bandiagara", "Gao", "Ansongo", "Sévaré", "Ségou"]

    /// `count` distinct people, then about a fifth of them registered again; the truth is the set of
    /// pairs of records of one person.
    static func make(count: Int, seed: UInt64) -> (people: [DuplicateRule.Person], truth: Set<String>) {
        var rng = SeededGenerator(seed: seed)
        var people: [DuplicateRule.Person] = []
        var truth = Set<String>()
        for n in 0..<count {
            let family = Int.random(in: 0..<families.count, using: &rng)
            let first = Int.random(in: 0..<given.count, using: &rng)
            let second: Int? = Bool.random(using: &rng) ? Int.random(in: 0..<given.count, using: &rng) : nil
            let year = Int64.random(in: 1975...2008, using: &rng)
            let phone: String? = Int.random(in: 0..<10, using: &rng) < 7
                ? "\(["6", "7", "9"].randomElement(using: &rng)!)\(Int.random(in: 0...9, using: &rng))\(String(format: "%06d", Int.random(in: 0...999_999, using: &rng)))" : nil
            let commune = communes.randomElement(using: &rng)!
            let office = ["kayes", "mopti", "gao"].randomElement(using: &rng)!
            func names(variant: Bool) -> (String, String) {
                let f = variant ? families[family].randomElement(using: &rng)! : families[family][0]
                var g = variant ? given[first].randomElement(using: &rng)! : given[first][0]
                if let second { g += " " + (variant ? given[second].randomElement(using: &rng)! : given[second][0]) }
                return (f, g)
            }
            let (f, g) = names(variant: false)
            let id = "\(office)-c\(n)"
            people.append(.init(id: id, familyName: f, givenNames: g, birthYear: year, phone: phone, commune: commune))
            guard Int.random(in: 0..<5, using: &rng) == 0 else { continue }
            // Registered again elsewhere.
            let (f2, g2) = names(variant: true)
            let roll = Int.random(in: 0..<20, using: &rng)
            let year2: Int64? = roll < 16 ? year : (roll < 19 ? year + (Bool.random(using: &rng) ? 1 : -1) : nil)
            let phoneRoll = Int.random(in: 0..<20, using: &rng)
            let phone2: String? = phone == nil || phoneRoll < 2 ? nil : (phoneRoll < 4 ? "7\(String(format: "%07d", Int.random(in: 0...9_999_999, using: &rng)))" : phone)
            let office2 = ["kayes", "mopti", "gao"].filter { $0 != office }.randomElement(using: &rng)!
            let id2 = "\(office2)-d\(n)"
            people.append(.init(id: id2, familyName: f2, givenNames: g2, birthYear: year2, phone: phone2,
                                commune: Int.random(in: 0..<10, using: &rng) < 9 ? commune : communes.randomElement(using: &rng)!))
            truth.insert(min(id, id2) + "|" + max(id, id2))
        }
        return (people, truth)
    }
}

@Suite("Doublons : les mêmes personnes enregistrées deux fois")
struct DuplicateRuleTests {
    @Test("sur un jeu étiqueté de 3 000 personnes : précision ≥ 0,95, rappel ≥ 0,90", arguments: [UInt64(15_000_001), 15_000_002])
    func precisionAndRecall(seed: UInt64) {
        let (people, truth) = LabelledPeople.make(count: 3_000, seed: seed)
        let found = Set(DuplicateRule.pairs(people).map { $0.first + "|" + $0.second })
        let right = found.intersection(truth).count
        let precision = Double(right) / Double(max(1, found.count))
        let recall = Double(right) / Double(max(1, truth.count))
        print("doublons, graine \(seed) : \(people.count) fiches, \(truth.count) paires vraies, \(found.count) proposées, précision \(precision), rappel \(recall)")
        #expect(precision >= 0.95, "precision \(precision)")
        #expect(recall >= 0.90, "recall \(recall)")
    }

    @Test("les variantes d’orthographe se rejoignent ; des noms qui se ressemblent seulement, non")
    func variants() {
        func person(_ id: String, _ family: String, _ given: String, _ year: Int64? = 1999, phone: String? = nil) -> DuplicateRule.Person {
            .init(id: id, familyName: family, givenNames: given, birthYear: year, phone: phone, commune: nil)
        }
        let pair = DuplicateRule.compare(person("kayes-c1", "Diarra", "Fatoumata"), person("mopti-c9", "Jara", "Fatoumata"))
        #expect(pair?.reasons.contains(.familyName(exact: false)) == true)
        #expect(DuplicateRule.compare(person("a", "Keïta", "Mahamadou"), person("b", "Keita", "Mamadou")) != nil)
        #expect(DuplicateRule.compare(person("a", "Coulibaly", "Awa"), person("b", "Kulibali", "Hawa")) != nil)
        #expect(DuplicateRule.compare(person("a", "Koné", "Moussa"), person("b", "Konaté", "Moussa")) == nil)
        #expect(DuplicateRule.compare(person("a", "Diarra", "Awa"), person("b", "Diallo", "Awa")) == nil)
        // Same names, born 15 years apart: two people.
        #expect(DuplicateRule.compare(person("a", "Traoré", "Awa", 1980), person("b", "Traoré", "Awa", 1995)) == nil)
        // Another spelling and the same phone: one person, whatever the given name.
        #expect(DuplicateRule.compare(person("a", "Sissoko", "Fanta", phone: "+223 76 12 34 56"), person("b", "Cissoko", "Fanta Awa", nil, phone: "76123456")) != nil)
        #expect(DuplicateRule.Reason.familyName(exact: false).message(.fr) == "même nom de famille, autre orthographe")
    }
}
