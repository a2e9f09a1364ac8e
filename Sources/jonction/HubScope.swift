import ArgumentParser
import Jonction
import JonctionHub
import JonctionStore

struct HubScope: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scope",
        abstract: "Changer les régions qu’un bureau sert (son périmètre).",
        discussion: """
            Remplace les régions du bureau par celles données (--region, à répéter ; aucune : le bureau \
            ne sert plus de région). Les noms de régions sont ceux du Mali, écrits comme on veut \
            (« segou » devient « Ségou »). « jonction hub sites » les affiche.
            """)

    @OptionGroup var options: CommonOptions

    @Argument(help: "Nom du site du bureau.")
    var site: String

    @Option(name: .customLong("region"), help: "Région que le bureau sert (à répéter).")
    var regions: [String] = []

    func run() throws {
        let lang = options.language
        try running(lang) {
            let name = try SiteName(site)
            let served = try HubScope.normalized(regions)
            let replica = try options.openHub()
            defer { try? replica.close() }
            try replica.write { try $0.setRegions(served, of: name) }
            print(served.isEmpty
                ? lang.pick("Bureau \(name) : aucune région servie.", "Office \(name): no region served.")
                : lang.pick("Bureau \(name) : régions servies \(lang.list(served)).", "Office \(name): regions served \(lang.list(served))."))
        }
    }

    /// Region names in their normal form (protocol.md §2.2: the region field's own rule), sorted,
    /// each once; a name that is not a region of Mali is refused, naming it.
    static func normalized(_ regions: [String]) throws -> [String] {
        let field = try Schema.current.table(named: "candidate").field(named: "region")
        return Array(Set(try regions.map { raw -> String in
            guard case .text(let region) = try field.parse(raw, table: "candidate") else {
                throw SchemaError.invalidValue(table: "candidate", field: "region", value: raw, expected: field.type.expectation)
            }
            return region
        })).sorted(by: CanonicalJSON.precedes)
    }
}
