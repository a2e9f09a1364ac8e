extension Schema {
    /// The data model this build speaks: version 3 (protocol.md §2). Version 2 has the tables and
    /// fields of version 1 unchanged and enforces the normal forms of §2.2 on every value received;
    /// bundles of version 1 are still read, their values out of normal form taken as null (§2.2).
    /// Version 3 adds `opportunity.teaches`, the skills a training gives (§2.1, §2.5); bundles of
    /// version 2 are read as they are. Frozen: a change to the data model is a new version.
    public static let current = Schema(version: 3, tables: [
        TableSchema("candidate", [
            Field("family_name", .text(maxLength: 100), identifying: true),
            Field("given_names", .text(maxLength: 100), identifying: true),
            Field("sex", .enumeration(["F", "M", "X"])),
            Field("birth_year", .integer(1900...2100)),
            Field("phone", .phone, identifying: true),
            Field("region", .region),
            Field("commune", .text(maxLength: 100), identifying: true),
            Field("origin_status", .enumeration(["returnee", "displaced", "host_youth", "other"])),
            Field("isco", .isco),
            Field("skills", .list(.free)),
            Field("languages", .list(.languageCodes)),
            Field("education", .enumeration(Schema.educationLevels)),
            Field("relocate", .flag),
            Field("available_from", .date),
            Field("status", .enumeration(["registered", "trained", "placed", "withdrawn"])),
            Field("consent", .enumeration(["none", "programme", "employers"])),
            Field("notes", .text(maxLength: 2000, multiline: true), identifying: true),
        ]),
        TableSchema("employer", [
            Field("name", .text(maxLength: 200)),
            Field("federation", .text(maxLength: 200)),
            Field("sector", .text(maxLength: 100)),
            Field("region", .region),
            Field("contact_phone", .phone),
        ]),
        TableSchema("opportunity", [
            Field("employer_id", .reference(table: "employer")),
            Field("kind", .enumeration(["job", "training", "internship"])),
            Field("title", .text(maxLength: 200)),
            Field("isco", .isco),
            Field("skills_required", .list(.free)),
            Field("languages", .list(.languageCodes)),
            Field("min_education", .enumeration(Schema.educationLevels)),
            Field("region", .region),
            Field("places", .integer(0...1_000_000)),
            Field("starts_on", .date),
            Field("ends_on", .date),
            Field("status", .enumeration(["open", "filled", "closed"])),
            Field("teaches", .list(.free)),
        ]),
        TableSchema("proposal", [
            Field("candidate_id", .reference(table: "candidate")),
            Field("opportunity_id", .reference(table: "opportunity")),
            Field("score", .integer(1...100)),
            Field("reasons", .text(maxLength: 2000, multiline: true)),
            Field("round", .integer(1...1_000_000)),
            Field("status", .enumeration(["proposed", "accepted", "declined", "expired"])),
        ]),
        TableSchema("placement", [
            Field("candidate_id", .reference(table: "candidate")),
            Field("opportunity_id", .reference(table: "opportunity")),
            Field("started_on", .date),
            Field("ended_on", .date),
            Field("outcome", .text(maxLength: 500, multiline: true), identifying: true),
        ]),
    ])

    /// Data model version 2, frozen: `current` without the fields version 3 added. What the
    /// migrations written for version 2 (`v5-data-model-2`) walk, so that they still run on a
    /// replica that has not reached version 3 yet.
    public static let version2 = Schema(version: 2, tables: current.tables.map { table in
        TableSchema(table.name, table.fields.filter { !addedInVersion3.contains("\(table.name).\($0.name)") })
    })

    /// The fields version 3 added, as `table.field`: a bundle that sets one of them is of version 3
    /// (protocol.md §5.1); one that does not is still of version 2, so that an office not yet
    /// updated keeps receiving it.
    public static let addedInVersion3: Set<String> = ["opportunity.teaches"]

    /// The data model version a bundle of these changes is written in (protocol.md §5.1): 3 if one
    /// sets a field of ``addedInVersion3``, else 2.
    public static func dataModelVersion(of changes: some Sequence<Change>) -> Int {
        for change in changes {
            if case .set(let field, _) = change.operation, addedInVersion3.contains("\(change.table).\(field)") { return 3 }
        }
        return 2
    }

    /// Levels of education, lowest first (the order `min_education` compares by).
    public static let educationLevels = ["aucun", "primaire", "DEF", "CAP", "BT", "bac", "licence", "master"]

    /// Bamako district and the 19 regions of Mali, in their official spelling.
    public static let regions = [
        "Bamako", "Kayes", "Koulikoro", "Sikasso", "Ségou", "Mopti", "Tombouctou", "Gao", "Kidal", "Taoudénit",
        "Ménaka", "Nioro", "Kita", "Dioïla", "Nara", "Bougouni", "Koutiala", "San", "Douentza", "Bandiagara",
    ]
}
