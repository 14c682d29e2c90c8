//! The wheel carries llama.cpp's shared libraries (portable build) inside the `mullama` package,
//! in `mullama/lib/` (a folder, not a module: tools that list a package's modules, such as mypy's
//! stubtest, would take each `.so` beside `__init__.py` for an extension module), where the
//! extension module finds them through its $ORIGIN/lib rpath. Copying them into
//! the package's source folder here, during the cargo build that maturin runs, makes every way
//! of building the wheel carry them: `maturin build`, `maturin develop`, and pip building the
//! sdist from source.
use std::path::{Path, PathBuf};

fn main() {
    // DT_RPATH (not DT_RUNPATH): it also applies to the libraries' dependencies on each other.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,--disable-new-dtags,-rpath,$ORIGIN/lib");
    }
    println!("cargo:rerun-if-env-changed=DEP_MULLAMA_CORE_LIB_DIR");
    println!("cargo:rerun-if-env-changed=DEP_MULLAMA_CORE_BACKENDS_DIR");
    let (Ok(lib), Ok(backends)) = (std::env::var("DEP_MULLAMA_CORE_LIB_DIR"), std::env::var("DEP_MULLAMA_CORE_BACKENDS_DIR")) else {
        return; // static llama.cpp: nothing to carry
    };
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    // python/mullama is beside native/ in the repository; maturin's sdist moves it to the
    // archive's root, above the crates.
    let Some(package) = manifest.ancestors().map(|d| d.join("python").join("mullama")).find(|p| p.join("__init__.py").is_file()) else {
        println!("cargo:warning=no python/mullama above {}: the wheel will lack llama.cpp's libraries", manifest.display());
        return;
    };
    let package = package.join("lib");
    let _ = std::fs::create_dir_all(&package);
    // Stale copies from another llama.cpp build must not mix with this one.
    for entry in std::fs::read_dir(&package).into_iter().flatten().flatten() {
        if is_runtime_file(&entry.file_name().to_string_lossy()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    copy(Path::new(&lib), &package, is_soname);
    copy(Path::new(&backends), &package, |n| n.starts_with("libggml-cpu-") && n.ends_with(".so"));
    set_origin_rpath(&package);
}

/// At run time the copies find each other without help: libggml-base is already loaded (by
/// the extension module, through its rpath) when ggml dlopens a backend module. auditwheel
/// checks each file on its own, though, and reports a bundled library that could not find its
/// dependencies that way as external, which disqualifies the wheel from manylinux. An $ORIGIN
/// rpath on every copy says where they are. patchelf is in scripts/setup.sh's test level;
/// without it the wheel still works, and scripts/check-wheel.sh's auditwheel step says so.
fn set_origin_rpath(package: &Path) {
    for entry in std::fs::read_dir(package).into_iter().flatten().flatten() {
        if !is_runtime_file(&entry.file_name().to_string_lossy()) {
            continue;
        }
        // Debug info is most of a zig-built library's size (its wrapper compiles with -g).
        let _ = std::process::Command::new("strip").arg("--strip-debug").arg(entry.path()).status();
        let done = std::process::Command::new("patchelf").arg("--set-rpath").arg("$ORIGIN").arg(entry.path()).status();
        if !matches!(done, Ok(s) if s.success()) {
            println!("cargo:warning=patchelf could not set the rpath of {}: auditwheel will call the wheel linux_x86_64", entry.path().display());
            return;
        }
    }
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
            // And the copy: a tree whose copies are gone (a new checkout, an unpacked sdist
            // built in a used target folder) gets them again.
            println!("cargo:rerun-if-changed={}", to.join(&name).display());
            if let Err(e) = std::fs::copy(entry.path(), to.join(&name)) {
                println!("cargo:warning=could not copy {name} into {}: {e}", to.display());
            }
        }
    }
}
