import Foundation

extension AssignmentProblem {
    /// Reads an instance in the text format of `shared/bench/assign_graph.py`:
    ///
    ///     C O            candidates, opportunities
    ///     capacity       O lines, places of opportunity 0, 1, …
    ///     i j score      one line per arc
    ///
    /// The file is read whole and its integers parsed by hand: two million lines take a fraction of
    /// a second this way, where splitting `String`s takes tens.
    public init(contentsOf url: URL) throws(AssignmentError) {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(path: url.path, reason: error.localizedDescription)
        }
        try self.init(parsing: data)
    }

    /// Parses the bytes of an instance file (see ``init(contentsOf:)``).
    public init(parsing data: Data) throws(AssignmentError) {
        let parsed = data.withUnsafeBytes { raw in
            Result { () throws(AssignmentError) in
                var scanner = InstanceScanner(raw)
                return try scanner.scan()
            }
        }
        let p = try parsed.get()
        try self.init(candidateCount: p.candidates, capacities: p.capacities,
                      arcCandidate: p.arcCandidate, arcOpportunity: p.arcOpportunity, arcScore: p.arcScore)
    }
}

/// A cursor over the bytes of an instance file, one line at a time.
private struct InstanceScanner {
    let bytes: UnsafeRawBufferPointer
    var at = 0
    var line = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    struct Parsed {
        var candidates = 0
        var capacities: [Int32] = []
        var arcCandidate: [Int32] = []
        var arcOpportunity: [Int32] = []
        var arcScore: [Int32] = []
    }

    mutating func scan() throws(AssignmentError) -> Parsed {
        var p = Parsed()
        var v = (0, 0, 0)
        guard try nextLine(&v) == 2 else { throw .malformed(line: line, reason: "expected “candidates opportunities”") }
        p.candidates = v.0
        let opportunities = v.1
        p.capacities.reserveCapacity(opportunities)
        for _ in 0..<opportunities {
            guard try nextLine(&v) == 1 else { throw .malformed(line: line, reason: "expected the capacity of an opportunity") }
            p.capacities.append(Int32(v.0))
        }
        let estimate = max(0, bytes.count - at) / 9
        p.arcCandidate.reserveCapacity(estimate)
        p.arcOpportunity.reserveCapacity(estimate)
        p.arcScore.reserveCapacity(estimate)
        while true {
            let n = try nextLine(&v)
            if n == -1 { break }
            guard n == 3 else { throw .malformed(line: line, reason: "expected “candidate opportunity score”") }
            p.arcCandidate.append(Int32(v.0))
            p.arcOpportunity.append(Int32(v.1))
            p.arcScore.append(Int32(v.2))
        }
        return p
    }

    /// Reads the next non-blank line's integers (up to three) into `v`; returns how many there were,
    /// or -1 at the end of the file.
    mutating func nextLine(_ v: inout (Int, Int, Int)) throws(AssignmentError) -> Int {
        let end = bytes.count
        while at < end {
            line += 1
            var count = 0
            while true {
                while at < end, bytes[at] == 0x20 || bytes[at] == 0x09 || bytes[at] == 0x0D { at += 1 }
                if at == end || bytes[at] == 0x0A { break }
                var x = 0, digits = 0
                while at < end {
                    let d = Int(bytes[at]) &- 0x30
                    guard d >= 0 && d <= 9 else { break }
                    x = x &* 10 &+ d
                    digits += 1
                    at += 1
                }
                guard digits > 0 else { throw .malformed(line: line, reason: "unexpected character “\(UnicodeScalar(bytes[at]))”") }
                guard digits <= 10, x <= Int(Int32.max) else { throw .malformed(line: line, reason: "number too large") }
                switch count {
                case 0: v.0 = x
                case 1: v.1 = x
                case 2: v.2 = x
                default: throw .malformed(line: line, reason: "too many numbers")
                }
                count += 1
            }
            if at < end { at += 1 }  // the newline
            if count > 0 { return count }
        }
        return -1
    }
}
