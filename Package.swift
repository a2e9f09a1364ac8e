// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Jonction",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Jonction", targets: ["Jonction"]),
        .library(name: "JonctionStore", targets: ["JonctionStore"]),
        .library(name: "JonctionBundle", targets: ["JonctionBundle"]),
        .executable(name: "jonction", targets: ["jonction"]),
        .executable(name: "jonction-bench", targets: ["jonction-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
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
        // zlib from the system (Debian zlib1g-dev), behind a thin wall.
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // Bundles: the wire format (zlib, SHA-256), mailbag folders, export and import.
        .target(
            name: "JonctionBundle",
            dependencies: ["Jonction", "JonctionStore", "CZlib", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .executableTarget(
            name: "jonction",
            dependencies: [
                "Jonction", "JonctionStore", "JonctionBundle",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "jonction-bench",
            dependencies: [
                "Jonction", "JonctionStore", "JonctionBundle",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Seeded generators, a manual clock and random workloads shared by the tests.
        .target(name: "JonctionTestSupport", dependencies: ["Jonction"], path: "Tests/JonctionTestSupport"),
        .testTarget(name: "JonctionTests", dependencies: ["Jonction", "JonctionTestSupport"]),
        .testTarget(name: "JonctionStoreTests", dependencies: ["Jonction", "JonctionStore", "JonctionTestSupport"]),
        .testTarget(name: "JonctionBundleTests", dependencies: ["Jonction", "JonctionStore", "JonctionBundle", "JonctionTestSupport"]),
        .testTarget(name: "JonctionCLITests", dependencies: ["jonction", "Jonction", "JonctionStore", "JonctionTestSupport"]),
    ]
)
