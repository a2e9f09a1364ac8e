import Foundation

/// A private certificate authority and a certificate it signed for 127.0.0.1 and localhost, made with
/// the `openssl` tool (Debian's `openssl` package) in a fresh folder: what a hub served over HTTPS
/// with its administrator's own CA looks like. Also a key that belongs to no certificate.
public struct TestCertificates: Sendable {
    public let authority: String
    public let certificate: String
    public let key: String
    public let strayKey: String

    public init(in directory: TemporaryDirectory) throws {
        let p = directory.path
        authority = p("ca.pem")
        certificate = p("pole.pem")
        key = p("pole.key")
        strayKey = p("autre.key")
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try Self.openssl(["req", "-x509"] + ec + ["-keyout", p("ca.key"), "-out", authority, "-days", "2",
                         "-subj", "/CN=Jonction test CA", "-addext", "basicConstraints=critical,CA:TRUE",
                         "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        try Self.openssl(["req"] + ec + ["-keyout", key, "-out", p("pole.csr"), "-subj", "/CN=127.0.0.1"])
        try Data("""
            subjectAltName=IP:127.0.0.1,DNS:localhost
            basicConstraints=CA:FALSE
            keyUsage=critical,digitalSignature
            extendedKeyUsage=serverAuth

            """.utf8).write(to: URL(fileURLWithPath: p("pole.ext")))
        try Self.openssl(["x509", "-req", "-in", p("pole.csr"), "-CA", authority, "-CAkey", p("ca.key"), "-CAcreateserial",
                          "-out", certificate, "-days", "2", "-extfile", p("pole.ext")])
        try Self.openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", strayKey])
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "openssl \(arguments.joined(separator: " ")): \(String(decoding: text, as: UTF8.self))")
        }
    }
}
