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
//!
//! We score the modules ourselves (ggml's own choice would load them all to ask), and
//! `MULLAMA_CPU_BACKEND=NAME` forces one module (e.g. `x64`, to compare). The best module on a
//! Sapphire Rapids or later CPU is `sapphirerapids`, whose AMX code runs F16 matrix products
//! 10-18% faster than the AVX-512 `zen4` module (measured with mullama-bench on a 2-core
//! Sapphire Rapids VM). Its quantized kernels use AMX tile instructions, which die with SIGILL
//! on VMs that report AMX without letting a process use it; so models with such weights load
//! without ggml's extra buffer types (`RawModel::load`) and take the AVX-512 kernels instead.

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

/// The CPU module to load from `dir`: `$MULLAMA_CPU_BACKEND` if set, else the best-scoring
/// module for this CPU. `Err` says why none fits.
pub fn pick_cpu_module(dir: &std::path::Path) -> Result<PathBuf, String> {
    let forced = std::env::var("MULLAMA_CPU_BACKEND").ok().filter(|v| !v.is_empty());
    let mut modules: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let variant = name.strip_prefix("libggml-cpu-")?.strip_suffix(".so")?.to_string();
            Some((variant, e.path()))
        })
        .collect();
    modules.sort();
    if let Some(want) = forced {
        return modules
            .into_iter()
            .find(|(v, _)| *v == want)
            .map(|(_, p)| p)
            .ok_or_else(|| format!("MULLAMA_CPU_BACKEND={want}: no libggml-cpu-{want}.so in {}", dir.display()));
    }
    let mut best: Option<(i32, PathBuf)> = None;
    for (_, path) in modules {
        let score = module_score(&path).unwrap_or(0);
        if score > 0 && best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, path));
        }
    }
    best.map(|(_, p)| p).ok_or_else(|| format!("no CPU backend in {} fits this CPU", dir.display()))
}

/// Whether a CPU module may run AMX tile instructions (see the module comment).
pub fn uses_amx(module: &std::path::Path) -> bool {
    module.file_name().is_some_and(|n| n.to_string_lossy().contains("sapphirerapids"))
}

/// What a module's `ggml_backend_score` says of this CPU (0: cannot run here). The function
/// only reads CPUID, so calling it is safe whatever instructions the rest of the module uses.
fn module_score(path: &std::path::Path) -> Option<i32> {
    use std::os::unix::ffi::OsStrExt;
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    // SAFETY: dlopen of a ggml backend module (its constructors only set up tables); we look
    // up one symbol of the documented signature `int ggml_backend_score(void)`, call it, and
    // close the handle; nothing from the module outlives the call.
    unsafe {
        let handle = libc::dlopen(c_path.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL);
        if handle.is_null() {
            return None;
        }
        let sym = libc::dlsym(handle, c"ggml_backend_score".as_ptr());
        let score = if sym.is_null() {
            None
        } else {
            let f: extern "C" fn() -> i32 = std::mem::transmute(sym);
            Some(f())
        };
        libc::dlclose(handle);
        score
    }
}

/// Why no model can load: no folder had a CPU backend.
pub fn missing_message() -> String {
    let dirs: Vec<String> = search_dirs().iter().map(|d| d.display().to_string()).collect();
    format!(
        "no llama.cpp CPU backend (libggml-cpu-*.so) found; looked in: {}; set MULLAMA_BACKENDS_DIR to the folder that holds them",
        dirs.join(", ")
    )
}
