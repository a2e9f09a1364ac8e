/// What a peer said it held when it wrote a bundle: its version vector, and when (its clock).
public struct Acknowledgement: Sendable, Equatable {
    public var vector: VersionVector
    public var writtenAt: UInt64

    public init(vector: VersionVector, writtenAt: UInt64) {
        self.vector = vector
        self.writtenAt = writtenAt
    }
}
