/// What a clerk typed in the search box, as the terms a person must match (issue 14). Every term
/// must match: a query word matches a word of the names that it begins, as written (accents and
/// case aside) or, from its second letter, as a spelling variant (`SearchKey.phonetic`), so that
/// search works as the clerk types; digits match the phone number; a word that looks like an id
/// matches the ids it begins.
///
/// Bounded: the first `maxCharacters` characters are read, and the first `maxTerms` terms kept.
public struct SearchQuery: Sendable, Equatable {
    public static let maxCharacters = 200
    public static let maxTerms = 8

    /// How well a person matches: every term on a whole word, every term on the beginning of a word
    /// (or the phone, or the id), or at least one term through a spelling variant only.
    public enum Match: Int, Sendable, Comparable {
        case whole = 0
        case prefix = 1
        case variant = 2

        public static func < (lhs: Match, rhs: Match) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// One word of the query and the ways it may match.
    public struct Term: Sendable, Hashable {
        /// A folded word (`SearchKey.words`): matches a word of the names that it begins.
        public var folded: String?
        /// Its phonetic key: matches a word of the names whose phonetic key, or the word itself, it
        /// begins (a variant).
        public var phonetic: String?
        /// Digits typed as a phone number, at least four: match a phone number holding them.
        public var digits: String?
        /// The word as typed (and in lower case) when it could begin a record id.
        public var idPrefixes: [String] = []

        public init(folded: String? = nil, phonetic: String? = nil, digits: String? = nil, idPrefixes: [String] = []) {
            self.folded = folded
            self.phonetic = phonetic
            self.digits = digits
            self.idPrefixes = idPrefixes
        }
    }

    public let terms: [Term]

    /// No term: the search lists everyone (by name, with the filters).
    public var isEmpty: Bool { terms.isEmpty }

    /// Reads a query. Words are separated by white space; a run of words made of digits and
    /// `+ - . ( ) /` is one phone number (`+223 76 12 34 56`); a hyphenated word is several words,
    /// all required (`Diarra-Keïta`), unless it begins an id.
    public init(_ text: String) {
        let bounded = String(String.UnicodeScalarView(text.unicodeScalars.prefix(Self.maxCharacters)))
        let tokens = bounded.split(whereSeparator: \.isWhitespace).map(String.init)
        var terms: [Term] = []
        var k = 0
        while k < tokens.count {
            if Self.isPhoneLike(tokens[k]) {
                var group = [tokens[k]]
                k += 1
                while k < tokens.count, Self.isPhoneLike(tokens[k]) {
                    group.append(tokens[k])
                    k += 1
                }
                let digits = SearchKey.phoneDigits(group.joined())
                let term = Term(digits: digits.count >= 4 ? digits : nil, idPrefixes: group.count == 1 ? Self.idPrefixes(group[0]) : [])
                if term.digits != nil || !term.idPrefixes.isEmpty { terms.append(term) }
                continue
            }
            let token = tokens[k]
            k += 1
            let ids = Self.idPrefixes(token)
            let words = SearchKey.words(of: token)
            if words.isEmpty && !ids.isEmpty { terms.append(Term(idPrefixes: ids)) }
            for word in words {
                // One letter is a beginning, not yet a spelling: « k » finds the names in K, and
                // « ku » Coulibaly too. A word of silent letters (« hh ») has an empty key.
                let phonetic = SearchKey.phonetic(word)
                let variant = word.unicodeScalars.count > 1 && !phonetic.isEmpty
                terms.append(Term(folded: word, phonetic: variant ? phonetic : nil, idPrefixes: ids))
            }
        }
        var seen = Set<Term>()
        self.terms = Array(terms.filter { seen.insert($0).inserted }.prefix(Self.maxTerms))
    }

    /// Digits and the signs of a written phone number, at least one digit.
    static func isPhoneLike(_ token: String) -> Bool {
        token.unicodeScalars.contains { $0.value >= 0x30 && $0.value <= 0x39 }
            && token.unicodeScalars.allSatisfy { ($0.value >= 0x30 && $0.value <= 0x39) || "+-.()/".unicodeScalars.contains($0) }
    }

    /// A word that could begin a record id (id characters only, and not only letters: `kayes-c16`,
    /// `c16`; a plain name is not looked up among ids).
    static func idPrefixes(_ token: String) -> [String] {
        let scalars = token.unicodeScalars
        guard Schema.isValidRecordID(token), !scalars.allSatisfy(\.properties.isAlphabetic),
            scalars.contains(where: { $0.properties.isAlphabetic || ($0.value >= 0x30 && $0.value <= 0x39) })
        else { return [] }
        let lower = token.lowercased()
        return lower == token ? [token] : [token, lower]
    }

    /// How a person matches the query, or nil if they do not: the rule the replica's search index
    /// implements (tests compare the two).
    public func match(id: String, familyName: String?, givenNames: String?, phone: String?) -> Match? {
        let keys = SearchKey.keys(familyName: familyName, givenNames: givenNames, phone: phone)
        var worst = Match.whole
        for term in terms {
            guard let match = term.match(id: id, keys: keys) else { return nil }
            worst = max(worst, match)
        }
        return worst
    }
}

extension SearchQuery.Term {
    /// How this term matches a person with these ids and keys (`SearchKey.keys`), or nil.
    func match(id: String, keys: [String]) -> SearchQuery.Match? {
        if idPrefixes.contains(where: { id.hasPrefix($0) }) { return .whole }
        if let digits {
            for typed in SearchKey.queryDigits(digits) where keys.contains(where: { $0.hasPrefix(SearchKey.digitsPrefix + typed) }) {
                return .whole
            }
        }
        if let folded {
            let key = SearchKey.foldedPrefix + folded
            if keys.contains(key) { return .whole }
            if keys.contains(where: { $0.hasPrefix(key) }) { return .prefix }
        }
        if let phonetic {
            // A word whose phonetic key is the word itself has no `p` key: its `f` key stands for both.
            let variant = SearchKey.phoneticPrefix + phonetic, plain = SearchKey.foldedPrefix + phonetic
            if keys.contains(where: { $0.hasPrefix(variant) || $0.hasPrefix(plain) }) { return .variant }
        }
        return nil
    }
}
