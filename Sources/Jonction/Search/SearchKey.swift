import Foundation

/// The keys a person is found by (issue 14): folded words of the names, their phonetic keys, and
/// the digits of the phone number. Pure: the replica stores what `keys` returns in its search
/// index, and `CandidateSearch` looks query words up by prefix of the same keys.
///
/// - **Folded word**: lower case, no accent or tone mark (NFD, combining marks dropped), the letters
///   of Bambara orthography written the French way (`ɛ` → `e`, `ɔ` → `o`, `ɲ` → `gn`, `ŋ` → `ng`),
///   apostrophes dropped (`N’Diaye` → `ndiaye`); words are runs of letters and digits.
/// - **Phonetic key**: the folded word rewritten by the spelling variants of Malian names
///   (`phonetic(_:)`), so that Keïta/Keyita, Diarra/Diara/Jara, Coulibaly/Kulibali,
///   Ouattara/Watara, Doumbia/Dunbiya, Sissoko/Cissoko/Sissokho, Mahamadou/Mamadou share one key.
///   Rewrites look at most two letters ahead: the key of a word's beginning is nearly always the
///   beginning of the word's key, so partial words typed in a search box find the names they start.
/// - A few **given names** spelt differently in every language of the country are one name
///   (`synonyms`): a record word of such a group gets the keys of every spelling of the group.
///
/// Keys are personal data (a name is readable from them): the index holding them is erased with the
/// record, and they are never logged.
///
/// Changing these rules changes the keys of stored records: a replica then needs its index built
/// again, by a new migration that queues every candidate (see `Migrations.v14` in the store).
public enum SearchKey {
    /// Kinds of key, the first character of each: a folded word, a phonetic key, phone digits.
    public static let foldedPrefix = "f"
    public static let phoneticPrefix = "p"
    public static let digitsPrefix = "t"

    /// The folded words of a text, in order (duplicates kept).
    public static func words(of text: String) -> [String] {
        var words: [String] = []
        var word = String.UnicodeScalarView()
        func flush() {
            if !word.isEmpty { words.append(String(word)) }
            word = String.UnicodeScalarView()
        }
        for scalar in text.unicodeScalars {
            let folded: String?
            switch scalar.value {
            case 0x41...0x5A:
                word.append(Unicode.Scalar(scalar.value + 0x20)!)
                continue
            case 0x61...0x7A, 0x30...0x39:
                word.append(scalar)
                continue
            case 0x27, 0x60:  // N'Diaye, N`Diaye
                continue
            case 0..<0x80:
                flush()
                continue
            case 0x80..<0x300:
                folded = foldedLatin[Int(scalar.value) - 0x80]
            default:
                folded = fold(scalar)
            }
            if let folded { word.append(contentsOf: folded.unicodeScalars) } else { flush() }
        }
        flush()
        return words
    }

    /// How a character enters a word: its folded letters (lower case, without marks: NFD, combining
    /// marks dropped; `letterReplacements`), nothing (a combining mark, an apostrophe), or nil: it
    /// separates words.
    static func fold(_ scalar: Unicode.Scalar) -> String? {
        if apostrophes.contains(scalar.value) { return "" }
        var out = String.UnicodeScalarView()
        for part in String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars {
            let properties = part.properties
            if properties.generalCategory == .nonspacingMark { continue }
            guard properties.isAlphabetic || properties.numericType == .decimal else { return nil }
            if let replacement = letterReplacements[part.value] {
                out.append(contentsOf: replacement.unicodeScalars)
            } else if properties.changesWhenLowercased {
                for lower in properties.lowercaseMapping.unicodeScalars {
                    out.append(contentsOf: (letterReplacements[lower.value] ?? String(lower)).unicodeScalars)
                }
            } else {
                out.append(part)
            }
        }
        return String(out)
    }

    /// `fold` of U+0080…U+02FF (the accented Latin letters of French names, Bambara's ɛ ɔ ɲ ŋ),
    /// computed once.
    private static let foldedLatin: [String?] = (0x80..<0x300).map { fold(Unicode.Scalar(UInt32($0))!) }

    /// Apostrophes and the like, dropped inside a word: ’ ʼ ʻ ′ ` ´ '.
    private static let apostrophes: Set<UInt32> = [0x27, 0x60, 0xB4, 0x2BC, 0x2BB, 0x2019, 0x2018, 0x2032]

