import CJonctionZlib

// The only file of the module that touches zlib's C API (STYLE §3).

/// zlib streams (RFC 1950).
package enum Zlib {
    /// zlib never expands more than this (its deflate's best case, rounded up): a body of `n`
    /// bytes cannot hold more than `n × maximumRatio` bytes of plain data.
    static let maximumRatio = 1100

    /// The most bytes `compress` can make of `count` bytes (incompressible data grows a little).
    static func worstCompressedSize(_ count: Int) -> Int { Int(compressBound(uLong(count))) }

    /// Compresses `bytes` at `level` (0–9; 6 is zlib's default balance).
    package static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        var capacity = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(capacity))
        let rc = out.withUnsafeMutableBufferPointer { dst in
            bytes.withUnsafeBufferPointer { src in
                compress2(dst.baseAddress, &capacity, src.baseAddress, uLong(src.count), level)
            }
        }
        precondition(rc == Z_OK, "compress2 failed with \(rc) on a buffer sized by compressBound")
        out.removeSubrange(Int(capacity)...)
        return out
    }

    /// Compresses `prefix` followed by `zeros` zero bytes, a mebibyte at a time: how a test makes a
    /// zlib bomb (a small body that inflates to gigabytes) without holding what it inflates to.
    package static func compress(_ prefix: [UInt8], thenZeros zeros: Int) -> [UInt8] {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            deflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        precondition(deflateInit_(stream, 9, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        func pump(_ input: [UInt8], finish: Bool) {
            input.withUnsafeBufferPointer { src in
                stream.pointee.next_in = UnsafeMutablePointer(mutating: src.baseAddress)
                stream.pointee.avail_in = uInt(src.count)
                var rc: Int32
                repeat {
                    rc = chunk.withUnsafeMutableBufferPointer { dst in
                        stream.pointee.next_out = dst.baseAddress
                        stream.pointee.avail_out = uInt(dst.count)
                        return deflate(stream, finish ? Z_FINISH : Z_NO_FLUSH)
                    }
                    out += chunk[..<(chunk.count - Int(stream.pointee.avail_out))]
                } while stream.pointee.avail_out == 0 || (finish && rc != Z_STREAM_END)
                stream.pointee.next_in = nil
                stream.pointee.next_out = nil
            }
        }
        pump(prefix, finish: false)
        let mebibyte = [UInt8](repeating: 0, count: 1 << 20)
        var left = zeros
        while left > 0 {
            let n = min(left, mebibyte.count)
            pump(n == mebibyte.count ? mebibyte : Array(mebibyte[..<n]), finish: false)
            left -= n
        }
        pump([], finish: true)
        return out
    }

    /// Decompresses a whole stream that must expand to exactly `size` bytes; nil if it is not a
    /// valid zlib stream of that size. Never produces more than `size` bytes, whatever the stream.
    package static func decompress(_ bytes: ArraySlice<UInt8>, size: Int) -> [UInt8]? {
        let inflater = Inflater(bytes, limit: size)
        guard let out = inflater.read(size), inflater.isAtEnd() else { return nil }
        return out
    }

    /// A zlib stream inflated a piece at a time, never past `limit` bytes of output: a stream
    /// that would inflate to more (a "zlib bomb") is stopped there, having cost at most that.
    final class Inflater {
        private let stream: UnsafeMutablePointer<z_stream>
        private let input: ArraySlice<UInt8>
        private var consumed = 0
        /// The most output this stream may give.
        let limit: Int
        /// Output given so far.
        private(set) var produced = 0
        private var ended = false, failed = false

        init(_ input: ArraySlice<UInt8>, limit: Int) {
            self.input = input
            self.limit = limit
            // zlib keeps a pointer to the stream in its state: it must not move, hence the allocation.
            stream = .allocate(capacity: 1)
            stream.initialize(to: z_stream())
            failed = inflateInit_(stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) != Z_OK
        }

        deinit {
            inflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
        }

        /// The next `count` bytes of output; nil if the stream ends or is damaged before them, or
        /// they would take the output past `limit` (then nothing is allocated).
        func read(_ count: Int) -> [UInt8]? {
            guard count >= 0, count <= limit - produced, !failed else { return nil }
            var complete = false
            let out = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                initialized = inflate(into: buffer)
                complete = initialized == count
            }
            produced += out.count
            return complete ? out : nil
        }

        /// The next byte of output, or nil.
        func byte() -> UInt8? {
            guard produced < limit, !failed else { return nil }
            var b: UInt8 = 0
            let n = withUnsafeMutablePointer(to: &b) { inflate(into: UnsafeMutableBufferPointer(start: $0, count: 1)) }
            produced += n
            return n == 1 ? b : nil
        }

        /// The next unsigned LEB128 of output (protocol.md §4.1), at most 63 bits; nil if the
        /// stream ends or is damaged before it ends, or it is longer.
        func varint() -> Int? {
            var result = 0, shift = 0
            while true {
                guard let b = byte(), shift < 63 else { return nil }
                result |= Int(b & 0x7F) << shift
                if b < 0x80 { return result }
                shift += 7
            }
        }

        /// Whether the stream ends exactly here, with all its input used (a byte more, inflated to
        /// find out, is not given: the stream is then over).
        func isAtEnd() -> Bool {
            guard !failed else { return false }
            if !ended {
                var b: UInt8 = 0
                let n = withUnsafeMutablePointer(to: &b) { inflate(into: UnsafeMutableBufferPointer(start: $0, count: 1)) }
                guard n == 0 else {
                    failed = true
                    return false
                }
            }
            return ended && !failed && consumed == input.count
        }

        /// Inflates into `buffer` until it is full or the stream ends; returns how many bytes it
        /// wrote (the caller counts them in `produced`).
        private func inflate(into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
            var written = 0
            while written < buffer.count, !ended, !failed {
                let rc: Int32 = input.withUnsafeBufferPointer { src in
                    guard let base = src.baseAddress, let out = buffer.baseAddress else { return Z_BUF_ERROR }
                    let availableIn = min(src.count - consumed, Int(UInt32.max))
                    let availableOut = min(buffer.count - written, Int(UInt32.max))
                    stream.pointee.next_in = UnsafeMutablePointer(mutating: base + consumed)
                    stream.pointee.avail_in = uInt(availableIn)
                    stream.pointee.next_out = out + written
                    stream.pointee.avail_out = uInt(availableOut)
                    let rc = CJonctionZlib.inflate(stream, Z_NO_FLUSH)
                    consumed += availableIn - Int(stream.pointee.avail_in)
                    written += availableOut - Int(stream.pointee.avail_out)
                    stream.pointee.next_in = nil
                    stream.pointee.next_out = nil
                    return rc
                }
                switch rc {
                case Z_OK: continue
                case Z_STREAM_END: ended = true
                default: failed = true  // damaged data, or input used up before the stream's end
                }
            }
            return written
        }
    }
}
