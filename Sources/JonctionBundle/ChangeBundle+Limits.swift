import Jonction

// The limits of one bundle (protocol.md §5.2). A receiver refuses a bundle above them before it
// allocates anything for its body, so receiving one costs at most the file, its plain body and its
// changes, whatever its counts declare. A writer never writes one: it splits what it sends.

extension ChangeBundle {
    /// The largest bundle file: a larger file is refused unread.
    public static let maximumSize = 16 << 20
    /// The largest plain body (the change blocks, once decompressed): six times what the most
    /// changes take in the reference workload (about 10 bytes each).
    public static let maximumPlainLength = 16 << 20
    /// The most changes one bundle carries.
    public static let maximumChangeCount = 1 << 18
    /// The largest header, from the magic to `bodyLength`: room for thousands of sites.
    public static let maximumHeaderLength = 256 << 10

    /// How much one bundle may carry: `.standard` (protocol.md §5.2), smaller in tests.
    public struct Limits: Sendable, Equatable {
        public var fileSize: Int
        public var plainLength: Int
        public var changeCount: Int

        public init(fileSize: Int, plainLength: Int, changeCount: Int) {
            self.fileSize = fileSize
            self.plainLength = plainLength
            self.changeCount = changeCount
        }

        public static let standard = Limits(fileSize: maximumSize, plainLength: maximumPlainLength,
                                            changeCount: maximumChangeCount)
    }
}
