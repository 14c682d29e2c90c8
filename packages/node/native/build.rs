fn main() {
    napi_build::setup();
    // The addon finds llama.cpp's shared libraries (portable build) in its own folder, where
    // scripts/copy-native-libs.mjs puts them and the npm package ships them. DT_RPATH (not the
    // newer DT_RUNPATH) because it also applies to the libraries' own dependencies on each other.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,--disable-new-dtags,-rpath,$ORIGIN");
    }
}
