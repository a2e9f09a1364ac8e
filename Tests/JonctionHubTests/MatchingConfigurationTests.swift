import Foundation
import Jonction
import JonctionHub
import JonctionMatch
import JonctionTestSupport
import Testing

@Suite("Configuration du rapprochement au pôle : TOML ou JSON, erreurs claires")
struct MatchingConfigurationTests {
    let dir = TemporaryDirectory("matching-configuration")

    static let toml = """
        [round]          # every opportunity without its own entry
        host_youth = 30
        F = 40
        [opportunities.opp-09]
        F = 50
        M = { maximum = 50 }
        [whole_round]    # all the round's places together
        displaced = { minimum = 20, maximum = 60 }
        [priority]
        returnee = 2
        """
    static let json = #"{"round":{"host_youth":30,"F":40},"opportunities":{"opp-09":{"F":50,"M":{"maximum":50}}},"whole_round":{"displaced":{"minimum":20,"maximum":60}},"priority":{"returnee":2}}"#

    @Test("le TOML et le JSON d’une même configuration donnent les mêmes parts et priorités")
    func sameQuotas() throws {
        try Data(Self.toml.utf8).write(to: dir.url.appendingPathComponent("parts.toml"))
        try Data(Self.json.utf8).write(to: dir.url.appendingPathComponent("parts.json"))
        let fromTOML = try MatchingConfiguration.read(from: dir.path("parts.toml"))
        let fromJSON = try MatchingConfiguration.read(from: dir.path("parts.json"))
        let expected = MatchQuotas(
            round: [.init(group: .origin("host_youth"), minimum: 30), .init(group: .sex("F"), minimum: 40)],
            opportunities: ["opp-09": [.init(group: .sex("F"), minimum: 50), .init(group: .sex("M"), minimum: 0, maximum: 50)]],
            wholeRound: [.init(group: .origin("displaced"), minimum: 20, maximum: 60)],
            priority: [.origin("returnee"): 2])
        #expect(fromTOML.quotas == expected)
        #expect(fromJSON == fromTOML)
        #expect(fromTOML.quotas == (try MatchQuotas(json: Data(Self.json.utf8))))  // the JSON form `match --quotas` always read
        #expect(fromTOML.weights == nil)
    }

    @Test("la table weights reprend les poids de ScoringWeights, les autres clés gardant leur valeur")
    func weights() throws {
        let config = try MatchingConfiguration(text: "[weights]\nminimum_score = 55\nfirst_job = 10\n", path: "pole.toml")
        var expected = ScoringWeights()
        expected.minimumScore = 55
        expected.firstJob = 10
        #expect(config.weights == expected && config.quotas.isEmpty)
        let fromJSON = try MatchingConfiguration(text: #"{"weights":{"minimum_score":55,"first_job":10}}"#, path: "pole.json")
        #expect(fromJSON == config)
    }

    @Test("le fichier par défaut est à côté du réplica, lu seulement s’il existe ; --quotas l’emporte")
    func defaultFile() throws {
        let replica = dir.path("pole.sqlite")
        #expect(MatchingConfiguration.defaultPath(forReplica: replica) == replica + ".rapprochement.toml")
        #expect(MatchingConfiguration.path(given: nil, replica: replica) == nil)
        #expect(try MatchingConfiguration.read(given: nil, replica: replica) == MatchingConfiguration())
        try Data(Self.toml.utf8).write(to: URL(fileURLWithPath: replica + ".rapprochement.toml"))
        #expect(MatchingConfiguration.path(given: nil, replica: replica) == replica + ".rapprochement.toml")
        #expect(try MatchingConfiguration.read(given: nil, replica: replica).quotas.priority == [.origin("returnee"): 2])
        #expect(MatchingConfiguration.path(given: "autre.json", replica: replica) == "autre.json")
        #expect(throws: MatchingConfigurationError.unreadable(path: dir.path("absent.toml"))) {
            try MatchingConfiguration.read(given: dir.path("absent.toml"), replica: replica)
        }
    }

