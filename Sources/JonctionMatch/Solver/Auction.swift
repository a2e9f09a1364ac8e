/// The ε-scaling auction behind ``AssignmentSolver`` (Bertsekas' forward–reverse auction for
/// asymmetric problems, with the global price updates of Goldberg's cost scaling).
///
/// Candidates are persons, opportunities are objects with `capacity` places, and each person may
/// stay unplaced at value 0. Scores are multiplied by K = n + 1. Each opportunity j has one price
/// `price[j]`; each placed person i a profit `profit[i]` and a payment `w_ij·K − profit[i]`, kept in
/// its opportunity's heap (lowest payment on top) and never below `price[j]`.
///
/// ε-slackness, which every scale ends with:
/// - a placed person's profit is at least 0 and at least the value `w·K − price` of each of its
///   other arcs minus ε;
/// - an unplaced person values no arc above ε;
/// - an opportunity with a free place has price 0.
/// The dual bound Σᵢ max(0, best value) + Σⱼ capacity·price then exceeds the primal by at most n·ε
/// (payments at least the price make the own arc's slack 0), so once ε = 1 the gap is below K and
/// the primal, a multiple of K, is optimal. `dualGap()` recomputes this certificate.
///
/// A scale: persons that break ε-slackness are unassigned and bid in turn (forward auction: take
/// the best arc, pay up to the second best plus ε, push out the lowest payer if full); then places
/// left free at a positive price lower it and pull the persons that gain at least ε from coming
/// (reverse auction), with a global price update now and then so that these chains head for
/// unplaced persons and cheap opportunities instead of wandering. Between scales, an exact
/// optimality test (`provenOptimal`) often ends the work early: in markets full of ties the
/// assignment is optimal long before ε reaches 1.
final class Auction {
    let g: GraphStorage
    let n: Int
    let m: Int
    /// Score multiplier: n + 1 makes the ε = 1 scale exact.
    let scale: Int
    let price: UnsafeMutablePointer<Int>
    let occupancy: UnsafeMutablePointer<Int32>
    /// Heap of opportunity j's holders at `slotStart[j]..<slotStart[j] + occupancy[j]`.
    let slotStart: UnsafeMutablePointer<Int>
    let heapKey: UnsafeMutablePointer<Int>
    let heapPerson: UnsafeMutablePointer<Int32>
    let profit: UnsafeMutablePointer<Int>
    /// Arc of each person (index in the graph), or `Auction.unplaced`, or `Auction.bidding`.
    let assigned: UnsafeMutablePointer<Int32>
    /// Where each placed person sits in its opportunity's heap.
    let heapIndex: UnsafeMutablePointer<Int32>
    /// Persons waiting to bid, a ring of n.
    let queue: UnsafeMutablePointer<Int32>
    var queueHead = 0
    var queueCount = 0

    // Reverse auction and global updates (Auction+Reverse.swift).
    let reverseQueue: UnsafeMutablePointer<Int32>
    let inReverseQueue: UnsafeMutablePointer<Bool>
    var reverseCandidates: [(gain: Int, person: Int32, arc: Int32)] = []
    /// Distances of the global update, in units of ε, and the round that set them.
    let objectDistance: UnsafeMutablePointer<Int>
    let personDistance: UnsafeMutablePointer<Int>
    let objectStamp: UnsafeMutablePointer<Int32>
    let personStamp: UnsafeMutablePointer<Int32>
    let objectSettled: UnsafeMutablePointer<Int32>
    let personSettled: UnsafeMutablePointer<Int32>
    var round: Int32 = 0
    var bucketHead: [Int32] = []
    var bucketCode: [Int32] = []
    var bucketNext: [Int32] = []

    // Optimality test (Auction+Optimality.swift).
    var potential: [Int] = []
    var parent: [Int32] = []
    var walk: [Int] = []
    var labels: [(key: Int, code: Int32)] = []

    static let unplaced: Int32 = -1
    static let bidding: Int32 = -2
    /// ε is divided by this between scales.
    static let epsilonFactor = 8

    /// Work counters, for the benchmark and the tests.
    var bids = 0
    var reverseSteps = 0
    var globalUpdates = 0
    var scales = 0
    var optimalityTests = 0

