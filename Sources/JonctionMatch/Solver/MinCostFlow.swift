/// A minimum-cost flow on a directed network with integer supplies, arc bounds and costs, solved
/// exactly by Goldberg's cost-scaling push–relabel method (Goldberg 1997, "An efficient
/// implementation of a scaling minimum-cost flow algorithm"; the method of OR-Tools'
/// `SimpleMinCostFlow` and LEMON's `CostScaling`).
///
/// The matching round uses it when the programme's shares do not fit the capacitated assignment
/// (`Matcher.solveWithQuotas`): maximum shares, and shares of the whole round's places. The
/// assignment solver stays the fast path for everything else.
///
/// Method, in the words of the code below: costs are multiplied by n + 1 (n nodes), so that an
/// ε-optimal flow with ε = 1 is optimal for the original costs. Starting from ε = the largest
/// scaled cost, each `refine` divides ε by `alpha` and turns the current ε-optimal flow into an
/// ε/alpha-optimal one: every residual arc of negative reduced cost is saturated, then nodes with
/// excess push it along admissible arcs (residual, reduced cost < 0) and, when none is left, lower
/// their price to make one (relabel); at the start of each refine and every 3n relabels, a price
/// update lowers all prices at once to the nodes' ε-distances to a deficit. Lower bounds are moved
/// into the supplies beforehand.
public struct MinCostFlow: Sendable {
    public private(set) var nodeCount: Int
    private var tails: [Int32] = []
    private var heads: [Int32] = []
    private var lowers: [Int32] = []
    private var uppers: [Int32] = []
    private var costs: [Int] = []
    private var supplies: [Int]

    /// The largest absolute cost an arc may carry. Costs are scaled by n + 1 and prices stay within
    /// about n times the largest scaled cost, so 64-bit prices cannot overflow below 2^22 nodes.
    public static let maxCost = 1 << 16
    public static let maxNodes = 1 << 22

    public init(nodes: Int) {
        precondition(nodes >= 0 && nodes <= Self.maxNodes)
        nodeCount = nodes
        supplies = [Int](repeating: 0, count: nodes)
    }

    public var arcCount: Int { tails.count }

    /// Adds a node and returns its index.
    public mutating func addNode() -> Int {
        precondition(nodeCount < Self.maxNodes)
        supplies.append(0)
        nodeCount += 1
        return nodeCount - 1
    }

    /// An arc from `tail` to `head` carrying between `lower` and `upper` units at `cost` each;
    /// returns its index (for `Solution.flow`). The caller's bounds: 0 ≤ lower ≤ upper < 2^31,
    /// |cost| ≤ `maxCost`.
    @discardableResult
    public mutating func addArc(from tail: Int, to head: Int, lower: Int = 0, upper: Int, cost: Int) -> Int {
        precondition(tail >= 0 && tail < nodeCount && head >= 0 && head < nodeCount)
        precondition(lower >= 0 && lower <= upper && upper <= Int(Int32.max) && abs(cost) <= Self.maxCost)
        tails.append(Int32(tail))
        heads.append(Int32(head))
        lowers.append(Int32(lower))
        uppers.append(Int32(upper))
        costs.append(cost)
        return tails.count - 1
    }

    /// Units `node` produces (positive) or consumes (negative).
    public mutating func setSupply(_ node: Int, _ supply: Int) {
        supplies[node] = supply
    }

    public struct Solution: Sendable, Equatable {
        /// Units on each arc, in the order the arcs were added.
        public var flow: [Int]
        /// The sum of flow × cost over the arcs.
        public var cost: Int
    }

    /// A flow meeting every supply and bound at the least total cost, or nil if none exists.
    public func solve() -> Solution? {
        var state = CostScaling(self)
        guard state.run() else { return nil }
        var flow = [Int](repeating: 0, count: arcCount)
        var total = 0
        for i in 0..<arcCount {
            // The reverse residual arc holds what the forward arc carries above its lower bound.
            flow[i] = Int(lowers[i]) + Int(state.residual[Int(state.reverseOf[i])])
            total += flow[i] * costs[i]
        }
        return Solution(flow: flow, cost: total)
    }

    /// The residual network and the push–relabel state.
    private struct CostScaling {
        let n: Int
        /// Residual arcs of node v: `first[v] ..< first[v + 1]`.
        var first: [Int]
        var head: [Int32]
        var residual: [Int32]
        var cost: [Int]
        /// The paired residual arc of each residual arc.
        var pair: [Int32]
        /// Per network arc, its reverse residual arc (whose residual capacity is the arc's flow).
        var reverseOf: [Int32]
        var excess: [Int]
        var price: [Int]
        var maxScaledCost = 0
        static let alpha = 8

