import Crypto
import Foundation
import Jonction
import JonctionStore

/// A roster with the bytes it travels as (protocol.md §7.2): what a bundle carries.
public struct SignedRoster: Sendable, Equatable {
    public var roster: Roster
    public var bytes: [UInt8]

    public init(roster: Roster, bytes: [UInt8]) {
        self.roster = roster
        self.bytes = bytes
    }

    /// Reads signed roster bytes, checking the hub's signature against `hub`.
    public init(verifying bytes: [UInt8], trusting hub: SiteIdentity) throws(RosterError) {
        roster = try Roster(verifying: bytes, trusting: hub)
        self.bytes = bytes
    }
}

/// What a site needs to write and read bundles of format 2 (protocol.md §5.3, §7): its own keys,
/// and the newest roster it holds, signed by the hub it trusts (which names every site's keys).
public struct Keyring: Sendable {
    public var keys: SiteKeys
    public var roster: SignedRoster

    public init(keys: SiteKeys, roster: SignedRoster) {
        self.keys = keys
        self.roster = roster
    }

    /// Signs a change block as a log segment of this site (protocol.md §5.3).
    public func sign(segment block: [UInt8]) -> [UInt8] {
        ChangeBundle.signSegment(block, with: keys)
    }
}

extension ChangeBundle {
    /// What a segment signature covers, before the block's bytes (protocol.md §5.3).
    static let segmentContext: [UInt8] = Array("JONCTION-SEGMENT".utf8)
    /// HPKE's `info` for sealing a bundle's body (protocol.md §5.4).
    static let sealInfo = Data("jonction paquet v2".utf8)
    static let suite = HPKE.Ciphersuite.Curve25519_SHA256_ChachaPoly
    /// The encapsulated key and the AEAD tag around a sealed body.
    static let sealOverhead = 32 + 16

    /// The bytes a segment signature signs: the context, then the block. (Not the network: a site's
    /// keys are its own and the roster binds them to one network; and a segment must stay valid when
    /// its origin, which wrote it before, later takes the network of the hub's first bundle.)
    public static func segmentMessage(_ block: [UInt8]) -> [UInt8] {
        var out = ByteWriter(capacity: block.count + 16)
        out.raw(segmentContext)
        out.raw(block)
        return out.bytes
    }

    /// A site's Ed25519 signature of a segment (deterministic, RFC 8032).
    public static func signSegment(_ block: [UInt8], with keys: SiteKeys) -> [UInt8] {
        // Signing with a valid key does not fail: swift-crypto throws only for a key it cannot use.
        (try? Array(keys.signing.signature(for: segmentMessage(block)))) ?? []
    }

    /// The file bytes in format 2 (protocol.md §5.1): magic, version, header, the plain body's
    /// length, the roster the sender holds, the body compressed then sealed to `addressee` (HPKE,
    /// §5.4), and the sender's signature of everything before it. Every block must be signed.
    public func sealed(by keys: SiteKeys, for addressee: SiteIdentity, roster: SignedRoster?,
                       level: Int32 = 6) throws(BundleError) -> [UInt8] {
        guard addressee.site == header.addressee, keys.site == header.sender else { throw .malformed("sender or addressee") }
        var plain = ByteWriter(capacity: blocks.reduce(16) { $0 + $1.count + 80 })
        plain.varint(UInt64(blocks.count))
        for (block, signature) in zip(blocks, signatures) {
            guard let signature, signature.bytes.count == 64 else { throw .malformed("unsigned segment") }
            plain.string(signature.signer.rawValue)
            plain.varint(UInt64(block.count))
            plain.raw(block)
            plain.raw(signature.bytes)
        }
        if writtenFormat == ChangeBundle.scopedFormatVersion {
            if let scope {
                plain.byte(1)
                scope.encode(to: &plain)
            } else {
                plain.byte(0)
            }
        }
        return try sealed(plain: plain.bytes, by: keys, for: addressee, roster: roster, level: level)
    }

    /// The file bytes in format 2 around a plain body given as bytes (the fuzzer's way to reach
    /// the segment reader with damaged segments); `declaring` lies about its length if given.
    package func sealed(plain: [UInt8], declaring declared: Int? = nil, by keys: SiteKeys, for addressee: SiteIdentity,
                        roster: SignedRoster?, level: Int32 = 6) throws(BundleError) -> [UInt8] {
        let body = Zlib.compress(plain, level: level)
        let rosterBytes = roster?.bytes ?? []
        var out = ByteWriter(capacity: body.count + rosterBytes.count + 512)
        writeHeader(to: &out, format: writtenFormat)
        out.varint(UInt64(declared ?? plain.count))
        out.varint(UInt64(rosterBytes.count))
        out.raw(rosterBytes)
        out.varint(UInt64(body.count + ChangeBundle.sealOverhead))
        do {
            var sender = try HPKE.Sender(recipientKey: addressee.agreement, ciphersuite: ChangeBundle.suite,
                                         info: ChangeBundle.sealInfo)
            let ciphertext = try sender.seal(body, authenticating: out.bytes)
            out.raw(sender.encapsulatedKey)
            out.raw(ciphertext)
            out.raw(try keys.signing.signature(for: out.bytes))
        } catch {
            throw .malformed("sealing: \(error)")
        }
        return out.bytes
    }