    init(_ g: GraphStorage) {
        self.g = g
        n = g.n
        m = g.m
        scale = g.n + 1
        price = .allocate(capacity: max(m, 1))
        price.initialize(repeating: 0, count: m)
        occupancy = .allocate(capacity: max(m, 1))
        occupancy.initialize(repeating: 0, count: m)
        slotStart = .allocate(capacity: m + 1)
        slotStart[0] = 0
        for j in 0..<m { slotStart[j + 1] = slotStart[j] + Int(g.capacity[j]) }
        heapKey = .allocate(capacity: max(slotStart[m], 1))
        heapPerson = .allocate(capacity: max(slotStart[m], 1))
        profit = .allocate(capacity: max(n, 1))
        profit.initialize(repeating: 0, count: n)
        assigned = .allocate(capacity: max(n, 1))
        assigned.initialize(repeating: Auction.bidding, count: n)
        heapIndex = .allocate(capacity: max(n, 1))
        queue = .allocate(capacity: max(n, 1))
        for i in 0..<n { queue[i] = Int32(i) }
        queueCount = n
        reverseQueue = .allocate(capacity: max(m, 1))
        inReverseQueue = .allocate(capacity: max(m, 1))
        inReverseQueue.initialize(repeating: false, count: m)
        objectDistance = .allocate(capacity: max(m, 1))
        personDistance = .allocate(capacity: max(n, 1))
        objectStamp = .allocate(capacity: max(m, 1))
        objectStamp.initialize(repeating: 0, count: m)
        personStamp = .allocate(capacity: max(n, 1))
        personStamp.initialize(repeating: 0, count: n)
        objectSettled = .allocate(capacity: max(m, 1))
        objectSettled.initialize(repeating: 0, count: m)
        personSettled = .allocate(capacity: max(n, 1))
        personSettled.initialize(repeating: 0, count: n)
    }

    deinit {
        price.deallocate()
        occupancy.deallocate()
        slotStart.deallocate()
        heapKey.deallocate()
        heapPerson.deallocate()
        profit.deallocate()
        assigned.deallocate()
        heapIndex.deallocate()
        queue.deallocate()
        reverseQueue.deallocate()
        inReverseQueue.deallocate()
        objectDistance.deallocate()
        personDistance.deallocate()
        objectStamp.deallocate()
        personStamp.deallocate()
        objectSettled.deallocate()
        personSettled.deallocate()
    }

    @inline(__always) func weight(_ arc: Int) -> Int { Int(g.arcs[arc].score) &* scale }

    func run() {
        guard n > 0, g.arcCount > 0 else {
            for i in 0..<n { assigned[i] = Auction.unplaced }
            return
        }
        var epsilon = max(1, g.maxScore * scale / Auction.epsilonFactor)
        var previousValue = -1
        while true {
            scales += 1
            forward(epsilon)
            repair(epsilon)
            if epsilon == 1 { break }
            // Worth testing after the first scale (ties: often optimal already) and whenever a
            // scale left the total unchanged; a failed test costs at most six passes over the arcs, usually two.
            let value = primalValue()
            if scales == 1 || value == previousValue, provenOptimal(budget: 6 * (g.arcCount + n + m)) { break }
            previousValue = value
            lowerPrices(by: epsilon)
            epsilon = max(1, epsilon / Auction.epsilonFactor)
            restart(epsilon)
        }
        assert(dualGap() < scale, "the auction stopped short of the optimum")
    }

    func primalValue() -> Int {
        var total = 0
        for i in 0..<n where assigned[i] >= 0 { total += Int(g.arcs[Int(assigned[i])].score) }
        return total
    }

    // MARK: Forward auction

    @inline(__always) func enqueue(_ i: Int32) {
        var at = queueHead + queueCount
        if at >= n { at -= n }
        queue[at] = i
        queueCount += 1
    }

