import Jonction
import JonctionTestSupport
import Testing

/// Sites held in memory (`MemoryReplica`, the pure sync rules and nothing else) exchanging change
/// blocks under random schedules: lost, damaged, delayed, repeated, relayed, partial (holed)
/// deliveries, full resends, a hub restored from a backup, syncs cut off half-way, deletes against
/// concurrent edits. Each schedule ends with every office syncing twice with the hub through the
/// `Exchange` state machine; then every site must hold exactly the reference state.
///
/// USB sticks travel as bytes: the changes as `ChangeBlock`s inside this file's own framing, which a
/// checksum protects (see `Stick`), so that damage is detected before anything is decoded. Syncs
/// with the hub hand the changes over as values (an in-memory transport).
@Suite("Convergence en mémoire : règles pures, milliers d’ordres d’échange aléatoires")
struct MemoryConvergenceTests {
    static let schedules = 10_000
    static let chunks = 8
    static let offices = ["kayes", "mopti", "gao", "tombouctou", "sikasso", "segou", "kidal", "koulikoro"]

    @Test("chaque site finit égal au modèle de référence, vecteurs complets", arguments: 0..<chunks)
    func randomSchedules(chunk: Int) throws {
        let seeds = SeededGenerator.seeds(Self.schedules, base: 20_261_202)
        var seen = Schedule.Coverage()
        for (k, seed) in seeds.enumerated() where k % Self.chunks == chunk {
            var schedule = Schedule(seed: seed)
            schedule.run()
            seen.add(schedule.seen)
        }
        // The schedules must go down every road, or they prove little.
        if seeds.count == Self.schedules {
            #expect(seen.missing.isEmpty, "chunk \(chunk): no schedule had \(seen.missing)")
        }
    }

    @Test("un pôle restauré récupère d’un bureau sans nouveauté ce qu’il avait perdu, dès la synchronisation suivante")
    func restoredHubCatchesUp() throws {
        var hub = MemoryReplica(site: .hub), kayes = MemoryReplica(site: SiteName(unchecked: "kayes"))
        let backup = hub
        try kayes.set(table: "candidate", id: "c1", fields: [("status", .text("registered"))], wallMillis: 1_000)
        var schedule = Schedule(seed: 0)
        schedule.sites = [.init(replica: hub, skew: 0), .init(replica: kayes, skew: 0)]
        schedule.sync(1)
        #expect(schedule.sites[0].replica.vector == kayes.vector)
        schedule.sites[0].replica = backup  // the hub's disk died
        schedule.sync(1)
        // The hub's answer to the download says what it holds: the office sends what it lost.
        #expect(schedule.sites[0].replica.vector == kayes.vector)
        hub = schedule.sites[0].replica
        #expect(hub.records == kayes.records)
    }
}

/// One random schedule. Every expectation names its seed.
struct Schedule {
    struct Site {
        var replica: MemoryReplica
        var skew: Int64
        var name: SiteName { replica.site }
    }

    struct Cut: Error {}

    /// How often each hazard happened, so that the suite knows it exercised them.
    struct Coverage {
        var lost = 0, damaged = 0, holed = 0, delayed = 0, doubled = 0, replayed = 0, relayed = 0
        var cut = 0, restored = 0, resentInFull = 0, deleteBeatEdit = 0

        mutating func add(_ other: Coverage) {
            lost += other.lost; damaged += other.damaged; holed += other.holed; delayed += other.delayed
            doubled += other.doubled; replayed += other.replayed; relayed += other.relayed; cut += other.cut
            restored += other.restored; resentInFull += other.resentInFull; deleteBeatEdit += other.deleteBeatEdit
        }

        var missing: [String] {
            let all = [("lost", lost), ("damaged", damaged), ("holed", holed), ("delayed", delayed), ("doubled", doubled),
                       ("replayed", replayed), ("relayed", relayed), ("cut", cut), ("restored", restored),
                       ("resentInFull", resentInFull), ("deleteBeatEdit", deleteBeatEdit)]
            return all.filter { $0.1 == 0 }.map(\.0)
        }
    }
    var seen = Coverage()

    let seed: UInt64
    var rng: SeededGenerator
    var sites: [Site] = []
    var now: Int64 = 1_790_000_000_000
    var written: [Change] = []
    var delayed: [(to: Int, bytes: [UInt8])] = []
    /// Whether the hub (site 0) writes; if not, it may be restored from a backup.
    let hubWrites: Bool
    var hubBackup: MemoryReplica?
    var hubRestored = false

