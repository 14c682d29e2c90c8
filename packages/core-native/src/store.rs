//! The local model store: where named models live on disk.
//!
//! `$MULLAMA_HOME/models` (default `~/.cache/mullama/models`) holds `NAME.gguf` files, so the
//! default model `all-minilm` is `~/.cache/mullama/models/all-minilm.gguf`.

use std::path::{Path, PathBuf};

/// The name of the model the README's main command embeds with.
pub const DEFAULT_MODEL: &str = "all-minilm";

/// The folder that holds named models.
pub fn models_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("MULLAMA_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(home).join("models");
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from(".cache"));
    base.join("mullama").join("models")
}

/// A path to a GGUF file: `name_or_path` itself when it names an existing file or looks like a
/// path, otherwise the store's `NAME.gguf` (`:` in tags such as `llama3.2:1b` becomes `-`).
pub fn resolve(name_or_path: &str) -> PathBuf {
    let p = Path::new(name_or_path);
    if p.exists() || name_or_path.ends_with(".gguf") || name_or_path.contains('/') {
        return p.to_path_buf();
    }
    models_dir().join(format!("{}.gguf", name_or_path.replace(':', "-")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_go_to_the_store_and_paths_stay_paths() {
        assert_eq!(resolve("./models/x.gguf"), PathBuf::from("./models/x.gguf"));
        assert_eq!(resolve("some/dir/model"), PathBuf::from("some/dir/model"));
        assert_eq!(resolve("llama3.2:1b"), models_dir().join("llama3.2-1b.gguf"));
        assert_eq!(resolve("all-minilm"), models_dir().join("all-minilm.gguf"));
    }
}
