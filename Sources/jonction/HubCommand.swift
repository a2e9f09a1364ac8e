import ArgumentParser

struct HubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub",
        abstract: "Commandes du pôle : inscrire et révoquer des bureaux, servir en HTTP, fusion nocturne.",
        subcommands: [HubEnroll.self, HubRevoke.self, HubScope.self, HubSites.self, HubRoster.self, HubServe.self, HubMerge.self])
}