    @Test("une configuration fautive est refusée : le fichier, la clé et quoi faire", arguments: [
        ("[rounds]\nF = 40\n", MatchingConfigurationError.unknownTable(path: "pole.toml", key: "rounds")),
        ("[round]\nfemmes = 40\n", .quotas(path: "pole.toml", .unknownGroup("femmes", path: "round"))),
        ("[round]\nF = \"40\"\n", .quotas(path: "pole.toml", .notAnInteger("round.F"))),
        ("[round]\nF = 40.5\n", .quotas(path: "pole.toml", .notAnInteger("round.F"))),
        ("[round]\nF = 40.0\n", .quotas(path: "pole.toml", .notAnInteger("round.F"))),
        ("[round]\nF = true\n", .quotas(path: "pole.toml", .notAnInteger("round.F"))),
        ("[round]\nF = 140\n", .quotas(path: "pole.toml", .percentOutOfRange("round.F", 140))),
        ("[round]\nF = { maximum = 40.5 }\n", .quotas(path: "pole.toml", .notAnInteger("round.F.maximum"))),
        ("[whole_round]\nF = { minimum = 60, maximum = 50 }\n", .quotas(path: "pole.toml", .maximumBelowMinimum("whole_round.F", minimum: 60, maximum: 50))),
        ("[whole_round]\nM = { maximum = 60 }\nreturnee = 30\n", .quotas(path: "pole.toml", .maximumAcrossDimensions("whole_round"))),
        ("[round]\nF = { plafond = 40 }\n", .quotas(path: "pole.toml", .unknownBound("plafond", path: "round.F"))),
        ("[round]\nF = -5\n", .quotas(path: "pole.toml", .percentOutOfRange("round.F", -5))),
        ("[round]\nF = 99999999999\n", .quotas(path: "pole.toml", .notAnInteger("round.F"))),
        ("[round]\nF = 60\nhost_youth = 50\n", .quotas(path: "pole.toml", .totalOver100("round", 110))),
        ("[opportunities.opp-09]\nX = 101\n", .quotas(path: "pole.toml", .percentOutOfRange("opportunities.opp-09.X", 101))),
        ("[opportunities]\nopp-09 = 50\n", .quotas(path: "pole.toml", .notAnObjectAt("opportunities.opp-09"))),
        ("round = 30\n", .quotas(path: "pole.toml", .notAnObjectAt("round"))),
        ("[priority]\nreturnee = 0\n", .quotas(path: "pole.toml", .priorityOutOfRange("returnee", 0))),
        ("[priority]\nreturnee = -2\n", .quotas(path: "pole.toml", .priorityOutOfRange("returnee", -2))),
        ("[priority]\nreturnee = 11\n", .quotas(path: "pole.toml", .priorityOutOfRange("returnee", 11))),
        ("[priority]\nmigrants = 2\n", .quotas(path: "pole.toml", .unknownGroup("migrants", path: "priority"))),
        ("[weights]\noccupation = 90\n", .weights(path: "pole.toml", .totalNot100(150))),
        ("[weights]\nage = 10\n", .weights(path: "pole.toml", .unknownKey("age"))),
        ("weights = 3\n", .quotas(path: "pole.toml", .notAnObjectAt("weights"))),
        ("[round\nF = 40\n", .syntax(path: "pole.toml", line: 1, detail: "")),
        ("[1]", .notATable(path: "pole.json")),
        (#"{"round":{"F":40}"#, .syntax(path: "pole.json", line: nil, detail: "JSON")),
        (#"{"rounds":{"F":40}}"#, .unknownTable(path: "pole.json", key: "rounds")),
        (#"{"round":{"F":40.5}}"#, .quotas(path: "pole.json", .notAnInteger("round.F"))),
    ])
    func refused(text: String, error: MatchingConfigurationError) {
        let path = text.hasPrefix("{") || text.hasPrefix("[1") ? "pole.json" : "pole.toml"
        let thrown = #expect(throws: MatchingConfigurationError.self) { try MatchingConfiguration(text: text, path: path) }
        guard let thrown else { return }
        if case .syntax(_, let line, _) = error, case .syntax(let p, let l, _) = thrown {
            #expect(p == path && l == line)  // the parser's own words vary
        } else {
            #expect(thrown == error)
        }
        let french = thrown.message(.fr), english = thrown.message(.en)
        #expect(french.contains(path) && english.contains(path))
        #expect(french.contains("Corrigez le fichier puis relancez : rien n’a été écrit."))
        #expect(english.contains("nothing was written") && !english.contains("Corrigez"))
    }

    @Test("un fichier trop grand ou qui n’est pas du texte est refusé sans être lu plus loin")
    func bounds() throws {
        let big = dir.path("gros.toml")
        try Data(repeating: UInt8(ascii: "#"), count: MatchingConfiguration.maxBytes + 1).write(to: URL(fileURLWithPath: big))
        #expect(throws: MatchingConfigurationError.tooLarge(path: big, bytes: MatchingConfiguration.maxBytes + 1)) {
            try MatchingConfiguration.read(from: big)
        }
        let binary = dir.path("image.toml")
        try Data([0xFF, 0xD8, 0xFF, 0x00]).write(to: URL(fileURLWithPath: binary))
        #expect(throws: MatchingConfigurationError.notText(path: binary)) { try MatchingConfiguration.read(from: binary) }
    }
}
