import Jonction
import Testing

/// Issue 14: a clerk finds a person whatever the accents, the case and the spelling of a Malian name
/// (the variants of Bamadaba and of the French colonial spellings), and only them.
@Suite("Recherche : mots pliés, clés phonétiques, variantes des noms maliens")
struct SearchKeyTests {
    /// How a record with these names matches a query, or nil.
    func match(_ query: String, family: String? = nil, given: String? = nil, phone: String? = nil,
               id: String = "kayes-c1") -> SearchQuery.Match? {
        SearchQuery(query).match(id: id, familyName: family, givenNames: given, phone: phone)
    }

    @Test("les mots pliés : minuscules, sans accents ni tons, apostrophes ôtées, lettres bambara à la française")
    func folding() {
        #expect(SearchKey.words(of: "Awa Diarra Keïta") == ["awa", "diarra", "keita"])
        #expect(SearchKey.words(of: "TRAORÉ") == ["traore"])
        #expect(SearchKey.words(of: "N’Diaye") == ["ndiaye"])
        #expect(SearchKey.words(of: "N'Diaye") == ["ndiaye"])
        #expect(SearchKey.words(of: "Kɔ́nɛ") == ["kone"])
        #expect(SearchKey.words(of: "Tàrawele") == ["tarawele"])
        #expect(SearchKey.words(of: "Ɲɛ̀nɛ́bà") == ["gneneba"])
        #expect(SearchKey.words(of: "Diarra-Keïta  (dite « Nana »)") == ["diarra", "keita", "dite", "nana"])
        #expect(SearchKey.words(of: "kayes-c16") == ["kayes", "c16"])
        #expect(SearchKey.words(of: " - ; ").isEmpty)
        // The decomposed and composed forms of a name give the same word.
        #expect(SearchKey.words(of: "Konate\u{301}") == SearchKey.words(of: "Konaté"))
    }

    @Test("une paire de variantes a la même clé phonétique", arguments: [
        ("Keïta", "Keita"), ("Keïta", "Keyita"), ("Diarra", "Jara"), ("Diarra", "Diara"), ("Diarra", "Dyarra"),
        ("Coulibaly", "Kulibali"), ("Coulibaly", "Coulibali"), ("Traoré", "Traore"), ("Maïga", "Maiga"),
        ("Maïga", "Mayga"), ("Maïga", "Mayiga"), ("Mahamadou", "Mamadou"), ("Touré", "Toure"), ("Sissoko", "Cissoko"),
        ("Sissoko", "Sissokho"), ("Sissoko", "Sisoko"), ("Konaté", "Konate"), ("Dembélé", "Dembele"), ("Dembélé", "Denbele"),
        ("Ouattara", "Watara"), ("Ouattara", "Ouatara"), ("Doumbia", "Dumbia"), ("Doumbia", "Dunbiya"),
        ("Camara", "Kamara"), ("Sacko", "Sako"), ("Sacko", "Sakho"), ("Cissé", "Sise"), ("Djénéba", "Jeneba"),
        ("Diallo", "Jalo"), ("Diakité", "Jakite"), ("Haïdara", "Haidara"), ("Hawa", "Awa"), ("Youssouf", "Yusuf"),
        ("Oumou", "Umu"), ("Kouyaté", "Kuyate"), ("Cheick", "Sheik"),
    ])
    func variants(_ pair: (String, String)) {
        let (a, b) = pair
        let ka = SearchKey.words(of: a).map(SearchKey.phonetic), kb = SearchKey.words(of: b).map(SearchKey.phonetic)
        #expect(ka == kb, "\(a) → \(ka), \(b) → \(kb)")
        // Either spelling, typed in the search box, finds the other.
        #expect(match(a, family: b) != nil)
        #expect(match(b, family: a) != nil)
    }

