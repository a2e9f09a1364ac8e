import Foundation
import Jonction
import Testing

@Suite("JSON canonique")
struct CanonicalJSONTests {
    @Test("clés triées par octets, échappements minimaux, JSON valide")
    func canonical() throws {
        var records = RecordSet(schema: .current)
        let site = SiteName(unchecked: "kayes")
        for (i, (field, value)) in [("notes", Value.text("ligne 1\nligne \"2\" \\ é\u{1}")), ("birth_year", .integer(1999)),
                                    ("family_name", .text("Keïta"))].enumerated() {
            try records.apply(Change(origin: site, seq: UInt64(i + 1), hlc: HLC(millis: 1), table: "candidate", id: "k-1",
                                     operation: .set(field: field, value: value)))
        }
        let json = records.canonicalJSON()
        #expect(json == #"{"candidate":{"k-1":{"birth_year":1999,"family_name":"Keïta","notes":"ligne 1\nligne \"2\" \\ é\u0001"}},"employer":{},"opportunity":{},"placement":{},"proposal":{}}"#)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        #expect((parsed?["candidate"] as? [String: Any])?["k-1"] != nil)
    }

    @Test("l’ordre des octets UTF-8 : préfixes, accents composés ou non, chaînes égales")
    func byteOrder() {
        let words = ["", "a", "ab", "abc", "b", "B", "é", "e\u{301}", "ea", "e", "z", "Ω", "€", "bureau-10", "bureau-9", "bureau-", "\u{0}"]
        for a in words {
            for b in words {
                #expect(CanonicalJSON.precedes(a, b) == Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8)), "\(a) < \(b)")
            }
        }
        #expect(CanonicalJSON.precedes("e\u{301}", "é") && !CanonicalJSON.precedes("é", "e\u{301}"))
        #expect(!CanonicalJSON.precedes("bureau-9", "bureau-9"))
    }
}
