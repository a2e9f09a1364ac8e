import Jonction
import JonctionTestSupport
import Testing

@Suite("Tableau d’équité : chaque ligne compte ses personnes")
struct FairnessTableTests {
    @Test("chaque ligne égale le décompte direct de ses personnes, parts comprises", arguments: SeededGenerator.seeds(20, base: 700))
    func rowsCountTheirPeople(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let regions: [String?] = ["Kayes", "Mopti", "Gao", nil]
        let origins: [String?] = ["returnee", "displaced", "host_youth", nil]
        let sexes: [String?] = ["F", "M", nil]
        let people = (0..<400).map { i in
            FairnessTable.Person(id: "c\(i)", region: regions.randomElement(using: &rng)!,
                                 origin: origins.randomElement(using: &rng)!, sex: sexes.randomElement(using: &rng)!)
        }
        func some() -> Set<String> { Set(people.map(\.id).filter { _ in Int.random(in: 0..<3, using: &rng) == 0 }) }
        let admissible = some(), proposed = some(), accepted = some(), placed = some()
        let table = FairnessTable(people: people, admissible: admissible, proposed: proposed, accepted: accepted, placed: placed)

        let counted = people.filter { person in [admissible, proposed, accepted, placed].contains { $0.contains(person.id) } }
        func members(_ region: String, _ field: String, _ group: String) -> [FairnessTable.Person] {
            counted.filter { person in
                (region == "*" || (person.region ?? "?") == region)
                    && (field == "sex" ? person.sex ?? "?" : person.origin ?? "?") == group
            }
        }
        var expectedRows = 0
        for region in Set(counted.map { $0.region ?? "?" }).union(["*"]) {
            for field in ["origin_status", "sex"] {
                let groups = Set(counted.filter { region == "*" || ($0.region ?? "?") == region }
                    .map { field == "sex" ? $0.sex ?? "?" : $0.origin ?? "?" })
                expectedRows += groups.count
                let proposedTotal = groups.map { g in members(region, field, g).filter { proposed.contains($0.id) }.count }.reduce(0, +)
                for group in groups {
                    let m = members(region, field, group)
                    let row = table.rows.first { $0.region == region && $0.field == field && $0.group == group }
                    #expect(row?.admissible == m.filter { admissible.contains($0.id) }.count, "seed \(seed) \(region) \(group)")
                    #expect(row?.proposed == m.filter { proposed.contains($0.id) }.count)
                    #expect(row?.accepted == m.filter { accepted.contains($0.id) }.count)
                    #expect(row?.placed == m.filter { placed.contains($0.id) }.count)
                    let share = proposedTotal == 0 ? 0 : m.filter { proposed.contains($0.id) }.count * 100 / proposedTotal
                    #expect(row?.proposedShare == share)
                }
            }
        }
        #expect(table.rows.count == expectedRows)
    }
}