    init(seed: UInt64) {
        self.seed = seed
        rng = SeededGenerator(seed: seed)
        let count = Int.random(in: 2...9, using: &rng)
        hubWrites = Bool.random(using: &rng)
        // Field laptops: some clocks days behind, some hours ahead, all within the 7-day bound of each other.
        let skews: [Int64] = [0, 0, -3 * 86_400_000, 5 * 3_600_000, -2 * 3_600_000, 30 * 3_600_000]
        for i in 0..<count {
            let skew = i == 0 ? 0 : skews[Int.random(in: 0..<(skews.count - (Int.random(in: 0..<4, using: &rng) == 0 ? 0 : 1)), using: &rng)]
            let name = i == 0 ? SiteName.hub : SiteName(unchecked: MemoryConvergenceTests.offices[i - 1])
            sites.append(Site(replica: MemoryReplica(site: name), skew: skew))
        }
    }

    func wall(_ i: Int) -> UInt64 { UInt64(now + sites[i].skew) }

    mutating func run() {
        for _ in 0..<Int.random(in: 10...45, using: &rng) {
            now += Int64.random(in: 0...30_000, using: &rng)
            let roll = Int.random(in: 0..<100, using: &rng)
            switch roll {
            case 0..<50: write()
            case 50..<80: carry()
            case 80..<90: sync(Int.random(in: 1..<max(2, sites.count), using: &rng), cutAt: Int.random(in: 0..<4, using: &rng) == 0 ? Int.random(in: 1...6, using: &rng) : nil)
            case 90..<96:
                if !delayed.isEmpty { let late = delayed.remove(at: Int.random(in: 0..<delayed.count, using: &rng)); deliver(late.bytes, to: late.to) }
            default:
                if hubWrites { break }
                if let backup = hubBackup, Bool.random(using: &rng) {
                    sites[0].replica = backup  // the hub's disk died: last night's backup
                    hubRestored = true
                    seen.restored += 1
                } else {
                    hubBackup = sites[0].replica
                }
            }
        }
        for late in delayed.shuffled(using: &rng) { deliver(late.bytes, to: late.to) }
        delayed = []

        // Final exchange through the hub, twice around. After a restore the offices upload in full
        // once: one with nothing new would never learn that the hub lost its changes (see
        // `restoredHubNeedsFullUpload`).
        for round in 0..<2 {
            for i in sites.indices.dropFirst() { sync(i, cutAt: nil, full: round == 0 && hubRestored) }
        }
        check()
    }

    // MARK: Steps

    mutating func write() {
        let i = Int.random(in: (hubWrites ? 0 : 1)..<sites.count, using: &rng)
        let op = RandomWorkload.operation(ids: 6, deleteOdds: 25, using: &rng)
        do {
            if let fields = op.fields {
                written += try sites[i].replica.set(table: op.table, id: op.id, fields: fields, wallMillis: wall(i))
            } else {
                written.append(try sites[i].replica.delete(table: op.table, id: op.id, wallMillis: wall(i)))
            }
        } catch {
            #expect(error.isRecordGone, "seed \(seed): write refused: \(error)")
        }
    }

