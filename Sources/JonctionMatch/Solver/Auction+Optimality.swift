extension Auction {
    // MARK: Optimality test

    /// Tries to turn the current ε-optimal prices into exact ones for the same assignment, and
    /// applies them if it can: the assignment is then optimal (exact complementary slackness) and
    /// the remaining scales can be skipped. In markets full of ties this happens long before ε
    /// reaches 1, while the prices still look ε-wide.
    ///
    /// Label-correcting shortest paths on the residual graph from a virtual source joined to every
    /// node, with reduced costs as lengths (so every distance starts at 0 and only falls), most
    /// negative label first. Exact prices exist iff there is no negative cycle; once per pass over
    /// the arcs, a cycle among the parent pointers proves one and ends the test, as does running
    /// out of `budget` relaxations. Nothing changes unless the test succeeds.
    func provenOptimal(budget: Int) -> Bool {
        let rowStart = g.rowStart, arcs = g.arcs, capacity = g.capacity
        let price = price, scale = scale, m = m, n = n
        optimalityTests += 1
        // Node codes: opportunities 0..<m, persons m..<m+n, and S = m+n, the sink of the network.
        let sink = m + n
        if potential.count < sink + 1 {
            potential = [Int](repeating: 0, count: sink + 1)
            parent = [Int32](repeating: -1, count: sink + 1)
            walk = [Int](repeating: 0, count: sink + 1)
        }
        for c in 0...sink {
            potential[c] = 0
            parent[c] = -1
            walk[c] = 0
        }
        let pass = g.arcCount + n + m
        var work = 0, nextCheck = pass, walkID = 0
        var from = 0
        labels.removeAll(keepingCapacity: true)
        @inline(__always) func lower(_ c: Int, _ d: Int) {
            guard d < potential[c] else { return }
            potential[c] = d
            parent[c] = Int32(from)
            labels.append((d, Int32(c)))
            var at = labels.count - 1
            while at > 0 {
                let up = (at - 1) / 2
                guard labels[up].key > d else { break }
                labels[at] = labels[up]
                at = up
            }
            labels[at] = (d, Int32(c))
        }
        // Every person first (label 0), then the labels that fell, lowest first.
        var next = 0
        while true {
            if work > budget { return false }
            if work > nextCheck {
                nextCheck = work + pass
                if parentsHaveCycle(&walkID) { return false }
            }
            let c: Int
            if next < n {
                c = m + next
                next += 1
            } else {
                guard let top = popLabel() else { break }
                c = Int(top.code)
                if top.key != potential[c] { continue }
            }
            from = c
            let dc = potential[c]
            if c < m {
                // An opportunity's holders may leave it; if it has a free place, it may send one to S.
                let j = c, pj = price[j], base = slotStart[j]
                work += Int(occupancy[j]) + 1
                for s in base..<base + Int(occupancy[j]) { lower(m + Int(heapPerson[s]), dc + heapKey[s] - pj) }
                if occupancy[j] < capacity[j] { lower(sink, dc - pj) }
            } else if c < sink {
                // A person may take any other arc; a placed one may also leave for S (unplaced).
                let i = c - m
                let own = Int(assigned[i])
                let u = own >= 0 ? profit[i] : 0
                work += Int(rowStart[i + 1] - rowStart[i]) + 1
                for a in Int(rowStart[i])..<Int(rowStart[i + 1]) where a != own {
                    let arc = arcs[a]
                    lower(Int(arc.target), dc + u + price[Int(arc.target)] - Int(arc.score) &* scale)
                }
                if own >= 0 { lower(sink, dc + u) }
            } else {
                // S may send back to an unplaced person or take a seat back from an occupied opportunity.
                work += n + m
                for i in 0..<n where assigned[i] == Auction.unplaced { lower(m + i, dc) }
                for j in 0..<m where occupancy[j] > 0 { lower(j, dc + price[j]) }
            }
        }
        // Exact prices: shift so that S stays at 0, then apply.
        let base = potential[sink]
        for j in 0..<m { price[j] = max(0, price[j] - (potential[j] - base)) }
        for i in 0..<n where assigned[i] >= 0 { profit[i] += potential[m + i] - base }
        rekeyHeaps()
        return true
    }

    private func popLabel() -> (key: Int, code: Int32)? {
        guard let top = labels.first else { return nil }
        let last = labels.removeLast()
        let count = labels.count
        if count > 0 {
            var at = 0
            while true {
                var child = 2 * at + 1
                guard child < count else { break }
                if child + 1 < count && labels[child + 1].key < labels[child].key { child += 1 }
                guard labels[child].key < last.key else { break }
                labels[at] = labels[child]
                at = child
            }
            labels[at] = last
        }
        return top
    }

    /// Walks up the parent pointers from every node, each node once: meeting the current walk
    /// again is a cycle.
    private func parentsHaveCycle(_ walkID: inout Int) -> Bool {
        let checkBase = walkID
        for start in 0..<potential.count where walk[start] <= checkBase {
            walkID += 1
            var c = start
            while c >= 0 {
                let w = walk[c]
                if w == walkID { return true }
                if w > checkBase { break }
                walk[c] = walkID
                c = Int(parent[c])
            }
        }
        return false
    }

    // MARK: Certificate

    /// Dual bound minus primal value, both multiplied by K; below K proves the assignment optimal.
    func dualGap() -> Int {
        var dual = 0, primal = 0
        for j in 0..<m {
            if price[j] < 0 || (price[j] > 0 && occupancy[j] < g.capacity[j]) { return Int.max }
            dual += Int(g.capacity[j]) * price[j]
        }
        for i in 0..<n {
            var best = 0
            for a in Int(g.rowStart[i])..<Int(g.rowStart[i + 1]) {
                best = max(best, weight(a) - price[Int(g.arcs[a].target)])
            }
            dual += best
            if assigned[i] >= 0 { primal += weight(Int(assigned[i])) }
        }
        return dual - primal
    }

    /// The first broken invariant of ε-slackness, or nil (for the tests). `settled`: at the end of
    /// a scale, when free places must have price 0.
    func violation(_ epsilon: Int, settled: Bool) -> String? {
        for j in 0..<m {
            if price[j] < 0 { return "price[\(j)] = \(price[j]) < 0" }
            if settled && occupancy[j] < g.capacity[j] && price[j] > 0 { return "free place at \(j) with price \(price[j])" }
            let base = slotStart[j]
            for s in base..<base + Int(occupancy[j]) {
                let h = Int(heapPerson[s])
                if Int(heapIndex[h]) != s { return "heap index of \(h)" }
                guard assigned[h] >= 0, Int(g.arcs[Int(assigned[h])].target) == j else { return "holder \(h) of \(j) not assigned there" }
                if heapKey[s] != weight(Int(assigned[h])) - profit[h] { return "key of \(h)" }
                if heapKey[s] < price[j] { return "holder \(h) of \(j) pays \(heapKey[s]) < price \(price[j])" }
                if s > base && heapKey[base + (s - base - 1) / 2] > heapKey[s] { return "heap order at \(j)" }
            }
        }
        for i in 0..<n {
            let own = Int(assigned[i])
            if own == Int(Auction.bidding) { continue }
            let u = own >= 0 ? profit[i] : 0
            if own >= 0 && u < 0 { return "person \(i) profit \(u) < 0" }
            for a in Int(g.rowStart[i])..<Int(g.rowStart[i + 1]) where a != own {
                let v = weight(a) - price[Int(g.arcs[a].target)]
                if v - epsilon > u { return "person \(i) (arc \(own)) values arc \(a) at \(v) > profit \(u) + ε" }
            }
        }
        return nil
    }
}
