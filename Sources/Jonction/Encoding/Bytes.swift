/// Appends the primitive encodings of protocol.md §4.1 to a byte array.
public struct ByteWriter: Sendable {
    public var bytes: [UInt8]

    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inlinable public mutating func byte(_ b: UInt8) { bytes.append(b) }

    @inlinable public mutating func raw<C: Collection>(_ c: C) where C.Element == UInt8 { bytes.append(contentsOf: c) }

    /// Unsigned LEB128.
    @inlinable public mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// How many bytes `varint(value)` appends.
    @inlinable public static func varintSize(_ value: UInt64) -> Int {
        max(1, (64 - value.leadingZeroBitCount + 6) / 7)
    }

    /// Zigzag then LEB128: small magnitudes of either sign take few bytes.
    @inlinable public mutating func signed(_ value: Int64) {
        varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// A length-prefixed UTF-8 string.
    @inlinable public mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// Big-endian fixed width.
    @inlinable public mutating func uint64BE(_ v: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
    }

    @inlinable public mutating func uint32BE(_ v: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt32(shift))) }
    }
}

/// Why bytes could not be decoded.
public enum ByteDecodingError: Error, Sendable, Equatable {
    /// The bytes end before the structure does.
    case truncated
    /// The bytes are not a valid encoding; the text says where (for developers and logs).
    case malformed(String)
}

/// Reads the primitive encodings of protocol.md §4.1, with bounds checks everywhere.
public struct ByteReader: Sendable {
    public let bytes: [UInt8]
    public var offset: Int
    public let end: Int

    public init(_ bytes: [UInt8], offset: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.offset = offset
        self.end = end ?? bytes.count
    }

    public var remaining: Int { end - offset }
    public var isAtEnd: Bool { offset >= end }

    @inlinable public mutating func byte() throws(ByteDecodingError) -> UInt8 {
        guard offset < end else { throw .truncated }
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func raw(_ count: Int) throws(ByteDecodingError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= end - offset else { throw .truncated }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    @inlinable public mutating func varint() throws(ByteDecodingError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < end else { throw .truncated }
            let b = bytes[offset]
            offset += 1
            if shift == 63 && b > 1 { throw .malformed("varint overflow") }
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
            if shift > 63 { throw .malformed("varint too long") }
        }
    }

    @inlinable public mutating func signed() throws(ByteDecodingError) -> Int64 {
        let v = try varint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    /// A varint that must fit in `Int` and be at most `limit`.
    public mutating func count(max limit: Int) throws(ByteDecodingError) -> Int {
        let v = try varint()
        guard limit >= 0, v <= UInt64(limit) else { throw .malformed("count \(v) above \(limit)") }
        return Int(v)
    }

    public mutating func string() throws(ByteDecodingError) -> String {
        let n = try count(max: Int.max)
        guard n <= remaining else { throw .truncated }
        let start = offset
        offset += n
        let decoded = bytes.withUnsafeBufferPointer { Self.utf8String(UnsafeBufferPointer(rebasing: $0[start..<(start + n)])) }
        guard let decoded else { throw .malformed("invalid UTF-8") }
        return decoded
    }

    /// A length-prefixed string's bytes, not decoded: for a reader that compares them with a
    /// string it decoded before (the same site name field after field).
    public mutating func stringBytes() throws(ByteDecodingError) -> ArraySlice<UInt8> {
        try raw(try count(max: Int.max))
    }

    /// The string these bytes encode in UTF-8, nil if they are not valid UTF-8. ASCII, which most
    /// strings are (names, ids, codes), is valid as it is: decoded without the generic validation,
    /// which costs more than the rest of a change's decoding.
    public static func utf8String(_ buffer: UnsafeBufferPointer<UInt8>) -> String? {
        var high: UInt8 = 0
        for byte in buffer { high |= byte }
        return high < 0x80 ? String(decoding: buffer, as: UTF8.self) : String(validating: buffer, as: UTF8.self)
    }

    public mutating func uint64BE() throws(ByteDecodingError) -> UInt64 {
        let s = try raw(8)
        return s.reduce(0) { $0 << 8 | UInt64($1) }
    }

    public mutating func uint32BE() throws(ByteDecodingError) -> UInt32 {
        let s = try raw(4)
        return s.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// A reader over the next `length` bytes; this reader skips them.
    public mutating func section(_ length: Int) throws(ByteDecodingError) -> ByteReader {
        guard length >= 0, length <= end - offset else { throw .truncated }
        let sub = ByteReader(bytes, offset: offset, end: offset + length)
        offset += length
        return sub
    }
}