        init(_ network: MinCostFlow) {
            n = network.nodeCount
            let m = network.arcCount
            var degree = [Int](repeating: 0, count: n + 1)
            for i in 0..<m {
                degree[Int(network.tails[i])] += 1
                degree[Int(network.heads[i])] += 1
            }
            first = [Int](repeating: 0, count: n + 1)
            for v in 0..<n { first[v + 1] = first[v] + degree[v] }
            var next = Array(first.dropLast())
            head = [Int32](repeating: 0, count: 2 * m)
            residual = [Int32](repeating: 0, count: 2 * m)
            cost = [Int](repeating: 0, count: 2 * m)
            pair = [Int32](repeating: 0, count: 2 * m)
            reverseOf = [Int32](repeating: 0, count: m)
            excess = network.supplies
            price = [Int](repeating: 0, count: n)
            let scale = n + 1
            for i in 0..<m {
                let t = Int(network.tails[i]), h = Int(network.heads[i])
                let forward = next[t]; next[t] += 1
                let backward = next[h]; next[h] += 1
                let c = network.costs[i] * scale
                head[forward] = Int32(h); residual[forward] = network.uppers[i] - network.lowers[i]; cost[forward] = c
                head[backward] = Int32(t); residual[backward] = 0; cost[backward] = -c
                pair[forward] = Int32(backward); pair[backward] = Int32(forward)
                reverseOf[i] = Int32(backward)
                excess[t] -= Int(network.lowers[i])
                excess[h] += Int(network.lowers[i])
                maxScaledCost = max(maxScaledCost, abs(c))
            }
        }

        /// Runs the scaling phases; false if no flow meets the supplies and bounds.
        mutating func run() -> Bool {
            guard excess.reduce(0, +) == 0 else { return false }
            var epsilon = maxScaledCost
            repeat {
                let previous = max(epsilon, 1)
                epsilon = max(1, epsilon / Self.alpha)
                guard refine(epsilon, previous: previous) else { return false }
            } while epsilon > 1
            return true
        }

        /// Makes the flow ε-optimal (see the type's comment). False when a node's price falls further
        /// than a feasible network allows: its excess can reach no deficit.
        private mutating func refine(_ epsilon: Int, previous: Int) -> Bool {
            // Saturate every residual arc of negative reduced cost.
            for v in 0..<n {
                let pv = price[v]
                for a in first[v]..<first[v + 1] where residual[a] > 0 && cost[a] + pv - price[Int(head[a])] < 0 {
                    let delta = residual[a]
                    residual[a] = 0
                    residual[Int(pair[a])] += delta
                    excess[v] -= Int(delta)
                    excess[Int(head[a])] += Int(delta)
                }
            }
            // A node's price drops by at most about (alpha + 1)·n·ε in a refine of a feasible network
            // (Goldberg & Tarjan); a few times that is a safe sign of infeasibility.
            let drop = Int(min(Double(Int.max / 4), 12 * Double(n + 1) * Double(previous) + 2 * Double(epsilon)))
            let floor = price.map { $0 - drop }
            var active = ActiveNodes(count: n)
            for v in 0..<n where excess[v] > 0 { active.push(v) }
            updatePrices(epsilon)
            assert(isEpsilonOptimal(epsilon), "price update broke ε-optimality")
            var relabels = 0
            var current = Array(first.dropLast())
            while let v = active.pop() {
                // Discharge v.
                while excess[v] > 0 {
                    var a = current[v]
                    let end = first[v + 1]
                    let pv = price[v]
                    while a < end {
                        if residual[a] > 0 {
                            let w = Int(head[a])
                            if cost[a] + pv - price[w] < 0 {
                                let delta = min(Int32(clamping: excess[v]), residual[a])
                                residual[a] -= delta
                                residual[Int(pair[a])] += delta
                                excess[v] -= Int(delta)
                                excess[w] += Int(delta)
                                if excess[w] > 0 { active.push(w) }
                                if excess[v] == 0 { break }
                            }
                        }
                        a += 1
                    }
                    current[v] = a
                    guard excess[v] > 0 else { break }
                    // Relabel: the highest price that makes some residual arc admissible.
                    var best = Int.min
                    var bestArc = -1
                    for b in first[v]..<end where residual[b] > 0 {
                        let candidate = price[Int(head[b])] - cost[b]
                        if candidate > best { best = candidate; bestArc = b }
                    }
                    guard bestArc >= 0 else { return false }
                    price[v] = best - epsilon
                    guard price[v] >= floor[v] else { return false }
                    current[v] = bestArc
                    relabels += 1
                    // Every 3n relabels, all prices at once (measured on the reference instance:
                    // half the time of no update; more often costs more than it saves).
                    if relabels % max(3 * n, 64) == 0 {
                        updatePrices(epsilon)
                        assert(isEpsilonOptimal(epsilon), "price update broke ε-optimality")
                        current = Array(first.dropLast())
                        break
                    }
                }
                if excess[v] > 0 { active.push(v) }
            }
            assert(isEpsilonOptimal(epsilon), "refine ended with a flow that is not ε-optimal")
            return true
        }

