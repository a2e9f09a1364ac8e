import Foundation
import Jonction

// libFuzzer's target for the change-block decoder (coverage-guided; the seeded harness of
// JonctionFuzz covers the bundle layers and the import). Built for fuzzing with:
//
//   swift build -c release --scratch-path .build-fuzz --product jonction-fuzz \
//       -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING
//   .build-fuzz/release/jonction-fuzz -max_total_time=600 /tmp/corpus Fixtures/fuzz
//
// With FUZZING, the entry point hands `LLVMFuzzerTestOneInput` to libFuzzer's driver. In an
// ordinary build, `jonction-fuzz FILE…` replays inputs (a crash libFuzzer saved, for instance).

/// Decodes `bytes` as a change block; a decoded block must re-encode to the same changes.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    guard let changes = try? ChangeBlock.decode(bytes) else { return 0 }
    guard (try? ChangeBlock.decode(ChangeBlock.encode(changes))) == changes else {
        fatalError("a decoded block does not re-encode to itself")
    }
    return 0
}

#if FUZZING
// SwiftPM links an executable's entry point under this name: hand it to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("jonction_fuzz_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc, argv = argv
    return runFuzzerDriver(&argc, &argv) { testOneInput($0, $1) }
}
#else
@main
enum BlockFuzzReplay {
    static func main() throws {
        for path in CommandLine.arguments.dropFirst() {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            _ = bytes.withUnsafeBufferPointer { testOneInput($0.baseAddress, $0.count) }
            print("\(path): \(bytes.count) bytes, \((try? ChangeBlock.decode(bytes).count).map { "\($0) changes" } ?? "refused")")
        }
    }
}
#endif
