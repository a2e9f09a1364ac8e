import Foundation
import HummingbirdBcrypt
import JonctionStore
import Jonction

/// The signed-in people of the office application, in memory (a restart signs everyone out).
///
/// A session is a random 256-bit token in an `HttpOnly`, `SameSite=Strict` cookie; each carries its
/// own CSRF token, which every form sends back in a hidden field (`csrf`). A visitor who is not
/// signed in gets a session too, so that the sign-in form itself is protected. Sessions end after
/// `idleLimit` without a request. Sign-in failures are counted per user name: after
/// `failureLimit` within `failureWindow`, that name is refused until the window has passed.
final class SessionStore: @unchecked Sendable {
    struct Session: Sendable {
        var token: String
        var csrf: String
        var user: UserName?
        var role: UserRole?
        var lastSeen: Date
        /// Messages shown once on the next page (« Candidat enregistré. »).
        var flash: [String] = []
    }

    static let idleLimit: TimeInterval = 8 * 3600
    static let failureLimit = 5
    static let failureWindow: TimeInterval = 300
    static let maximumSessions = 10_000

    private let lock = NSLock()
    private var sessions: [String: Session] = [:]
    private var failures: [String: [Date]] = [:]

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()
    }

    /// The session of `token`, refreshed, or a new anonymous one.
    func session(_ token: String?, now: Date = Date()) -> Session {
        lock.lock(); defer { lock.unlock() }
        if let token, var found = sessions[token], now.timeIntervalSince(found.lastSeen) < Self.idleLimit {
            found.lastSeen = now
            sessions[token] = found
            return found
        }
        if let token { sessions[token] = nil }
        if sessions.count >= Self.maximumSessions {
            sessions = sessions.filter { now.timeIntervalSince($0.value.lastSeen) < Self.idleLimit }
            if sessions.count >= Self.maximumSessions, let oldest = sessions.min(by: { $0.value.lastSeen < $1.value.lastSeen }) {
                sessions[oldest.key] = nil
            }
        }
        let fresh = Session(token: Self.randomToken(), csrf: Self.randomToken(), lastSeen: now)
        sessions[fresh.token] = fresh
        return fresh
    }

    /// Signs `user` in: a new token (the old one is dropped, against session fixation).
    func signIn(replacing token: String, user: UserName, role: UserRole, now: Date = Date()) -> Session {
        lock.lock(); defer { lock.unlock() }
        sessions[token] = nil
        failures[user.rawValue] = nil
        let fresh = Session(token: Self.randomToken(), csrf: Self.randomToken(), user: user, role: role, lastSeen: now)
        sessions[fresh.token] = fresh
        return fresh
    }

    func signOut(_ token: String) {
        lock.lock(); defer { lock.unlock() }
        sessions[token] = nil
    }

    /// Ends every session of `user` (removed, or password changed).
    func signOutEverywhere(_ user: UserName) {
        lock.lock(); defer { lock.unlock() }
        sessions = sessions.filter { $0.value.user != user }
    }

    func flash(_ token: String, _ message: String) {
        lock.lock(); defer { lock.unlock() }
        sessions[token]?.flash.append(message)
    }

    func takeFlash(_ token: String) -> [String] {
        lock.lock(); defer { lock.unlock() }
        let messages = sessions[token]?.flash ?? []
        sessions[token]?.flash = []
        return messages
    }

    /// Whether `name` may try to sign in now.
    func mayTry(_ name: String, now: Date = Date()) -> Bool {
        lock.lock(); defer { lock.unlock() }
        let recent = (failures[name] ?? []).filter { now.timeIntervalSince($0) < Self.failureWindow }
        failures[name] = recent.isEmpty ? nil : recent
        return recent.count < Self.failureLimit
    }

    func failed(_ name: String, now: Date = Date()) {
        lock.lock(); defer { lock.unlock() }
        if failures.count > Self.maximumSessions { failures = [:] }
        failures[name, default: []].append(now)
    }
}

/// Passwords of the site's users: bcrypt (cost 12), the hash kept in the replica, never the password.
public enum Passwords {
    public static let minimumLength = 8
    public static let maximumLength = 72  // bcrypt reads no further

    /// Why a new password is refused, in French.
    public static func problem(_ password: String, confirmation: String? = nil) -> String? {
        if password.count < minimumLength { return "Le mot de passe doit compter au moins \(minimumLength) caractères." }
        if password.utf8.count > maximumLength { return "Le mot de passe est trop long (\(maximumLength) octets au plus)." }
        if let confirmation, confirmation != password { return "Les deux mots de passe ne sont pas identiques." }
        return nil
    }

    public static func hash(_ password: String, cost: UInt8 = 12) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    public static func verify(_ password: String, hash: String) -> Bool {
        guard password.utf8.count <= maximumLength else { return false }
        return Bcrypt.verify(password, hash: hash)
    }
}

extension Replica {
    /// Sets a user's password (hashed here) in the replica.
    public func setPassword(_ password: String, for user: UserName, cost: UInt8 = 12) throws {
        let hash = Passwords.hash(password, cost: cost)
        try write { try $0.setPasswordHash(hash, for: user) }
    }
}
