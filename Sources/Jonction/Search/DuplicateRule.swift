/// Which registered people are likely the same person (issue 15): the same person registered in
/// Kayes and again in Mopti, with her name spelt another way. Pure: the store hands it the live
/// candidates; `jonction duplicates` and the web application show its pairs with their reasons.
///
/// Names are compared by the phonetic keys of `SearchKey` (Keïta = Keita, Diarra = Jara = Diara,
/// Coulibaly = Kulibali, Mahamadou = Mamadou, given-name synonyms), never by resemblance: Koné and
/// Konaté have different keys and are different families. A pair is proposed when its score
/// reaches `threshold` and the family names or the phone numbers agree.
public enum DuplicateRule {
    /// What the rule reads of a person.
    public struct Person: Sendable, Equatable {
        public var id: String
        public var familyName: String?
        public var givenNames: String?
        public var birthYear: Int64?
        public var phone: String?
        public var commune: String?

        public init(id: String, familyName: String?, givenNames: String?, birthYear: Int64?, phone: String?, commune: String?) {
            self.id = id
            self.familyName = familyName
            self.givenNames = givenNames
            self.birthYear = birthYear
            self.phone = phone
            self.commune = commune
        }
    }

    /// Why two records may be one person, each with its weight in the score.
    public enum Reason: Sendable, Equatable {
        case familyName(exact: Bool)
        case familyNamePart
        case givenName(exact: Bool)
        case givenNamePart
        case otherGivenNames
        case otherGivenNamesDiffer
        case birthYear
        case birthYearNear
        case birthYearFar
        case phone
        case phoneDiffers
        case commune
        case communeDiffers

        public var weight: Int {
            switch self {
            case .familyName: 35
            case .familyNamePart: 20
            case .givenName: 25
            case .givenNamePart: 15
            case .otherGivenNames: 10
            case .otherGivenNamesDiffer: -10
            case .birthYear: 15
            case .birthYearNear: 5
            case .birthYearFar: -40
            case .phone: 40
            case .phoneDiffers: -15
            case .commune: 10
            case .communeDiffers: -10
            }
        }

        public func message(_ lang: Lang) -> String {
            switch self {
            case .familyName(let exact): exact ? lang.pick("même nom de famille", "same family name")
                : lang.pick("même nom de famille, autre orthographe", "same family name, another spelling")
            case .familyNamePart: lang.pick("un nom de famille en commun", "a family name in common")
            case .givenName(let exact): exact ? lang.pick("même prénom", "same given name")
                : lang.pick("même prénom, autre orthographe", "same given name, another spelling")
            case .givenNamePart: lang.pick("un prénom en commun", "a given name in common")
            case .otherGivenNames: lang.pick("mêmes autres prénoms", "same other given names")
            case .otherGivenNamesDiffer: lang.pick("autres prénoms différents", "different other given names")
            case .birthYear: lang.pick("même année de naissance", "same year of birth")
            case .birthYearNear: lang.pick("années de naissance à un an près", "years of birth one year apart")
            case .birthYearFar: lang.pick("années de naissance éloignées", "years of birth far apart")
            case .phone: lang.pick("même téléphone", "same phone")
            case .phoneDiffers: lang.pick("téléphones différents", "different phones")
            case .commune: lang.pick("même commune", "same commune")
            case .communeDiffers: lang.pick("communes différentes", "different communes")
            }
        }
    }

    public struct Pair: Sendable, Equatable {
        public var first: String
        public var second: String
        public var score: Int
        public var reasons: [Reason]
    }

    /// The least score of a pair proposed.
    public static let threshold = 75
    /// The least score for a warning before a new person is registered: lower, since a clerk looks
    /// at the names shown before going on.
    public static let warningThreshold = 60
    /// People sharing one block key beyond this many are compared within finer blocks only (a
    /// bound on the work: the pairs of a block grow as its square).
    static let maximumBlock = 400