    @Test("des noms différents ne se trouvent pas l’un l’autre", arguments: [
        ("Diarra", "Diallo"), ("Keita", "Kane"), ("Koné", "Konaté"), ("Traoré", "Touré"), ("Keïta", "Koïta"),
        ("Diarra", "Koné"), ("Sidibé", "Sow"), ("Coulibaly", "Kouyaté"), ("Maïga", "Magassa"), ("Cissé", "Sissoko"),
    ])
    func differentNames(_ pair: (String, String)) {
        let (a, b) = pair
        #expect(match(a, family: b) == nil, "\(a) finds \(b)")
        #expect(match(b, family: a) == nil, "\(b) finds \(a)")
    }

    @Test("« keita diara » trouve Awa Diarra Keïta : chaque mot de la requête commence un mot de la fiche")
    func everyWordMatches() {
        #expect(match("keita diara", family: "Diarra Keïta", given: "Awa") == .variant)
        #expect(match("keïta diarra", family: "Diarra Keïta", given: "Awa") == .whole)
        #expect(match("KEITA AWA", family: "Diarra Keïta", given: "Awa") == .whole)
        #expect(match("awa kei", family: "Diarra Keïta", given: "Awa") == .prefix)
        #expect(match("keita diallo", family: "Diarra Keïta", given: "Awa") == nil)
        #expect(match("keita fatoumata", family: "Diarra Keïta", given: "Awa") == nil)
        #expect(match("Diarra-Keïta", family: "Keïta", given: "Awa Diarra") == .whole)
    }

    @Test("saisie au fil de la frappe : chaque début du nom le trouve, écrit comme la fiche ou en variante")
    func asYouType() {
        for name in ["Coulibaly", "Ouattara", "Diarra", "Mahamadou", "Keïta", "Dembélé", "Sissoko"] {
            let typed = SearchKey.words(of: name)[0]
            for n in 1...typed.count {
                let prefix = String(typed.prefix(n))
                #expect(match(prefix, family: name) != nil, "\(prefix) → \(name)")
            }
        }
        for (typed, name) in [("kul", "Coulibaly"), ("kulib", "Coulibaly"), ("wat", "Ouattara"), ("jar", "Diarra"),
                              ("mama", "Mahamadou"), ("keyi", "Keïta"), ("cis", "Sissoko"), ("dumb", "Doumbia")] {
            #expect(match(typed, family: name) == .variant, "\(typed) → \(name)")
        }
    }

    @Test("les plus proches d’abord : le mot entier, puis son début, puis une variante")
    func levels() {
        #expect(match("diarra", family: "Diarra") == .whole)
        #expect(match("diar", family: "Diarra") == .prefix)
        #expect(match("diara", family: "Diarra") == .variant)
        #expect(match("jara", family: "Diarra") == .variant)
        #expect(match("diarra", family: "Diarrassouba") == .prefix)
        // One letter finds the names it begins, variants from the second letter; « h » alone,
        // silent, finds the names in H, not every name.
        #expect(match("h", family: "Haïdara") == .prefix)
        #expect(match("h", family: "Diarra") == nil)
        #expect(match("hh", family: "Diarra") == nil)
        #expect(match("c", family: "Coulibaly") == .prefix)
        #expect(match("k", family: "Coulibaly") == nil)
        #expect(match("ku", family: "Coulibaly") == .variant)
    }

    @Test("quelques prénoms sont un seul nom sous plusieurs graphies (Bamadaba, HOPE)")
    func givenNameSynonyms() {
        #expect(match("mohamed", given: "Mamadou") == .variant)
        #expect(match("mamadou", given: "Mohamed") == .variant)
        #expect(match("brahima", given: "Ibrahima") == .variant)
        #expect(match("zoumana", given: "Ousmane") == .variant)
        #expect(match("kadidia", given: "Kadiatou") == .variant)
        #expect(match("fatoumata", given: "Mamadou") == nil)
        #expect(match("moussa", given: "Mamadou") == nil)
    }

