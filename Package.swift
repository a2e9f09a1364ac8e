// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Jonction",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Jonction", targets: ["Jonction"]),
        .library(name: "JonctionStore", targets: ["JonctionStore"]),
        .library(name: "JonctionBundle", targets: ["JonctionBundle"]),
        .library(name: "JonctionHub", targets: ["JonctionHub"]),
        .library(name: "JonctionMatch", targets: ["JonctionMatch"]),
        .library(name: "JonctionSheets", targets: ["JonctionSheets"]),
        .executable(name: "jonction", targets: ["jonction"]),
        .executable(name: "jonction-bench", targets: ["jonction-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/mattpolzin/OpenAPIKit", from: "6.4.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/CoreOffice/XMLCoder", from: "0.18.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // Pure domain: schema, values, changes, clocks, vectors, merge rule. Foundation only.
        .target(name: "Jonction"),
        // The office replica: SQLite through GRDB, migrations, change log, apply.
        .target(
            name: "JonctionStore",
            dependencies: [
                "Jonction",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // Matching (pure): hard filters, score cards, exact capacitated assignment, explanations.
        .target(name: "JonctionMatch", dependencies: ["Jonction"]),
        // zlib from the system (Debian zlib1g-dev), behind a thin wall. Not named CZlib: ZIPFoundation
        // (JonctionSheets) declares a clang module of that name, and both meet in the command line.
        .systemLibrary(name: "CJonctionZlib", providers: [.apt(["zlib1g-dev"])]),
        // Bundles: the wire format (zlib, SHA-256), mailbag folders, export and import.
        .target(
            name: "JonctionBundle",
            dependencies: ["Jonction", "JonctionStore", "CJonctionZlib", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The hub: HTTP(S) server (Hummingbird, TLS through swift-nio-ssl), sync client (AsyncHTTPClient),
        // enrolment and joining, nightly merge job, the matching configuration (TOML or JSON).
        .target(
            name: "JonctionHub",
            dependencies: [
                "Jonction", "JonctionStore", "JonctionBundle", "JonctionMatch",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        // The office application (`jonction serve`): server-rendered French pages over the replica,
        // templates with swift-mustache, passwords with bcrypt; every asset in the binary.
        .target(
            name: "JonctionWeb",
            dependencies: [
                "Jonction", "JonctionStore", "JonctionBundle", "JonctionHub",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Spreadsheets in and out: CSV as offices have it (encoding and separator detected, CSV.swift),
        // .xlsx (ZIPFoundation, XMLCoder), mapping files (TOML or JSON), rows to records through
        // Field.parse, the one CSV writer, and the import applied to a replica in one transaction.
        .target(
            name: "JonctionSheets",
            dependencies: [
                "Jonction", "JonctionStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "XMLCoder", package: "XMLCoder"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        // A seeded mutation fuzzer of the bundle and change-block decoders (tests and jonction-bench fuzz).
        .target(
            name: "JonctionFuzz",
            dependencies: ["Jonction", "JonctionStore", "JonctionBundle", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .executableTarget(
            name: "jonction",
            dependencies: [
                "Jonction", "JonctionStore", "JonctionBundle", "JonctionHub", "JonctionMatch", "JonctionWeb",
                "JonctionSheets",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "jonction-bench",
            dependencies: [
                "Jonction", "JonctionStore", "JonctionBundle", "JonctionHub", "JonctionMatch", "JonctionFuzz", "JonctionSheets",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // libFuzzer's target for the change-block decoder (README: Limits and fuzzing); an input
        // replayer in an ordinary build.
        .executableTarget(name: "jonction-fuzz", dependencies: ["Jonction"]),
        // Seeded generators, a manual clock and random workloads shared by the tests.
        .target(name: "JonctionTestSupport", dependencies: ["Jonction"], path: "Tests/JonctionTestSupport"),
        .testTarget(name: "JonctionTests", dependencies: ["Jonction", "JonctionTestSupport"]),
        .testTarget(
            name: "JonctionSheetsTests",
            dependencies: ["Jonction", "JonctionSheets", "JonctionTestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        .testTarget(
            name: "JonctionStoreTests",
            dependencies: ["Jonction", "JonctionStore", "JonctionTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "JonctionBundleTests",
            dependencies: [
                "Jonction", "JonctionStore", "JonctionBundle", "JonctionFuzz", "JonctionTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "JonctionHubTests",
            dependencies: [
                "Jonction", "JonctionStore", "JonctionBundle", "JonctionHub", "JonctionMatch", "JonctionFuzz", "JonctionTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "OpenAPIKit", package: "OpenAPIKit"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "JonctionWebTests",
            dependencies: [
                "JonctionWeb", "Jonction", "JonctionStore", "JonctionBundle", "JonctionHub", "JonctionTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "JonctionMatchTests", dependencies: ["Jonction", "JonctionMatch", "JonctionTestSupport"]),
        .testTarget(
            name: "JonctionCLITests",
            dependencies: [
                "jonction", "jonction-bench", "Jonction", "JonctionStore", "JonctionBundle", "JonctionFuzz", "JonctionTestSupport",
                "JonctionSheets", "JonctionHub", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
    ]
)
