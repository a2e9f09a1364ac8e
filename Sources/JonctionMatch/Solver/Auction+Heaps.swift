/// Each opportunity keeps its holders in a binary min-heap of payments, inside its own slice of
/// `heapKey`/`heapPerson`, so that pushing out the lowest payer and the price (the lowest payment
/// of a full opportunity) cost O(log capacity); `heapIndex` lets the reverse auction take any
/// holder out.
extension Auction {

    @inline(__always) func heapInsert(base: Int, size: Int, key: Int, person: Int32) {
        let at = base + size
        heapKey[at] = key
        heapPerson[at] = person
        heapIndex[Int(person)] = Int32(at)
        siftUp(base: base, at: at)
    }

    @inline(__always) func siftUp(base: Int, at start: Int) {
        var at = start
        let key = heapKey[at], person = heapPerson[at]
        while at > base {
            let parent = base + (at - base - 1) / 2
            guard heapKey[parent] > key else { break }
            heapKey[at] = heapKey[parent]
            heapPerson[at] = heapPerson[parent]
            heapIndex[Int(heapPerson[at])] = Int32(at)
            at = parent
        }
        heapKey[at] = key
        heapPerson[at] = person
        heapIndex[Int(person)] = Int32(at)
    }

    @inline(__always) func siftDown(base: Int, size: Int, at start: Int) {
        var at = start
        let key = heapKey[at], person = heapPerson[at]
        let end = base + size
        while true {
            var child = base + 2 * (at - base) + 1
            guard child < end else { break }
            if child + 1 < end && heapKey[child + 1] < heapKey[child] { child += 1 }
            guard heapKey[child] < key else { break }
            heapKey[at] = heapKey[child]
            heapPerson[at] = heapPerson[child]
            heapIndex[Int(heapPerson[at])] = Int32(at)
            at = child
        }
        heapKey[at] = key
        heapPerson[at] = person
        heapIndex[Int(person)] = Int32(at)
    }

    func heapRemove(base: Int, size: Int, at: Int) {
        let last = base + size - 1
        guard at != last else { return }
        heapKey[at] = heapKey[last]
        heapPerson[at] = heapPerson[last]
        heapIndex[Int(heapPerson[at])] = Int32(at)
        siftDown(base: base, size: size - 1, at: at)
        siftUp(base: base, at: at)
    }

    /// Restores the heap order of opportunity j after its keys changed, and the heap indexes.
    func heapify(_ j: Int) {
        let base = slotStart[j], size = Int(occupancy[j])
        if size > 1 {
            for s in stride(from: size / 2 - 1, through: 0, by: -1) { siftDown(base: base, size: size, at: base + s) }
        }
        for s in base..<base + size { heapIndex[Int(heapPerson[s])] = Int32(s) }
    }

    /// Recomputes every payment from the profits (after a price update moved them) and re-heaps.
    func rekeyHeaps() {
        for j in 0..<m {
            let base = slotStart[j]
            for s in base..<base + Int(occupancy[j]) {
                let h = Int(heapPerson[s])
                heapKey[s] = weight(Int(assigned[h])) - profit[h]
            }
            heapify(j)
        }
    }
}