    @Test("le téléphone : au moins quatre chiffres qui s’y suivent, avec ou sans +223 ni espaces")
    func phone() {
        let phone = "+223 76 12 34 56"
        for typed in ["76123456", "76 12 34 56", "+223 76 12 34 56", "0022376123456", "22376123456", "3456", "1234",
                      "612 3", "+223 76 12", "76-12-34-56", "(223) 76.12.34.56"] {
            #expect(match(typed, family: "Traoré", phone: phone) == .whole, "\(typed)")
        }
        for typed in ["123", "7654", "76123457", "+223 66 12 34 56", "+223 76"] {
            #expect(match(typed, family: "Traoré", phone: phone) == nil, "\(typed)")
        }
        // A number written without +223 is found with it too.
        #expect(match("+223 76 12 34 56", phone: "76 12 34 56") == .whole)
        #expect(match("traore 3456", family: "Traoré", phone: phone) == .whole)
        #expect(match("keita 3456", family: "Traoré", phone: phone) == nil)
    }

    @Test("les clés d’un téléphone : chaque suite d’au moins quatre chiffres qui finit le numéro national, sans 00 ni 223 devant")
    func phoneKeys() {
        #expect(SearchKey.phoneKeys("+223 76 12 34 56") == ["t76123456", "t6123456", "t123456", "t23456", "t3456"])
        #expect(SearchKey.phoneKeys("00223 76-12-34-56") == SearchKey.phoneKeys("76 12 34 56"))
        #expect(SearchKey.phoneKeys("+33 6 12 34 56 78").first == "t33612345678")
        #expect(SearchKey.phoneKeys("223 4") == ["t2234"])
        #expect(SearchKey.phoneKeys("12 3") == [])
        #expect(SearchKey.phoneKeys("") == [])
        // Digits of other scripts are not these digits; letters, accents and emoji among them change nothing.
        #expect(SearchKey.phoneKeys("٧٦١٢٣٤٥٦") == [])
        #expect(SearchKey.phoneKeys("７６１２３４５６") == [])
        #expect(SearchKey.phoneKeys("tél. 76 12 é 34 56 📞") == SearchKey.phoneKeys("76123456"))
    }

    @Test("un identifiant par son début ; un nom seul n’est pas cherché parmi les identifiants")
    func ids() {
        #expect(match("kayes-c1", id: "kayes-c16") == .whole)
        #expect(match("KAYES-C16", id: "kayes-c16") == .whole)
        #expect(match("kayes-c2", id: "kayes-c16") == nil)
        #expect(match("kayes", id: "kayes-c16") == nil)
        #expect(match("c16", family: "Traoré", id: "kayes-c16") == nil)
    }

    @Test("la requête est bornée : 200 caractères, 8 mots ; les mots répétés et la ponctuation seule ne comptent pas")
    func bounds() {
        let long = Array(repeating: "awa", count: 20).enumerated().map { "\($1)\($0)" }.joined(separator: " ")
        #expect(SearchQuery(long).terms.count == SearchQuery.maxTerms)
        #expect(SearchQuery(String(repeating: "a", count: 10_000)).terms.first?.folded?.count == SearchQuery.maxCharacters)
        #expect(SearchQuery("awa awa AWA").terms.count == 1)
        #expect(SearchQuery("  - ; « »  ").isEmpty)
        #expect(SearchQuery("Diarra - Keïta").terms.count == 2)
    }

    @Test("l’ordre des listes : nom de famille puis prénoms, pliés ; sans nom de famille à la fin")
    func sortName() {
        let names = [("Keïta", "Awa"), ("Keita", "Bintou"), ("Diarra", "Oumar"), ("Ébo", "Ali"), (nil, "Sata"), ("Keïta Diarra", "Awa")]
        let sorted = names.sorted { SearchKey.sortName(familyName: $0.0, givenNames: $0.1) < SearchKey.sortName(familyName: $1.0, givenNames: $1.1) }
        #expect(sorted.map { $0.1 } == ["Oumar", "Ali", "Awa", "Bintou", "Awa", "Sata"])
    }
}