    func forward(_ epsilon: Int) {
        let rowStart = g.rowStart, arcs = g.arcs, capacity = g.capacity
        let price = price, scale = scale
        while queueCount > 0 {
            let i = Int(queue[queueHead])
            queueHead += 1
            if queueHead == n { queueHead = 0 }
            queueCount -= 1
            bids += 1
            // Best and second best values, staying unplaced (value 0) included.
            var v1 = 0, v2 = Int.min, best = -1
            for a in Int(rowStart[i])..<Int(rowStart[i + 1]) {
                let arc = arcs[a]
                let v = Int(arc.score) &* scale &- price[Int(arc.target)]
                if v > v1 {
                    v2 = v1
                    v1 = v
                    best = a
                } else if v > v2 {
                    v2 = v
                }
            }
            // Within ε of staying unplaced: stay (ε-slackness allows it), so that no placed person
            // ever has a negative profit, which the next, finer scale would have to push out.
            guard best >= 0, v1 > epsilon else {
                assigned[i] = Auction.unplaced
                profit[i] = 0
                continue
            }
            let j = Int(arcs[best].target)
            let u = max(v2 &- epsilon, 0)
            profit[i] = u
            assigned[i] = Int32(best)
            let key = Int(arcs[best].score) &* scale &- u
            let base = slotStart[j]
            let size = Int(occupancy[j])
            if size < Int(capacity[j]) {
                heapInsert(base: base, size: size, key: key, person: Int32(i))
                occupancy[j] += 1
                if size + 1 == Int(capacity[j]) { price[j] = heapKey[base] }
            } else {
                let out = heapPerson[base]
                heapKey[base] = key
                heapPerson[base] = Int32(i)
                heapIndex[i] = Int32(base)
                siftDown(base: base, size: size, at: base)
                price[j] = heapKey[base]
                assigned[Int(out)] = Auction.bidding
                enqueue(out)
            }
        }
    }

    /// Lowers every price by up to `amount` (not at all if an occupied opportunity is cheaper) and
    /// raises every placed profit by as much: values relative to each other are unchanged, but
    /// unplaced persons see the whole market cheaper and come back to bid, instead of leaving
    /// places free that the reverse auction would have to fill one chain at a time.
    func lowerPrices(by amount: Int) {
        var delta = amount
        for j in 0..<m where occupancy[j] > 0 { delta = min(delta, price[j]) }
        guard delta > 0 else { return }
        for j in 0..<m { price[j] = max(0, price[j] - delta) }
        for i in 0..<n where assigned[i] >= 0 { profit[i] += delta }
    }

    /// Between scales: keeps every person that still satisfies ε-slackness (raising its profit to
    /// the lowest value that does), queues the others, and rebuilds the heaps with the new payments.
    func restart(_ epsilon: Int) {
        let rowStart = g.rowStart, arcs = g.arcs, capacity = g.capacity
        let price = price, scale = scale
        for i in 0..<n {
            let own = Int(assigned[i])
            var alternative = 0
            for a in Int(rowStart[i])..<Int(rowStart[i + 1]) where a != own {
                let arc = arcs[a]
                alternative = max(alternative, Int(arc.score) &* scale &- price[Int(arc.target)])
            }
            if own < 0 {
                if alternative > epsilon {
                    assigned[i] = Auction.bidding
                    enqueue(Int32(i))
                }
                continue
            }
            let ownValue = weight(own) - price[Int(arcs[own].target)]
            if alternative - epsilon > ownValue {
                assigned[i] = Auction.bidding
                enqueue(Int32(i))
            } else {
                profit[i] = max(profit[i], alternative - epsilon)
            }
        }
        for j in 0..<m {
            let base = slotStart[j]
            var size = 0
            for s in base..<base + Int(occupancy[j]) {
                let p = Int(heapPerson[s])
                let a = Int(assigned[p])
                guard a >= 0 else { continue }
                heapPerson[base + size] = Int32(p)
                heapKey[base + size] = weight(a) - profit[p]
                size += 1
            }
            occupancy[j] = Int32(size)
            heapify(j)
            if size > 0 && size == Int(capacity[j]) { price[j] = max(price[j], heapKey[base]) }
        }
    }

    // MARK: Result

    func assignment() -> Assignment {
        var arcOf = [Int32](repeating: -1, count: n)
        var opportunityOf = [Int32](repeating: -1, count: n)
        var total = 0, placed = 0
        for i in 0..<n {
            let a = Int(assigned[i])
            guard a >= 0 else { continue }
            arcOf[i] = g.original[a]
            opportunityOf[i] = g.arcs[a].target
            total += Int(g.arcs[a].score)
            placed += 1
        }
        return Assignment(arcOf: arcOf, opportunityOf: opportunityOf, totalScore: total, placed: placed)
    }
}
