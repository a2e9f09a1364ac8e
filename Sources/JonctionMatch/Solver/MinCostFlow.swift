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
/// their price to make one (relabel). Lower bounds are moved into the supplies beforehand.
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
            // A node's price drops by at most about 3·n·ε_previous in a refine of a feasible network
            // (Goldberg & Tarjan); twice that is a safe sign of infeasibility.
            let drop = min(Int.max / 4, 6 * (n + 1) * previous + 2 * epsilon)
            let floor = price.map { $0 - drop }
            var queue: [Int32] = []
            var queued = [Bool](repeating: false, count: n)
            for v in 0..<n where excess[v] > 0 {
                queue.append(Int32(v))
                queued[v] = true
            }
            var current = Array(first.dropLast())
            var front = 0
            while front < queue.count {
                let v = Int(queue[front])
                front += 1
                queued[v] = false
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
                                if excess[w] > 0 && !queued[w] {
                                    queue.append(Int32(w))
                                    queued[w] = true
                                }
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
                }
                if front > 1 << 20 && front * 2 > queue.count {
                    queue.removeFirst(front)
                    front = 0
                }
            }
            return true
        }
    }
}
