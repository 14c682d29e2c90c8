fn main() {
    // Portable builds link llama.cpp as shared libraries, which llama-cpp-sys-2 places in
    // target/<triple>/<profile>/. This package's binaries (examples in examples/, tests in
    // deps/) find them there when run directly, not only through `cargo run`.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg=-Wl,--disable-new-dtags,-rpath,$ORIGIN:$ORIGIN/..");
    }
}