    /// Reads and verifies a format 2 file, in the order of protocol.md §5.6: the roster it carries
    /// (signed by the hub `keyring` trusts), the sender (listed, not revoked) and its signature of
    /// the whole file, the addressee (this site), the sealed body (opened with this site's key),
    /// then every segment: one origin's consecutive seqs, signed by that origin (with its key for
    /// those seqs) or by the hub, and none above the origin's revocation. Nothing is used before
    /// the check that covers it.
    init(decodingFormat2 bytes: [UInt8], layout: Layout, keyring: Keyring?, schema: Schema) throws(BundleError) {
        guard let keyring else { throw .noKeyring }
        let header = layout.header
        // The carried roster, then the sealed body's length, then the signature.
        let rosterStart = layout.next, rosterEnd = rosterStart + layout.length
        guard bytes.count > rosterEnd else { throw .truncated }
        var r = ByteReader(bytes, offset: rosterEnd)
        let sealedLength: Int
        do { sealedLength = try r.count(max: ChangeBundle.maximumSize) } catch { throw bytes.count >= rosterEnd + 10 ? .damaged : .truncated }
        let sealedStart = r.offset, sealedEnd = sealedStart + sealedLength
        guard bytes.count >= sealedEnd + 64 else { throw .truncated }
        guard bytes.count == sealedEnd + 64 else { throw .damaged }

        var roster = keyring.roster
        var newerRosterFound: SignedRoster? = nil
        if layout.length > 0 {
            let carried: SignedRoster
            do { carried = try SignedRoster(verifying: Array(bytes[rosterStart..<rosterEnd]), trusting: roster.roster.hub) } catch {
                throw .roster(error)
            }
            if carried.roster.issuedAt > roster.roster.issuedAt {
                roster = carried
                newerRosterFound = carried
            }
        }
        let sites = roster.roster
        let senderKey: Curve25519.Signing.PublicKey
        if header.sender == sites.hub.site {
            senderKey = sites.hub.signing
        } else if let entry = sites.entry(of: header.sender) {
            guard entry.isActive else { throw .revokedSender(header.sender) }
            senderKey = entry.identity.signing
        } else {
            throw .unknownSender(header.sender)
        }
        guard senderKey.isValidSignature(bytes[sealedEnd...], for: bytes[..<sealedEnd]) else { throw .forged(header.sender) }
        guard header.addressee == keyring.keys.site else { throw .notForThisSite(header.addressee) }
        guard header.schemaVersion <= schema.version else { throw .newerSchema(header.schemaVersion) }
        guard header.schemaVersion >= 2 else { throw .malformed("data model version \(header.schemaVersion) in format 2") }
        let plainLength = layout.plainLength
        guard header.changeCount <= ChangeBundle.maximumChangeCount, plainLength <= ChangeBundle.maximumPlainLength else {
            throw .overLimits(changes: header.changeCount, plainLength: plainLength)
        }
        guard sealedLength >= ChangeBundle.sealOverhead + 2 else { throw .cannotOpen }

        let body: [UInt8]
        do {
            var recipient = try HPKE.Recipient(privateKey: keyring.keys.agreement, ciphersuite: ChangeBundle.suite,
                                               info: ChangeBundle.sealInfo,
                                               encapsulatedKey: Data(bytes[sealedStart..<(sealedStart + 32)]))
            body = Array(try recipient.open(bytes[(sealedStart + 32)..<sealedEnd], authenticating: bytes[..<sealedStart]))
        } catch {
            throw .cannotOpen
        }
        guard plainLength <= body.count * Zlib.maximumRatio + 64 else { throw .malformed("announced size \(plainLength)") }

        let inflater = Zlib.Inflater(body[...], limit: plainLength)
        func varint() throws(BundleError) -> Int {
            guard let n = inflater.varint() else { throw .malformed("zlib body") }
            return n
        }
        // Each segment takes at least 68 bytes: its signer, its block's length, version and count,
        // and its signature.
        let n = try varint()
        guard n <= (plainLength - inflater.produced) / 68 else { throw .malformed("\(n) segments") }
        var blocks: [[UInt8]] = [], decoded: [[Change]] = [], signatures: [SegmentSignature?] = []
        var total = 0
        for _ in 0..<n {
            let nameLength = try varint()
            guard nameLength <= SiteName.maximumLength, let name = inflater.read(nameLength),
                let signerName = String(validating: name, as: UTF8.self), SiteName.isValid(signerName)
            else { throw .malformed("segment signer") }
            let signer = SiteName(unchecked: signerName)
            let length = try varint()
            guard length <= plainLength - inflater.produced, let block = inflater.read(length),
                let signature = inflater.read(64)
            else { throw .malformed("segment") }
            let changes: [Change]
            do { changes = try ChangeBlock.decode(block, maximumCount: header.changeCount - total) } catch {
                throw .malformed("change block: \(error)")
            }
            // One origin's consecutive seqs, signed by that origin or by the hub.
            guard let first = changes.first, let last = changes.last else { throw .malformed("empty segment") }
            let runs = SeqRun.runs(in: changes)
            guard runs.count == 1 else { throw .malformed("segment of several origins or with a hole") }
            let origin = first.origin, seqs = first.seq...last.seq
            guard signer == origin || signer == sites.hub.site else { throw .signedByAnother(origin: origin, signer: signer) }
            guard let key = sites.signingKey(of: signer, for: seqs) else { throw .unknownOrigin(origin) }
            guard key.isValidSignature(signature, for: ChangeBundle.segmentMessage(block)) else {
                throw .forgedSegment(origin: origin, signer: signer)
            }
            if let bound = sites.entry(of: origin)?.revokedAfterSeq, seqs.upperBound > bound {
                throw .revokedChanges(origin: origin, after: bound)
            }
            total += changes.count
            blocks.append(block)
            decoded.append(changes)
            signatures.append(SegmentSignature(signer: signer, bytes: signature))
        }
        // Format 3: the scope part (§5.10), from the hub only.
        var scope: ScopedDelivery? = nil
        if layout.format == ChangeBundle.scopedFormatVersion {
            guard let flag = inflater.read(1), flag[0] <= 1 else { throw .malformed("scope") }
            if flag[0] == 1 {
                guard header.sender == sites.hub.site else { throw .malformed("scope from a site other than the hub") }
                guard let rest = inflater.read(plainLength - inflater.produced) else { throw .malformed("zlib body") }
                var reader = ByteReader(rest)
                do { scope = try ScopedDelivery(decoding: &reader, schema: schema) } catch { throw .malformed("scope: \(error)") }
                guard reader.remaining == 0 else { throw .malformed("bytes after the scope") }
            }
        }
        guard layout.format < ChangeBundle.scopedFormatVersion || n > 0 || scope != nil else { throw .malformed("empty bundle") }
        guard inflater.produced == plainLength else { throw .malformed("bytes after the last segment") }
        guard inflater.isAtEnd() else { throw .malformed("zlib body") }
        guard total == header.changeCount else { throw .malformed("change count") }
        try ChangeBundle.checkCoverage(decoded, header.ranges)
        self.init(sender: header.sender, addressee: header.addressee, network: header.network,
                  createdAt: header.createdAt, schemaVersion: header.schemaVersion, senderVector: header.senderVector,
                  ranges: header.ranges, changeCount: header.changeCount, blocks: blocks, decoded: decoded,
                  signatures: signatures)
        self.header.scopeGeneration = header.scopeGeneration
        self.scope = scope
        format = layout.format
        newerRoster = newerRosterFound
    }

    /// Format 2: each origin's segments must cover exactly the announced range; they may overlap
    /// (a segment travels whole, and may hold seqs another also holds).
    static func checkCoverage(_ blocks: [[Change]], _ ranges: [SiteName: ClosedRange<UInt64>]) throws(BundleError) {
        var pieces: [SiteName: [ClosedRange<UInt64>]] = [:]
        for changes in blocks {
            guard let first = changes.first, let last = changes.last else { continue }
            pieces[first.origin, default: []].append(first.seq...last.seq)
        }
        guard Set(pieces.keys) == Set(ranges.keys) else { throw .malformed("origins differ from the ranges") }
        for (origin, list) in pieces {
            let range = ranges[origin]!
            var next = range.lowerBound
            for piece in list.sorted(by: { $0.lowerBound < $1.lowerBound }) {
                guard piece.lowerBound >= range.lowerBound, piece.lowerBound <= next, piece.upperBound <= range.upperBound else { throw .malformed("range of \(origin)") }
                if piece.upperBound >= next { next = piece.upperBound &+ 1 }
            }
            guard next == range.upperBound &+ 1 else { throw .malformed("range of \(origin)") }
        }
    }
}
