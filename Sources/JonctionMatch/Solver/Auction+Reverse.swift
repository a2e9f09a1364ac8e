extension Auction {
    /// Reverse auction (Bertsekas): an opportunity with free places at a positive price lowers it
    /// just enough to pull the persons that gain at least ε from coming, possibly emptying a seat
    /// elsewhere, which then does the same, until every free place has price 0. In a tight market
    /// these chains wander; a global price update every so often (at least as many steps as
    /// there were such opportunities, and m/4) points them downhill.
    func repair(_ epsilon: Int) {
        let capacity = g.capacity, arcs = g.arcs
        var head = 0, count = 0
        for j in 0..<m where occupancy[j] < capacity[j] && price[j] > 0 {
            reverseQueue[count] = Int32(j)
            inReverseQueue[j] = true
            count += 1
        }
        var sinceUpdate = 0
        let updateEvery = max(count, m / 4)
        while count > 0 {
            let j = Int(reverseQueue[head])
            head += 1
            if head == m { head = 0 }
            count -= 1
            inReverseQueue[j] = false
            let free = Int(capacity[j] - occupancy[j])
            guard free > 0, price[j] > 0 else { continue }
            reverseSteps += 1
            sinceUpdate += 1
            if sinceUpdate >= updateEvery {
                sinceUpdate = 0
                globalUpdate(epsilon)
                guard occupancy[j] < capacity[j], price[j] > 0 else { continue }
            }
            reverseCandidates.removeAll(keepingCapacity: true)
            for e in Int(g.colStart[j])..<Int(g.colStart[j + 1]) {
                let i = Int(g.colPerson[e]), arc = Int(g.colArc[e])
                let own = Int(assigned[i])
                var u = 0
                if own >= 0 {
                    let k = Int(arcs[own].target)
                    if k == j { continue }
                    // Leaving k must not make k worth more than ε above the new profit: raise the
                    // profit to that floor first (allowed: it still pays at least k's price).
                    u = profit[i]
                    let floor = weight(own) - price[k] - epsilon
                    if floor > u {
                        u = floor
                        profit[i] = u
                        let at = Int(heapIndex[i])
                        heapKey[at] = weight(own) - u
                        siftUp(base: slotStart[k], at: at)
                    }
                }
                let gain = weight(arc) - u
                if gain >= epsilon { reverseCandidates.append((gain, Int32(i), Int32(arc))) }
            }
            var newPrice = 0
            var pulled = reverseCandidates.count
            if pulled > free {
                reverseCandidates.sort { $0.gain > $1.gain }
                newPrice = reverseCandidates[free].gain - epsilon
                pulled = free
            }
            price[j] = newPrice
            for c in 0..<pulled {
                let i = Int(reverseCandidates[c].person), arc = Int(reverseCandidates[c].arc)
                let own = Int(assigned[i])
                if own >= 0 {
                    let k = Int(arcs[own].target)
                    heapRemove(base: slotStart[k], size: Int(occupancy[k]), at: Int(heapIndex[i]))
                    occupancy[k] -= 1
                    if price[k] > 0 && !inReverseQueue[k] {
                        var at = head + count
                        if at >= m { at -= m }
                        reverseQueue[at] = Int32(k)
                        inReverseQueue[k] = true
                        count += 1
                    }
                }
                profit[i] = weight(arc) - newPrice
                assigned[i] = Int32(arc)
                heapInsert(base: slotStart[j], size: Int(occupancy[j]), key: newPrice, person: Int32(i))
                occupancy[j] += 1
            }
        }
    }

    // MARK: Global price update

    /// Distances from the unplaced persons and the occupied opportunities (which may give a seat
    /// up at the cost of their price) to every node of the residual graph, in units of ε and
    /// rounded down, by buckets (Dial); every profit then rises and every price falls by ε times
    /// its distance. ε-slackness holds after it (lengths are rounded down), and every free place
    /// now lies downhill from somewhere a reverse step can end, so reverse chains stop wandering.
    func globalUpdate(_ epsilon: Int) {
        let rowStart = g.rowStart, arcs = g.arcs
        let price = price, scale = scale, m = m, n = n
        let limit = min(n + m, 1 << 20)
        globalUpdates += 1
        round &+= 1
        let round = round
        if bucketHead.count < limit + 1 { bucketHead = [Int32](repeating: -1, count: limit + 1) }
        // Node codes: opportunities 0..<m, persons m..<m+n. Distances in objectDistance/personDistance.
        @inline(__always) func push(_ code: Int, _ d: Int) {
            if code < m {
                objectStamp[code] = round
                objectDistance[code] = d
            } else {
                personStamp[code - m] = round
                personDistance[code - m] = d
            }
            bucketCode.append(Int32(code))
            bucketNext.append(bucketHead[d])
            bucketHead[d] = Int32(bucketCode.count - 1)
        }
        bucketCode.removeAll(keepingCapacity: true)
        bucketNext.removeAll(keepingCapacity: true)
        for i in 0..<n where assigned[i] == Auction.unplaced { push(m + i, 0) }
        for j in 0..<m where occupancy[j] > 0 { push(j, min(limit, price[j] / epsilon)) }
        var b = 0
        while b <= limit {
            let entry = Int(bucketHead[b])
            if entry < 0 { b += 1; continue }
            let code = Int(bucketCode[entry])
            bucketHead[b] = bucketNext[entry]
            if code < m {
                let j = code
                guard objectDistance[j] == b, objectSettled[j] != round else { continue }
                objectSettled[j] = round
                let pj = price[j], base = slotStart[j]
                for s in base..<base + Int(occupancy[j]) {
                    let h = Int(heapPerson[s])
                    let d = b + (heapKey[s] - pj) / epsilon
                    if d <= limit && (personStamp[h] != round || d < personDistance[h]) { push(m + h, d) }
                }
            } else {
                let i = code - m
                guard personDistance[i] == b, personSettled[i] != round else { continue }
                personSettled[i] = round
                let own = Int(assigned[i])
                let u = own >= 0 ? profit[i] : 0
                for a in Int(rowStart[i])..<Int(rowStart[i + 1]) where a != own {
                    let arc = arcs[a], j = Int(arc.target)
                    let d = b + (u + price[j] - Int(arc.score) &* scale + epsilon) / epsilon
                    if d <= limit && (objectStamp[j] != round || d < objectDistance[j]) { push(j, d) }
                }
            }
        }
        for j in 0..<m {
            let d = objectSettled[j] == round ? objectDistance[j] : limit
            price[j] = max(0, price[j] - epsilon * d)
        }
        for i in 0..<n {
            let d = personSettled[i] == round ? personDistance[i] : limit
            guard d > 0, assigned[i] >= 0 else { continue }
            profit[i] += epsilon * d
        }
        rekeyHeaps()
    }
}