    /// Letters written another way once folded, lower and upper case (Bambara orthography, ligatures).
    private static let letterReplacements: [UInt32: String] = [
        0x25B: "e", 0x190: "e",  // ɛ Ɛ
        0x254: "o", 0x186: "o",  // ɔ Ɔ
        0x272: "gn", 0x19D: "gn",  // ɲ Ɲ
        0x14B: "ng", 0x14A: "ng",  // ŋ Ŋ
        0xDF: "ss", 0xE6: "ae", 0xC6: "ae", 0x153: "oe", 0x152: "oe",
        0xF8: "o", 0xD8: "o", 0x111: "d", 0x110: "d", 0x142: "l", 0x141: "l", 0x131: "i",
    ]

    /// The phonetic key of a folded word (see the type's documentation). Letters other than `a`–`z`
    /// are kept as they are.
    ///
    /// Rules, left to right: `ou` → `u` and `w` → `u` (Ouattara = Watara, Doumbia = Dumbia);
    /// `ch`, `sh` → `x`; `c` → `s` before `e`, `i`, `y`, else `k`; `q`, `qu` → `k` (Camara = Kamara,
    /// Cissoko = Sissoko); `dj`, and `di`/`dy` before a vowel → `j` (Diarra = Jara, Djénéba = Jeneba);
    /// `ph` → `f`; `gu` before `e`, `i` → `g`; `h` dropped elsewhere (Mahamadou = Mamadou, Sakho =
    /// Sako, Hawa = Awa); `y` → `i` (Keyita = Keïta, Mayga = Maïga, Coulibaly = Kulibali); `n` before
    /// `b`, `p` → `m` (Dunbiya = Doumbia, Denbele = Dembélé); then a letter repeated is written once
    /// (Diarra = Diara, Sissoko = Sisoko, Mayiga = Maïga).
    public static func phonetic(_ folded: String) -> String {
        let word = Array(folded.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(word.count)
        func emit(_ letter: UInt8) {
            if out.last != letter || letter >= 0x80 { out.append(letter) }
        }
        func at(_ k: Int) -> UInt8 { k < word.count ? word[k] : 0 }
        var k = 0
        while k < word.count {
            let x = word[k], next = at(k + 1), after = at(k + 2)
            var step = 1
            switch x {
            case L.o where next == L.u:
                emit(L.u); step = 2
            case L.w:
                emit(L.u)
            case L.c where next == L.h, L.s where next == L.h:
                emit(L.x); step = 2
            case L.c:
                emit(next == L.e || next == L.i || next == L.y ? L.s : L.k)
            case L.q:
                emit(L.k); step = next == L.u ? 2 : 1
            case L.d where next == L.j:
                emit(L.j); step = 2
            case L.d where (next == L.i || next == L.y) && (after == L.a || after == L.e || after == L.o || after == L.u):
                emit(L.j); step = 2
            case L.p where next == L.h:
                emit(L.f); step = 2
            case L.g where next == L.u && (after == L.e || after == L.i):
                emit(L.g); step = 2
            case L.h:
                break
            case L.y:
                emit(L.i)
            case L.n where next == L.b || next == L.p:
                emit(L.m)
            default:
                emit(x)
            }
            k += step
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The ASCII letters `phonetic` reads.
    private enum L {
        static let a = UInt8(ascii: "a"), b = UInt8(ascii: "b"), c = UInt8(ascii: "c"), d = UInt8(ascii: "d")
        static let e = UInt8(ascii: "e"), f = UInt8(ascii: "f"), g = UInt8(ascii: "g"), h = UInt8(ascii: "h")
        static let i = UInt8(ascii: "i"), j = UInt8(ascii: "j"), k = UInt8(ascii: "k"), m = UInt8(ascii: "m")
        static let n = UInt8(ascii: "n"), o = UInt8(ascii: "o"), p = UInt8(ascii: "p"), q = UInt8(ascii: "q")
        static let s = UInt8(ascii: "s"), u = UInt8(ascii: "u"), w = UInt8(ascii: "w"), x = UInt8(ascii: "x")
        static let y = UInt8(ascii: "y")
    }

    /// Given names that are one name under several spellings (README of the name sources, rule R8:
    /// Bamadaba's variants `\va`, UNICEF HOPE's synonyms), by phonetic key: each key of a group leads
    /// to the keys of the others. Spellings the rules already join (Mahamadou = Mamadou, Awa = Hawa)
    /// are not listed; clan equivalences (`\eq`: Diarra ~ Koné) are different names and never are.
    public static let synonyms: [String: [String]] = {
        let groups = [
            ["mamadou", "mohamed", "mohamadou", "muhammad", "mouhamed", "mamadi"],
            ["ibrahima", "ibrahim", "brahima", "birama", "bourama"],
            ["ousmane", "ousmana", "soumana", "zoumana"],
            ["kadiatou", "kadidia", "kadidiatou"],
            ["youssouf", "issouf"],
            ["aminata", "minata"],
            ["aissata", "assetou", "asta"],
            ["djeneba", "zeinabou"],
        ]
        var table: [String: [String]] = [:]
        for group in groups {
            let keys = Array(Set(group.map(phonetic)))
            for key in keys { table[key] = keys.filter { $0 != key }.sorted() }
        }
        return table
    }()

    /// The keys of a candidate's names and phone number, each once, sorted: `f` + each folded word
    /// of the names; `p` + its phonetic key when that differs from the word (a word that is its own
    /// key is found through its `f` key, see `SearchQuery.Term`) and the keys of its synonyms; `t` +
    /// digits of the phone number (`phoneKeys`).
    public static func keys(familyName: String?, givenNames: String?, phone: String?) -> [String] {
        index(familyName: familyName, givenNames: givenNames, phone: phone).keys
    }

    /// What the index holds of a candidate: `keys(…)` and `sortName(…)`, the names folded once.
    public static func index(familyName: String?, givenNames: String?, phone: String?) -> (keys: [String], sortName: String) {
        let family = words(of: familyName ?? ""), given = words(of: givenNames ?? "")
        var keys = Set<String>()
        for word in family + given {
            keys.insert(foldedPrefix + word)
            let key = phonetic(word)
            if key != word { keys.insert(phoneticPrefix + key) }
            for other in synonyms[key] ?? [] { keys.insert(phoneticPrefix + other) }
        }
        if let phone { for key in phoneKeys(phone) { keys.insert(key) } }
        return (keys.sorted(), sortName(family: family, given: given))
    }

    /// The digits a phone number is found by: every suffix of four digits or more of the number
    /// without its country code (`+223`, `00223`), each `t` + digits. Four digits or more typed
    /// then match by prefix: any four digits or more that follow each other in the number
    /// (`queryDigits` takes `+223` off a query).
    public static func phoneKeys(_ phone: String) -> [String] {
        // Over the UTF-8 bytes: those of the digits 0–9 are no other character's.
        var national = phone.utf8.filter { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }[...]
        if national.starts(with: "00".utf8) { national = national.dropFirst(2) }
        if national.count == 11 && national.starts(with: "223".utf8) { national = national.dropFirst(3) }
        guard national.count >= 4 else { return [] }
        let prefix = Array(digitsPrefix.utf8)
        return (national.startIndex...(national.endIndex - 4)).map { String(decoding: prefix + national[$0...], as: UTF8.self) }
    }

    /// The digit strings a query's digits are looked up as (`t` keys begin with one of them): the
    /// digits, and, for a number typed with the country code (`+223 76 12…`, seven digits or more),
    /// the digits after it.
    public static func queryDigits(_ digits: String) -> [String] {
        digits.count >= 7 && digits.hasPrefix("223") ? [digits, String(digits.dropFirst(3))] : [digits]
    }

    /// The digits of a phone number or of a query, without an international `00` prefix.
    public static func phoneDigits(_ text: String) -> String {
        let digits = String(text.unicodeScalars.filter { $0.value >= 0x30 && $0.value <= 0x39 }.map(Character.init))
        return digits.hasPrefix("00") ? String(digits.dropFirst(2)) : digits
    }

    /// The order of a name in lists: folded family names, then folded given names; a person without a
    /// family name after the others.
    public static func sortName(familyName: String?, givenNames: String?) -> String {
        sortName(family: words(of: familyName ?? ""), given: words(of: givenNames ?? ""))
    }

    static func sortName(family: [String], given: [String]) -> String {
        (family.isEmpty ? "\u{7F}" : family.joined(separator: " ")) + "\u{1}" + given.joined(separator: " ")
    }

    /// The least string greater than every string that starts with `prefix` (for range scans).
    public static func upperBound(of prefix: String) -> String {
        prefix + "\u{10FFFF}"
    }
}
