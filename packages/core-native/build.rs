//! Portable builds (feature `portable`): llama-cpp-sys-2 installs llama.cpp's shared libraries
//! in its OUT_DIR/lib and the CPU backend modules in OUT_DIR/backends. This script
//! - hands the backends folder to src/backends.rs as the last place to look at run time;
//! - copies the run-time files (the sonames, `libllama.so.0` and so on, and every
//!   `libggml-cpu-*.so`) into target/<triple>/<profile>/, beside the binaries cargo builds, the
//!   same folder llama-cpp-sys-2 already links its `.so` names into; a binary there, or its
//!   folder copied elsewhere, runs without LD_LIBRARY_PATH;
//! - tells the bindings' build scripts where both folders are (DEP_MULLAMA_CORE_*);
//! - gives this crate's own binaries and tests an rpath to that folder.
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=DEP_LLAMA_BACKENDS_DIR");
    let backends = std::env::var("DEP_LLAMA_BACKENDS_DIR").unwrap_or_default();
    println!("cargo:rustc-env=MULLAMA_BUILD_BACKENDS_DIR={backends}");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg=-Wl,--disable-new-dtags,-rpath,$ORIGIN:$ORIGIN/..");
    }
    if backends.is_empty() {
        return; // static llama.cpp: nothing to place
    }
    let backends = PathBuf::from(backends);
    let lib = backends.parent().expect("backends folder has a parent").join("lib");
    // For the bindings' build scripts: the wheel carries these files inside its package.
    println!("cargo:lib_dir={}", lib.display());
    println!("cargo:backends_dir={}", backends.display());
    // OUT_DIR is target/<triple>/<profile>/build/mullama-core-<hash>/out.
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let Some(profile_dir) = out.ancestors().nth(3) else { return };
    copy_matching(&lib, profile_dir, |n| is_soname(n));
    copy_matching(&backends, profile_dir, |n| n.starts_with("libggml-cpu-") && n.ends_with(".so"));
}

/// `libggml.so.0`: the name DT_NEEDED entries use (not `libggml.so` or `libggml.so.0.26.0`).
fn is_soname(name: &str) -> bool {
    let Some((stem, version)) = name.rsplit_once(".so.") else { return false };
    (stem.starts_with("libllama") || stem.starts_with("libggml")) && version.chars().all(|c| c.is_ascii_digit())
}

fn copy_matching(from: &Path, to: &Path, wanted: impl Fn(&str) -> bool) {
    let Ok(entries) = std::fs::read_dir(from) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !wanted(&name) {
            continue;
        }
        let src = entry.path();
        println!("cargo:rerun-if-changed={}", src.display());
        let dst = to.join(&name);
        // Replace, never write through: an old copy may be a hard link into another build.
        let _ = std::fs::remove_file(&dst);
        if let Err(e) = std::fs::copy(&src, &dst) {
            println!("cargo:warning=could not copy {} to {}: {e}", src.display(), dst.display());
        }
    }
}
