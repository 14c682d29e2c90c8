//! The prompts of a model's roles (`EmbedOptions.role`): the prefix sentence-transformers puts
//! before a query or a document. From the file (`mullama.prompt.NAME`, which `convertModel`
//! writes from `config_sentence_transformers.json`), else from the documented strings of the
//! model families that need them, else none (symmetric models such as all-MiniLM).

use crate::api::EmbedRole;

/// A model's role prompts; `None` means the text is embedded as is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prompts {
    pub query: Option<String>,
    pub document: Option<String>,
    /// Used when a call gives neither a role nor a prompt (`default_prompt_name`).
    pub default: Option<String>,
}

/// sentence-transformers' `encode_document` takes the first of these prompt names it finds.
const DOCUMENT_NAMES: [&str; 3] = ["document", "passage", "corpus"];

/// The instruction BGE and mxbai English retrieval models put before queries (their model cards).
const RETRIEVAL_INSTRUCTION: &str = "Represent this sentence for searching relevant passages: ";

impl Prompts {
    /// From the file's metadata (`meta` reads one key); `None` when the file records no prompt.
    pub fn from_metadata(meta: impl Fn(&str) -> Option<String>) -> Option<Prompts> {
        let prompt = |name: &str| meta(&format!("mullama.prompt.{name}"));
        let query = prompt("query");
        let document = DOCUMENT_NAMES.iter().find_map(|n| prompt(n));
        let default = meta("mullama.default_prompt_name").and_then(|n| prompt(&n));
        let any = query.is_some() || document.is_some() || default.is_some();
        // An empty prompt is "embed as is", which is what no prompt means.
        let some = |p: Option<String>| p.filter(|s| !s.is_empty());
        any.then(|| Prompts { query: some(query), document: some(document), default: some(default) })
    }

    /// The documented prompts of a known family, recognised by architecture and `general.name`
    /// (GGUFs from llama.cpp's converter or Ollama carry no sentence-transformers config).
    pub fn for_family(architecture: &str, name: &str) -> Prompts {
        let name = name.to_ascii_lowercase();
        let both = |q: &str, d: &str| Prompts { query: Some(q.into()), document: Some(d.into()), default: None };
        if architecture == "nomic-bert" || name.contains("nomic-embed") {
            return both("search_query: ", "search_document: ");
        }
        // e5 and multilingual-e5 (not the e5-mistral instruct models, which take instructions).
        let e5 = name.split(['/', ' ', '_']).any(|seg| seg.starts_with("e5-") || seg.contains("-e5-") || seg.ends_with("-e5"));
        if e5 && !name.contains("instruct") && !name.contains("mistral") {
            return both("query: ", "passage: ");
        }
        // English BGE v1/v1.5 and mxbai-embed-large: an instruction for queries, none for documents.
        // (bge-m3 and the Chinese models take none or another one.)
        let bge_en = name.contains("bge-") && name.contains("-en") && !name.contains("m3");
        if bge_en || name.contains("mxbai-embed-large") {
            return Prompts { query: Some(RETRIEVAL_INSTRUCTION.into()), document: None, default: None };
        }
        Prompts::default()
    }

    /// The prompt of a call: its own `prompt`, else its role's, else the default.
    pub fn resolve(&self, role: Option<EmbedRole>, prompt: Option<&str>) -> Option<String> {
        let p = match (prompt, role) {
            (Some(p), _) => Some(p.to_string()),
            (None, Some(EmbedRole::Query)) => self.query.clone(),
            (None, Some(EmbedRole::Document)) => self.document.clone(),
            (None, None) => self.default.clone(),
        };
        p.filter(|s| !s.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_get_their_documented_prompts() {
        let nomic = Prompts::for_family("nomic-bert", "nomic-embed-text-v1.5");
        assert_eq!((nomic.query.as_deref(), nomic.document.as_deref()), (Some("search_query: "), Some("search_document: ")));
        for name in ["e5-small-v2", "multilingual-e5-large", "intfloat/e5-base-v2"] {
            let e5 = Prompts::for_family("bert", name);
            assert_eq!((e5.query.as_deref(), e5.document.as_deref()), (Some("query: "), Some("passage: ")), "{name}");
        }
        for name in ["bge-small-en-v1.5", "bge-large-en", "mxbai-embed-large-v1"] {
            let b = Prompts::for_family("bert", name);
            assert_eq!((b.query.as_deref(), b.document.as_deref()), (Some(RETRIEVAL_INSTRUCTION), None), "{name}");
        }
        for name in ["all-MiniLM-L6-v2", "bge-m3", "e5-mistral-7b-instruct", "bge-small-zh-v1.5", ""] {
            assert_eq!(Prompts::for_family("bert", name), Prompts::default(), "{name}");
        }
    }

    #[test]
    fn file_prompts_follow_sentence_transformers() {
        let meta = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(key, _)| *key == k).map(|(_, v)| v.to_string())
        };
        let p = Prompts::from_metadata(meta(&[("mullama.prompt.query", "q: "), ("mullama.prompt.passage", "p: "), ("mullama.default_prompt_name", "query")])).unwrap();
        assert_eq!(p, Prompts { query: Some("q: ".into()), document: Some("p: ".into()), default: Some("q: ".into()) });
        // `document` wins over `passage`, as in encode_document.
        let p = Prompts::from_metadata(meta(&[("mullama.prompt.passage", "p: "), ("mullama.prompt.document", "d: ")])).unwrap();
        assert_eq!(p.document.as_deref(), Some("d: "));
        assert_eq!(Prompts::from_metadata(meta(&[])), None);
        // An empty prompt means none; a call's own prompt beats the role; "" is no prompt.
        let p = Prompts::from_metadata(meta(&[("mullama.prompt.query", "")])).unwrap();
        assert_eq!(p.resolve(Some(EmbedRole::Query), None), None);
        let p = Prompts { query: Some("q: ".into()), document: None, default: Some("q: ".into()) };
        assert_eq!(p.resolve(Some(EmbedRole::Query), Some("mine: ")).as_deref(), Some("mine: "));
        assert_eq!(p.resolve(None, Some("")), None);
        assert_eq!(p.resolve(Some(EmbedRole::Document), None), None);
        assert_eq!(p.resolve(None, None).as_deref(), Some("q: "));
    }
}
