fn main() {
    // The extension module finds llama.cpp's shared libraries (portable build) in its own
    // folder (the `mullama` package), where scripts/copy-native-libs.mjs puts them and the
    // wheel ships them. DT_RPATH: it also applies to the libraries' dependencies on each other.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,--disable-new-dtags,-rpath,$ORIGIN");
    }
}
