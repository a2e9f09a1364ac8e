import Foundation
import Jonction
import NIOSSL

/// TLS for the HTTP API (protocol.md §6): the hub's certificate and key on the server side, the trust
/// an office puts in the hub's certificate on the client side. Files are read and checked here, before
/// anything listens or connects, so that a wrong file is a sentence, not a failed handshake.
public enum HubTLS {
    /// What `hub serve` needs to speak HTTPS: the server configuration, and when its certificate expires.
    public struct Server: Sendable {
        public let configuration: TLSConfiguration
        public let expires: Date
    }

    /// The server side from a PEM certificate (the hub's, then any intermediates) and its PEM private key.
    /// Refuses a file that cannot be read, that holds no certificate or no key, or a key that is not the
    /// certificate's.
    public static func server(certificate certificatePath: String, key keyPath: String) throws(TLSFileError) -> Server {
        let chain = try certificates(at: certificatePath)
        let keyBytes = try contents(of: keyPath)
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(bytes: keyBytes, format: .pem) } catch { throw .notAPrivateKey(path: keyPath) }
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        // Building a context is what checks the key against the certificate: BoringSSL refuses to load
        // a key (read above, so well formed) that is not the certificate's.
        do { _ = try NIOSSLContext(configuration: configuration) } catch NIOSSLError.failedToLoadPrivateKey {
            throw .keyMismatch(certificate: certificatePath, key: keyPath)
        } catch {
            throw .unusable(detail: String(String(describing: error).prefix(300)))
        }
        return Server(configuration: configuration, expires: Date(timeIntervalSince1970: TimeInterval(chain[0].notValidAfter)))
    }

    /// The client side: the system's trust store, plus a private authority that signed the hub's
    /// certificate, when there is one. The hub's name is always checked against its certificate.
    public static func client(trusting authority: CertificateAuthority? = nil) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let authority { configuration.additionalTrustRoots = [.certificates(authority.certificates)] }
        return configuration
    }

    /// Whether an error met while connecting is TLS refusing the other side (a certificate not trusted,
    /// a name that does not match, no TLS at all): trying again will not help.
    public static func isHandshakeFailure(_ error: any Error) -> Bool {
        error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError
    }

    /// A short reason for a handshake failure, for the administrator: BoringSSL's own code
    /// (`CERTIFICATE_VERIFY_FAILED`, `WRONG_VERSION_NUMBER`…) rather than its whole error stack.
    public static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        if let range = text.range(of: #"OPENSSL_internal:[A-Z0-9_]+"#, options: .regularExpression) {
            return String(text[range].dropFirst("OPENSSL_internal:".count))
        }
        return String(text.prefix(120))
    }

    static func certificates(at path: String) throws(TLSFileError) -> [NIOSSLCertificate] {
        let bytes = try contents(of: path)
        guard let chain = try? NIOSSLCertificate.fromPEMBytes(bytes), !chain.isEmpty else { throw .notACertificate(path: path) }
        return chain
    }

    static func contents(of path: String) throws(TLSFileError) -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { throw .unreadable(path: path) }
        guard info.st_size <= 1 << 20, let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path) }
        return Array(data)
    }
}

/// A private certificate authority an office trusts for its hub (beside the system's trust store): the
/// administrator's own CA, when the hub's certificate is not from a public one.
public struct CertificateAuthority: Sendable, Equatable {
    /// The certificates, PEM, as read (what the site's configuration keeps).
    public let pem: [UInt8]
    let certificates: [NIOSSLCertificate]

    /// Certificates in PEM; nil if there are none.
    public init?(pem: [UInt8]) {
        guard let certificates = try? NIOSSLCertificate.fromPEMBytes(pem), !certificates.isEmpty else { return nil }
        self.pem = pem
        self.certificates = certificates
    }

    /// Reads a PEM file of one or more CA certificates.
    public init(contentsOf path: String) throws(TLSFileError) {
        guard let authority = CertificateAuthority(pem: try HubTLS.contents(of: path)) else { throw .notACertificate(path: path) }
        self = authority
    }

    public static func == (a: CertificateAuthority, b: CertificateAuthority) -> Bool { a.pem == b.pem }
}

/// Why a certificate or key file cannot be used. Nothing listens or connects when one is thrown.
public enum TLSFileError: Error, Sendable, Equatable, UserFacingError {
    case unreadable(path: String)
    case notACertificate(path: String)
    case notAPrivateKey(path: String)
    case keyMismatch(certificate: String, key: String)
    case unusable(detail: String)

    public func message(_ lang: Lang) -> String {
        switch self {
        case .unreadable(let path):
            return lang.pick("Impossible de lire le fichier \(path) : vérifiez le chemin et les droits du compte qui lance Jonction.",
                             "Cannot read the file \(path): check the path and the permissions of the account running Jonction.")
        case .notACertificate(let path):
            return lang.pick(
                "\(path) ne contient pas de certificat au format PEM (un bloc « -----BEGIN CERTIFICATE----- »).",
                "\(path) holds no PEM certificate (a “-----BEGIN CERTIFICATE-----” block).")
        case .notAPrivateKey(let path):
            return lang.pick(
                "\(path) ne contient pas de clé privée PEM lisible (un bloc « -----BEGIN … PRIVATE KEY----- » sans phrase de passe).",
                "\(path) holds no readable PEM private key (a “-----BEGIN … PRIVATE KEY-----” block without a passphrase).")
        case .keyMismatch(let certificate, let key):
            return lang.pick(
                "La clé privée \(key) n’est pas celle du certificat \(certificate) : donnez la clé qui a servi à demander ce certificat.",
                "The private key \(key) does not belong to the certificate \(certificate): give the key the certificate was requested with.")
        case .unusable(let detail):
            return lang.pick("Certificat ou clé inutilisable pour TLS : \(detail)", "Certificate or key unusable for TLS: \(detail)")
        }
    }
}