    /// A USB stick from one site to another.
    mutating func carry() {
        let i = Int.random(in: 0..<sites.count, using: &rng)
        var j = Int.random(in: 0..<(sites.count - 1), using: &rng)
        if j >= i { j += 1 }
        let full = Int.random(in: 0..<10, using: &rng) == 0
        let changes = sites[i].replica.changes(sites[i].replica.whatToSend(to: sites[j].name, full: full))
        guard !changes.isEmpty else { return }
        let bytes = stick(from: i, changes)
        if changes.contains(where: { $0.origin != sites[i].name && $0.origin != sites[j].name }) { seen.relayed += 1 }
        switch Int.random(in: 0..<100, using: &rng) {
        case 0..<12:
            seen.lost += 1  // the stick was lost
        case 12..<20:
            seen.damaged += 1
            var damaged = bytes
            if Bool.random(using: &rng) {
                damaged[Int.random(in: 0..<damaged.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
            } else {
                damaged.removeLast(Int.random(in: 1..<damaged.count, using: &rng))
            }
            let before = sites[j].replica
            #expect(throws: Stick.Damaged.self, "seed \(seed)") { try Stick.decode(damaged) }
            let unchanged = sites[j].replica == before
            #expect(unchanged, "seed \(seed): \(sites[j].name) changed")
        case 20..<26:
            // Part of the stick is missing: a hole in an origin's seqs is refused, nothing changes.
            let held = sites[j].replica.vector
            var last: [SiteName: UInt64] = [:]
            for c in changes { last[c.origin] = max(last[c.origin] ?? 0, c.seq) }
            guard let hole = changes.firstIndex(where: { $0.seq > held[$0.origin] && $0.seq < last[$0.origin]! }) else {
                return deliver(bytes, to: j)
            }
            seen.holed += 1
            var holed = changes
            holed.remove(at: hole)
            let before = sites[j].replica
            let ack = sites[i].replica.acknowledgement(wallMillis: wall(i))
            let missing = changes[hole]
            do {
                try sites[j].replica.receive([ReceivedBlock(changes: holed)], from: sites[i].name, acknowledging: ack, wallMillis: wall(j))
                Issue.record("seed \(seed): a holed delivery was accepted")
            } catch SyncRefusal.gap(let origin, let last, let first) {
                // A restored hub may lack more than the hole.
                if !(j == 0 && hubRestored) {
                    #expect(origin == missing.origin && last == missing.seq - 1 && first == missing.seq + 1, "seed \(seed)")
                }
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
            let unchanged = sites[j].replica == before
            #expect(unchanged, "seed \(seed): \(sites[j].name) changed")
        case 26..<40:
            seen.delayed += 1
            delayed.append((j, bytes))  // arrives later, out of order
        case 40..<47:
            // Two sticks at once, overlapping: this one and a full export.
            seen.doubled += 1
            let everything = sites[i].replica.changes(sites[i].replica.whatToSend(to: sites[j].name, full: true))
            deliver(stick(from: i, changes + everything), to: j)
        default:
            deliver(bytes, to: j)
            if Int.random(in: 0..<5, using: &rng) == 0 {
                seen.replayed += 1
                let before = sites[j].replica.records
                deliver(bytes, to: j)  // the same stick twice
                let unchanged = sites[j].replica.records == before
                #expect(unchanged, "seed \(seed): a replay changed \(sites[j].name)")
            }
        }
    }

    /// Changes cut into 1 to 3 blocks (kept whole or re-sorted by the receiver), framed.
    mutating func stick(from i: Int, _ changes: [Change]) -> [UInt8] {
        var cuts = (0..<Int.random(in: 0...2, using: &rng)).map { _ in Int.random(in: 0...changes.count, using: &rng) }.sorted()
        cuts = [0] + cuts + [changes.count]
        let blocks = zip(cuts, cuts.dropFirst()).compactMap { a, b in a < b ? ChangeBlock.encode(Array(changes[a..<b])) : nil }
        return Stick.encode(from: sites[i].name, sites[i].replica.acknowledgement(wallMillis: wall(i)), blocks: blocks)
    }

    mutating func deliver(_ bytes: [UInt8], to j: Int) {
        do {
            let stick = try Stick.decode(bytes)
            let before = sites[j].replica
            do {
                try sites[j].replica.receive(stick.blocks, from: stick.sender, acknowledging: stick.acknowledgement, wallMillis: wall(j))
            } catch SyncRefusal.gap where j == 0 && hubRestored {
                // The restored hub lost what the sender counted on: refused whole, sent again later.
                let unchanged = sites[j].replica == before
            #expect(unchanged, "seed \(seed): \(sites[j].name) changed")
            }
        } catch {
            Issue.record("seed \(seed): delivery to \(sites[j].name) refused: \(error)")
        }
    }

    /// What the in-memory transport of a sync carries: no bytes, nothing to damage.
    struct Delivery {
        var sender: SiteName
        var acknowledgement: Acknowledgement
        var blocks: [ReceivedBlock]
    }

    /// An office's exchange with the hub, driven through the `Exchange` machine; `cutAt` cuts the
    /// connection before that action.
    mutating func sync(_ o: Int, cutAt: Int? = nil, full: Bool = false) {
        guard o < sites.count else { return }
        var machine = Exchange<Delivery, MemoryReplica.Receipt>(full: full)
        var pending = machine.receive(.started)
        var step = 0
        while !pending.isEmpty {
            let action = pending.removeFirst()
            step += 1
            if step == cutAt, !machine.isOver {
                seen.cut += 1
                pending = machine.receive(.failed(Schedule.Cut()))
                continue
            }
            let event: Exchange<Delivery, MemoryReplica.Receipt>.Event?
            switch action {
            case .makeBundle(let full):
                let changes = sites[o].replica.changes(sites[o].replica.whatToSend(to: .hub, full: full))
                let delivery = Delivery(sender: sites[o].name, acknowledgement: sites[o].replica.acknowledgement(wallMillis: wall(o)),
                                        blocks: [ReceivedBlock(changes: changes)])
                event = changes.isEmpty ? .nothingToSend(vector: sites[o].replica.vector)
                    : .bundleMade(delivery, changes: changes.count, vector: sites[o].replica.vector)
            case .send(let delivery):
                do {
                    let receipt = try sites[0].replica.receive(delivery.blocks, from: delivery.sender,
                                                               acknowledging: delivery.acknowledgement, wallMillis: wall(0))
                    event = .uploadAccepted(applied: receipt.applied, acknowledgement: sites[0].replica.acknowledgement(wallMillis: wall(0)))
                } catch let refusal as SyncRefusal {
                    if case .gap = refusal { event = .uploadRefusedAsGap(refusal) } else { event = .uploadRefused(refusal) }
                } catch {
                    event = .uploadRefused(error)
                }
            case .remember(let acknowledgement):
                sites[o].replica.acknowledge(peer: .hub, acknowledgement, wallMillis: wall(o))
                event = nil
            case .requestDownload(let have):
                sites[0].replica.acknowledge(peer: sites[o].name, Acknowledgement(vector: have, writtenAt: wall(o)), wallMillis: wall(0))
                let changes = sites[0].replica.changes(WhatToSend(ours: sites[0].replica.vector, acknowledged: have))
                // The hub says what it holds on both answers (protocol.md §6.3).
                let holds = sites[0].replica.acknowledgement(wallMillis: wall(0))
                event = changes.isEmpty ? .nothingToDownload(peerHolds: holds)
                    : .downloaded(Delivery(sender: .hub, acknowledgement: holds, blocks: [ReceivedBlock(changes: changes)]),
                                  peerHolds: holds)
            case .merge(let delivery):
                do {
                    event = .merged(try sites[o].replica.receive(delivery.blocks, from: delivery.sender,
                                                                 acknowledging: delivery.acknowledgement, wallMillis: wall(o)))
                } catch {
                    event = .failed(error)
                }
            case .finish(let report):
                if report.resentInFull { seen.resentInFull += 1 }
                event = nil
            case .fail(let error):
                if !(error is Schedule.Cut) { Issue.record("seed \(seed): sync of \(sites[o].name) failed: \(error)") }
                event = nil
            }
            if let event { pending += machine.receive(event) }
        }
        if cutAt == nil { #expect(machine.state == .finished, "seed \(seed): sync of \(sites[o].name)") }
    }

    // MARK: The verdict

    mutating func check() {
        var reference = RecordSet(schema: .current)
        for change in written {
            do { try reference.apply(change) } catch { Issue.record("seed \(seed): \(error)") }
        }
        for site in sites {
            if site.replica.conflicts.contains(where: { $0.winner.value == nil }) { seen.deleteBeatEdit += 1 }
            let converged = site.replica.records == reference  // not inside #expect: it would print both sets
            #expect(converged, "seed \(seed): \(site.name) differs from the reference (hub restored: \(hubRestored))")
            #expect(site.replica.vector.total == UInt64(written.count), "seed \(seed): \(site.name)")
            #expect(site.replica.log.allSatisfy { UInt64($0.value.count) == site.replica.vector[$0.key] }, "seed \(seed): \(site.name)")
        }
    }
}

/// This suite's framing of a delivery: sender, its acknowledgement, change blocks, then an FNV-1a
/// checksum of everything before it. Any flipped byte or truncation is refused before decoding.
enum Stick {
    struct Damaged: Error {}

    static func encode(from sender: SiteName, _ acknowledgement: Acknowledgement, blocks: [[UInt8]]) -> [UInt8] {
        var out = ByteWriter()
        out.string(sender.rawValue)
        out.varint(acknowledgement.writtenAt)
        out.varint(UInt64(acknowledgement.vector.entries.count))
        for (site, seq) in acknowledgement.vector.sorted {
            out.string(site.rawValue)
            out.varint(seq)
        }
        out.varint(UInt64(blocks.count))
        for block in blocks {
            out.varint(UInt64(block.count))
            out.raw(block)
        }
        out.uint64BE(checksum(out.bytes[...]))
        return out.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(Damaged) -> (sender: SiteName, acknowledgement: Acknowledgement, blocks: [ReceivedBlock]) {
        guard bytes.count >= 8 else { throw Damaged() }
        do {
            var tail = ByteReader(bytes, offset: bytes.count - 8)
            guard try tail.uint64BE() == checksum(bytes[..<(bytes.count - 8)]) else { throw Damaged() }
            var r = ByteReader(bytes, end: bytes.count - 8)
            let sender = SiteName(unchecked: try r.string())
            let writtenAt = try r.varint()
            var entries: [SiteName: UInt64] = [:]
            for _ in 0..<(try r.count(max: r.remaining)) { entries[SiteName(unchecked: try r.string())] = try r.varint() }
            var blocks: [ReceivedBlock] = []
            for _ in 0..<(try r.count(max: r.remaining)) {
                let block = Array(try r.raw(try r.count(max: r.remaining)))
                blocks.append(ReceivedBlock(changes: try ChangeBlock.decode(block), encoded: block))
            }
            guard r.isAtEnd else { throw Damaged() }
            return (sender, Acknowledgement(vector: VersionVector(entries), writtenAt: writtenAt), blocks)
        } catch {
            throw Damaged()
        }
    }

    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
        return hash
    }
}
