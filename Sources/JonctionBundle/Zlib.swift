import CZlib

// The only file of the module that touches zlib's C API (STYLE §3).

/// zlib streams (RFC 1950) of whole buffers.
enum Zlib {
    /// Compresses `bytes` at `level` (0–9; 6 is zlib's default balance).
    static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
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

    /// Decompresses a stream that must expand to exactly `size` bytes; nil if it is not a valid
    /// zlib stream of that size.
    static func decompress(_ bytes: ArraySlice<UInt8>, size: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: size)
        var length = uLongf(size)
        let rc = out.withUnsafeMutableBufferPointer { dst in
            bytes.withUnsafeBufferPointer { src in
                uncompress(dst.baseAddress, &length, src.baseAddress, uLong(src.count))
            }
        }
        guard rc == Z_OK, Int(length) == size else { return nil }
        return out
    }
}
