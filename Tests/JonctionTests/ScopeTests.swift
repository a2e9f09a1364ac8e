import Jonction
import Testing

@Suite("Périmètre d’un bureau : ce qu’il sert")
struct ScopeTests {
    static let facts: Scope.Facts = {
        var f = Scope.Facts()
        f.candidates = ["kayes-c1": "Gao", "mopti-c1": "Kayes", "mopti-c2": "Mopti", "mopti-c3": "Mopti", "gao-c1": nil]
        f.opportunities = ["o1": "Kayes", "o2": "Mopti", "kayes-o3": "Sikasso"]
        f.proposals = ["r1-mopti-c2": ("mopti-c2", "o1"), "r1-mopti-c3": ("mopti-c3", "o2"), "r2-gao-c1": ("gao-c1", "kayes-o3"),
                       "r1-kayes-c1": ("kayes-c1", "o2")]
        f.placements = ["pl-1": "mopti-c1", "pl-2": "mopti-c3"]
        return f
    }()

    @Test("les personnes de ses régions, celles qu’il a inscrites, celles proposées à ses offres ; leurs propositions et placements")
    func partial() {
        let kayes = Scope(office: SiteName(unchecked: "kayes"), regions: ["Kayes"])
        let keys = kayes.records(Self.facts)
        #expect(Set(keys.filter { $0.table == "candidate" }.map(\.id)) == ["kayes-c1", "mopti-c1", "mopti-c2", "gao-c1"])
        #expect(Set(keys.filter { $0.table == "proposal" }.map(\.id)) == ["r1-mopti-c2", "r2-gao-c1", "r1-kayes-c1"])
        #expect(Set(keys.filter { $0.table == "placement" }.map(\.id)) == ["pl-1"])
        #expect(kayes.holdsAll(of: "opportunity") && kayes.holdsAll(of: "employer") && !kayes.holdsAll(of: "candidate"))
    }

    @Test("un bureau sans région tient tout")
    func full() {
        let gao = Scope(office: SiteName(unchecked: "gao"), regions: [])
        #expect(gao.records(Self.facts).count == 5 + 4 + 2)
        #expect(gao.holdsAll(of: "candidate"))
    }
}
