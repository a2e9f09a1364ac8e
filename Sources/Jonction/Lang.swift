/// The language of what users read. French is the default; English with `--lang en`.
public enum Lang: String, Sendable, CaseIterable {
    case fr
    case en

    /// Picks the French or the English text.
    @inlinable
    public func pick(_ fr: @autoclosure () -> String, _ en: @autoclosure () -> String) -> String {
        self == .fr ? fr() : en()
    }
}

/// An error that can explain itself to a user: what went wrong and what to do.
///
/// Errors carry facts; the words are chosen at the boundary (command line, HTTP) in the user's language.
public protocol UserFacingError: Error {
    func message(_ lang: Lang) -> String
}

extension Lang {
    /// Joins a list for a sentence, at most `limit` items: « a, b, c ».
    public func list(_ items: [String], limit: Int = 12) -> String {
        let shown = items.prefix(limit).joined(separator: ", ")
        return items.count > limit ? shown + ", …" : shown
    }
}
