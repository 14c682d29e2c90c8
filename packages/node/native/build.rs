//! The npm package carries llama.cpp's shared libraries (portable build) at its root, beside the
//! `.node` addon, which finds them through its $ORIGIN rpath. They are copied there during the
//! cargo build that `napi build` runs (packages/python-gen/native/build.rs does the same for the
//! wheel).
use std::path::{Path, PathBuf};

fn main() {
    napi_build::setup();
    // DT_RPATH (not DT_RUNPATH): it also applies to the libraries' dependencies on each other.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,--disable-new-dtags,-rpath,$ORIGIN");
    }
    println!("cargo:rerun-if-env-changed=DEP_MULLAMA_CORE_LIB_DIR");
    println!("cargo:rerun-if-env-changed=DEP_MULLAMA_CORE_BACKENDS_DIR");
    let (Ok(lib), Ok(backends)) = (std::env::var("DEP_MULLAMA_CORE_LIB_DIR"), std::env::var("DEP_MULLAMA_CORE_BACKENDS_DIR")) else {
        return; // static llama.cpp: nothing to carry
    };
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let package = manifest.join("..");
    // Stale copies from another llama.cpp build must not mix with this one.
    for entry in std::fs::read_dir(&package).into_iter().flatten().flatten() {
        if is_runtime_file(&entry.file_name().to_string_lossy()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    copy(Path::new(&lib), &package, is_soname);
    copy(Path::new(&backends), &package, |n| n.starts_with("libggml-cpu-") && n.ends_with(".so"));
}

fn is_runtime_file(name: &str) -> bool {
    is_soname(name) || (name.starts_with("libggml-cpu-") && name.ends_with(".so"))
}

/// `libggml.so.0`: the name DT_NEEDED entries use (not `libggml.so` or `libggml.so.0.26.0`).
fn is_soname(name: &str) -> bool {
    let Some((stem, version)) = name.rsplit_once(".so.") else { return false };
    (stem.starts_with("libllama") || stem.starts_with("libggml")) && version.chars().all(|c| c.is_ascii_digit())
}

fn copy(from: &Path, to: &Path, wanted: impl Fn(&str) -> bool) {
    for entry in std::fs::read_dir(from).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if wanted(&name) {
            println!("cargo:rerun-if-changed={}", entry.path().display());
            if let Err(e) = std::fs::copy(entry.path(), to.join(&name)) {
                println!("cargo:warning=could not copy {name} into {}: {e}", to.display());
            }
        }
    }
}
