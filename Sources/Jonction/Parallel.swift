import Dispatch

/// Work spread over the machine's cores.
public enum Parallel {
    /// `transform(0) … transform(count - 1)`, computed side by side, in order.
    ///
    /// Each call writes only its own slot of the result, and `concurrentPerform` returns after every
    /// call has ended, which orders the writes before the reads.
    public static func map<T>(_ count: Int, _ transform: @Sendable (Int) -> T) -> [T] {
        guard count > 1 else { return count == 1 ? [transform(0)] : [] }
        let slots = Slots<T>(count: count)
        defer { slots.release() }
        DispatchQueue.concurrentPerform(iterations: count) { i in
            slots.buffer[i] = transform(i)
        }
        return slots.buffer.map { $0! }
    }

    /// `transform` over `range` cut into about `pieces` consecutive slices, computed side by side;
    /// the results in the order of the slices.
    public static func map<T>(slicing range: Range<Int>, into pieces: Int, _ transform: @Sendable (Range<Int>) -> T) -> [T] {
        let pieces = max(1, min(pieces, range.count))
        let size = (range.count + pieces - 1) / pieces
        let slices = stride(from: range.lowerBound, to: range.upperBound, by: max(1, size)).map {
            $0..<min(range.upperBound, $0 + size)
        }
        return map(slices.count) { transform(slices[$0]) }
    }

    /// Results written from several threads, one slot each.
    ///
    /// `@unchecked Sendable`: each slot is written by one call only, and read after all have ended.
    private struct Slots<T>: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<T?>

        init(count: Int) {
            buffer = .allocate(capacity: count)
            buffer.initialize(repeating: nil)
        }

        func release() {
            _ = buffer.deinitialize()
            buffer.deallocate()
        }
    }
}
