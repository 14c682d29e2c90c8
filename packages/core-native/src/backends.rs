//! Where llama.cpp's compute backends come from.
//!
//! With the `portable` feature (the default) llama.cpp is built as shared libraries plus one
//! CPU backend module per x86-64 generation (`libggml-cpu-<variant>.so`: x64, sse42,
//! sandybridge, haswell, skylakex, icelake, zen4, ...). ggml asks each module to score the CPU
//! it runs on and loads the best one, so one build runs on any x86-64 and still uses AVX2 or
//! AVX-512 where they exist. Nothing is loaded automatically: a process without a CPU backend
//! cannot load a model, so this runs once, before the first model load.
//!
//! The modules are looked for, first folder that has them wins:
//! 1. `$MULLAMA_BACKENDS_DIR`, for unusual layouts;
//! 2. the folder of the libggml shared library this process loaded: the npm package keeps them
//!    next to its `.node` file, the wheel next to its extension module;
//! 3. the folder the build installed them to (a `cargo build`/`cargo run` on this machine).
//!
//! Without `portable`, the CPU backend is linked in statically and there is nothing to find.

use std::path::PathBuf;

/// The folders searched, in order, for `libggml-cpu-*` modules.
pub fn search_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(dir) = std::env::var_os("MULLAMA_BACKENDS_DIR") {
        dirs.push(PathBuf::from(dir));
    }
    if let Some(dir) = crate::ffi::ggml_library_dir() {
        dirs.push(dir);
    }
    // Set by build.rs from llama-cpp-sys-2's `DEP_LLAMA_BACKENDS_DIR`.
    dirs.push(PathBuf::from(env!("MULLAMA_BUILD_BACKENDS_DIR")));
    dirs
}

/// The first search folder holding a CPU backend module, if any.
pub fn find_dir() -> Option<PathBuf> {
    search_dirs().into_iter().find(|dir| has_cpu_backend(dir))
}

fn has_cpu_backend(dir: &std::path::Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else { return false };
    entries.flatten().any(|e| {
        let name = e.file_name();
        let name = name.to_string_lossy();
        name.contains("ggml-cpu") && (name.ends_with(".so") || name.ends_with(".dylib") || name.ends_with(".dll"))
    })
}

/// Why no model can load: no folder had a CPU backend.
pub fn missing_message() -> String {
    let dirs: Vec<String> = search_dirs().iter().map(|d| d.display().to_string()).collect();
    format!(
        "no llama.cpp CPU backend (libggml-cpu-*.so) found; looked in: {}; set MULLAMA_BACKENDS_DIR to the folder that holds them",
        dirs.join(", ")
    )
}
