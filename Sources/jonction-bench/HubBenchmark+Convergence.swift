import ArgumentParser
import Jonction
import JonctionStore

// What the hub benchmark checks once every office has synced twice: nothing lost, and every office
// holding what it should (a full replica: the hub's state; a scoped one: the hub's state
// restricted to its scope, protocol.md §2.6).

extension HubBenchmark {
    /// The hub holds every change each office recorded, and each office's vector is the hub's.
    func checkVectors(hub: Replica, offices sites: [Replica]) throws {
        let vector = try hub.read { try $0.vector() }
        guard vector.total == UInt64(offices * changes) else {
            throw ValidationError("FAILED: the hub holds \(vector.total) changes, expected \(offices * changes)")
        }
        for office in sites {
            guard vector[office.site] == UInt64(changes) else {
                throw ValidationError("FAILED: the hub holds \(vector[office.site]) changes of \(office.site), expected \(changes)")
            }
            guard try office.read({ try $0.vector() }) == vector else { throw ValidationError("FAILED: \(office.site)'s vector differs from the hub's") }
        }
    }

    /// Every office holds the hub's records, all of them.
    func checkFull(hub: Replica, offices sites: [Replica]) throws {
        try checkVectors(hub: hub, offices: sites)
        let expected = try hub.read { try $0.dumpJSON() }
        for office in sites {
            guard try office.read({ try $0.dumpJSON() }) == expected else { throw ValidationError("FAILED: \(office.site) differs from the hub") }
        }
    }

    /// Every office serves its region and holds the hub's live records of its scope, no more and no
    /// less: every candidate every office of its region wrote, and their states as the hub holds them.
    func checkScoped(hub: Replica, offices sites: [Replica]) throws {
        try checkVectors(hub: hub, offices: sites)
        let all = try hub.read { try $0.recordSet() }
        let facts = try hub.read { try $0.scopeFacts() }
        // Candidates per office (each has every field of `run`'s list but perhaps the last).
        let written = (changes + HubBenchmark.candidateFields - 1) / HubBenchmark.candidateFields
        for (i, office) in sites.enumerated() {
            let regions = try hub.write { try $0.regions(of: office.site) }
            guard regions == [HubBenchmark.region(of: i)] else {
                throw ValidationError("FAILED: \(office.site) serves \(regions.sorted()) at the hub, expected \(HubBenchmark.region(of: i))")
            }
            let scope = Scope(office: office.site, regions: regions)
            let keys = scope.records(facts)
            var expected: [String: [String: RecordState]] = [:]
            for (table, records) in all.tables {
                for (id, state) in records where !state.isDeleted {
                    if scope.holdsAll(of: table) || keys.contains(RecordKey(table: table, id: id)) { expected[table, default: [:]][id] = state }
                }
            }
            let neighbours = (0..<offices).filter { HubBenchmark.region(of: $0) == HubBenchmark.region(of: i) }.count
            guard expected["candidate"]?.count == neighbours * written else {
                throw ValidationError("FAILED: the hub holds \(expected["candidate"]?.count ?? 0) candidates of \(regions.sorted()), expected \(neighbours * written)")
            }
            var held: [String: [String: RecordState]] = [:]
            for (table, records) in try office.read({ try $0.recordSet(shared: true) }).tables {
                for (id, state) in records where !state.isDeleted { held[table, default: [:]][id] = state }
            }
            guard held == expected else {
                let difference = Set(expected.keys).union(held.keys).sorted().lazy.flatMap { table in
                    Set((expected[table] ?? [:]).keys).union((held[table] ?? [:]).keys).sorted()
                        .filter { expected[table]?[$0] != held[table]?[$0] }.map { "\(table)/\($0)" }
                }.prefix(3)
                throw ValidationError("FAILED: \(office.site) differs from the hub's records of its scope: \(difference.joined(separator: ", "))")
            }
        }
    }
}