        /// Whether every residual arc has reduced cost ≥ −ε: the invariant of a refine, checked in
        /// debug builds (so the tests) after each price update and at the end of each refine.
        func isEpsilonOptimal(_ epsilon: Int) -> Bool {
            for v in 0..<n {
                for a in first[v]..<first[v + 1] where residual[a] > 0 && cost[a] + price[v] - price[Int(head[a])] < -epsilon {
                    return false
                }
            }
            return true
        }

        /// Goldberg's price update: each node's ε-distance d to a node with a deficit along residual
        /// arcs, an arc counting ⌊reduced cost / ε⌋ + 1 (0 when admissible), found by buckets from the
        /// deficits and stopped once every node with excess is reached; then p −= ε·d, the nodes not
        /// reached taking the last distance. The flow stays ε-optimal (d(v) ≤ d(w) + length of every
        /// residual arc v → w), and each node with excess gets an admissible path to a deficit.
        private mutating func updatePrices(_ epsilon: Int) {
            var remaining = 0
            var tentative = [Int32](repeating: Int32.max, count: n)
            var settled = [Bool](repeating: false, count: n)
            var buckets: [[Int32]] = [[]]
            for v in 0..<n {
                if excess[v] < 0 {
                    tentative[v] = 0
                    buckets[0].append(Int32(v))
                } else if excess[v] > 0 {
                    remaining += 1
                }
            }
            guard remaining > 0 else { return }
            let limit = Int32(clamping: n)
            var level = 0
            while level < buckets.count && remaining > 0 {
                var i = 0
                while i < buckets[level].count {
                    let w = Int(buckets[level][i])
                    i += 1
                    guard !settled[w], tentative[w] == Int32(level) else { continue }
                    settled[w] = true
                    if excess[w] > 0 { remaining -= 1 }
                    let pw = price[w]
                    // Residual arcs into w: the pairs of w's own arcs.
                    for b in first[w]..<first[w + 1] {
                        let a = Int(pair[b]), v = Int(head[b])
                        guard residual[a] > 0, !settled[v] else { continue }
                        let reduced = cost[a] + price[v] - pw
                        let length = reduced < 0 ? 0 : reduced / epsilon + 1
                        guard length <= Int(limit) - level else { continue }
                        let d = Int32(level + length)
                        if d < tentative[v] {
                            tentative[v] = d
                            while buckets.count <= Int(d) { buckets.append([]) }
                            buckets[Int(d)].append(Int32(v))
                        }
                    }
                }
                level += 1
            }
            for v in 0..<n {
                price[v] -= epsilon * (settled[v] ? Int(tentative[v]) : level)
            }
        }
    }

    /// The nodes with excess, first in first out, each at most once: a ring of n slots.
    private struct ActiveNodes {
        private var ring: [Int32]
        private var queued: [Bool]
        private var front = 0, count = 0

        init(count n: Int) {
            ring = [Int32](repeating: 0, count: max(n, 1))
            queued = [Bool](repeating: false, count: n)
        }

        /// Adds `v` unless it is already waiting.
        mutating func push(_ v: Int) {
            guard !queued[v] else { return }
            ring[(front + count) % ring.count] = Int32(v)
            count += 1
            queued[v] = true
        }

        mutating func pop() -> Int? {
            guard count > 0 else { return nil }
            let v = Int(ring[front])
            front = (front + 1) % ring.count
            count -= 1
            queued[v] = false
            return v
        }
    }
}