    /// The likely pairs among `people`, best first (then by ids), each pair once (`first < second`).
    public static func pairs(_ people: [Person]) -> [Pair] {
        let facts = people.map(Facts.init)
        // Blocks: the same family-name key and first given-name key, or the same phone number.
        var blocks: [String: [Int]] = [:]
        for (i, f) in facts.enumerated() {
            for family in f.familyKeys {
                for given in f.firstGivenKeys { blocks["n" + family + "|" + given, default: []].append(i) }
            }
            if let phone = f.phone { blocks["t" + phone, default: []].append(i) }
        }
        var seen = Set<Int64>()
        var found: [Pair] = []
        for (_, members) in blocks where members.count > 1 {
            let block = members.count > maximumBlock ? Array(members.prefix(maximumBlock)) : members
            for x in 0..<block.count {
                for y in (x + 1)..<block.count {
                    let (i, j) = (min(block[x], block[y]), max(block[x], block[y]))
                    guard i != j, seen.insert(Int64(i) << 32 | Int64(j)).inserted else { continue }
                    if let pair = compare(facts[i], facts[j]) { found.append(pair) }
                }
            }
        }
        return found.sorted { ($1.score, $0.first, $0.second) < ($0.score, $1.first, $1.second) }
    }

    /// The pair two people make, or nil when they are not alike enough.
    public static func compare(_ a: Person, _ b: Person, threshold: Int = threshold) -> Pair? {
        compare(Facts(a), Facts(b), threshold: threshold)
    }

    struct Facts {
        var person: Person
        var familyFolded: [String]
        var familyKeys: Set<String>
        var givenFolded: [String]
        var givenKeys: [Set<String>]
        var firstGivenKeys: Set<String>
        var phone: String?
        var commune: String?

        init(_ p: Person) {
            person = p
            familyFolded = SearchKey.words(of: p.familyName ?? "")
            familyKeys = Set(familyFolded.map(SearchKey.phonetic))
            givenFolded = SearchKey.words(of: p.givenNames ?? "")
            givenKeys = givenFolded.map { word in
                let key = SearchKey.phonetic(word)
                return Set([key] + (SearchKey.synonyms[key] ?? []))
            }
            firstGivenKeys = givenKeys.first ?? []
            let digits = SearchKey.phoneDigits(p.phone ?? "")
            phone = digits.count >= 8 ? String(digits.suffix(8)) : nil
            commune = p.commune.map { SearchKey.words(of: $0).joined(separator: " ") }.flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    static func compare(_ a: Facts, _ b: Facts, threshold: Int = threshold) -> Pair? {
        var reasons: [Reason] = []
        var namesAgree = false
        if !a.familyKeys.isEmpty, a.familyKeys == b.familyKeys {
            reasons.append(.familyName(exact: a.familyFolded == b.familyFolded))
            namesAgree = true
        } else if !a.familyKeys.isDisjoint(with: b.familyKeys) {
            reasons.append(.familyNamePart)
            namesAgree = true
        }
        if let first = a.givenKeys.first, let other = b.givenKeys.first, !first.isDisjoint(with: other) {
            reasons.append(.givenName(exact: a.givenFolded.first == b.givenFolded.first))
        } else if a.givenKeys.contains(where: { k in b.givenKeys.contains { !$0.isDisjoint(with: k) } }) {
            reasons.append(.givenNamePart)
        }
        // The other given names, when both have some: the same ones, or others.
        let restA = a.givenKeys.dropFirst(), restB = b.givenKeys.dropFirst()
        if !restA.isEmpty, !restB.isEmpty {
            let shared = restA.contains { k in restB.contains { !$0.isDisjoint(with: k) } }
            reasons.append(shared ? .otherGivenNames : .otherGivenNamesDiffer)
        }
        if let x = a.person.birthYear, let y = b.person.birthYear {
            switch abs(x - y) {
            case 0: reasons.append(.birthYear)
            case 1: reasons.append(.birthYearNear)
            case 2: break
            default: reasons.append(.birthYearFar)
            }
        }
        var phoneAgrees = false
        if let x = a.phone, let y = b.phone {
            if x == y {
                reasons.append(.phone)
                phoneAgrees = true
            } else {
                reasons.append(.phoneDiffers)
            }
        }
        if let x = a.commune, let y = b.commune { reasons.append(x == y ? .commune : .communeDiffers) }
        let score = reasons.reduce(0) { $0 + $1.weight }
        guard score >= threshold, namesAgree || phoneAgrees else { return nil }
        let (first, second) = a.person.id < b.person.id ? (a.person.id, b.person.id) : (b.person.id, a.person.id)
        return Pair(first: first, second: second, score: min(score, 100), reasons: reasons)
    }
}
