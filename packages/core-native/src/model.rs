//! A loaded GGUF model: file checks before llama.cpp sees the file, model facts, and
//! tokenization with the model's own tokenizer and special tokens.

use crate::api::{ModelInfo, OverflowPolicy, PoolingStrategy};
use crate::error::{err, ErrorCode, Result};
use crate::ffi::{RawModel, Token};
use crate::prompts::Prompts;
use crate::rank::PairLayout;
use crate::wordpiece::WordPiece;
use std::io::Read;
use std::path::Path;

/// A tokenized text, with what the overflow policy did to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokenized {
    pub tokens: Vec<Token>,
    /// Tokens the full text has, special tokens included.
    pub input_tokens: usize,
    pub truncated: bool,
}

/// A GGUF embedding model loaded in memory: its weights, vocabulary and facts ([`ModelInfo`]).
/// Load it once and share it (`Arc<Model>`) between contexts.
pub struct Model {
    pub(crate) raw: RawModel,
    info: ModelInfo,
    prefix: Vec<Token>,
    suffix: Vec<Token>,
    /// BERT-family vocabularies are tokenized by us, the way HF `tokenizers` does; others by
    /// llama.cpp.
    wordpiece: Option<WordPiece>,
    prompts: Prompts,
    /// A reranker's pair layout; `None` for embedding models.
    pair_layout: Option<PairLayout>,
}

const GGUF_MAGIC: &[u8; 4] = b"GGUF";

/// Checks the file before llama.cpp opens it, so that a wrong path or a non-GGUF file is a
/// typed error with a clear message rather than whatever the loader does with it.
fn check_gguf_file(path: &Path) -> Result<crate::gguf_check::Layout> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return err(ErrorCode::ModelNotFound, format!("cannot open model file {}: {e}", path.display())),
    };
    if meta.is_dir() {
        return err(ErrorCode::ModelNotFound, format!("{} is a directory, not a GGUF model file", path.display()));
    }
    // A FIFO or a device would block or stream forever when opened: only regular files.
    if !meta.is_file() {
        return err(
            ErrorCode::ModelInvalid,
            format!("{} is not a regular file (a pipe, socket or device), so not a GGUF model file", path.display()),
        );
    }
    let mut head = [0u8; 8];
    let read = std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head));
    if let Err(e) = read {
        let code = if e.kind() == std::io::ErrorKind::UnexpectedEof { ErrorCode::ModelInvalid } else { ErrorCode::ModelNotFound };
        return err(code, format!("cannot read model file {}: {e}", path.display()));
    }
    if &head[..4] != GGUF_MAGIC {
        return err(ErrorCode::ModelInvalid, format!("{} is not a GGUF file (bad magic bytes)", path.display()));
    }
    let version = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
    if !(2..=3).contains(&version) {
        return err(ErrorCode::ModelInvalid, format!("{} has GGUF version {version}; supported versions are 2 and 3", path.display()));
    }
    crate::gguf_check::check(path, meta.len())
}

/// What `mullama convert` recorded from the folder's sentence-transformers files
/// (`mullama.*` keys); GGUFs from other converters have none of it. (The prompts it records,
/// `mullama.prompt.NAME`, are for roles, which come with the IDL's prompt options.)
struct SentenceTransformersConfig {
    max_seq_length: Option<usize>,
    normalize: Option<bool>,
}

impl SentenceTransformersConfig {
    fn read(raw: &RawModel) -> Self {
        SentenceTransformersConfig {
            max_seq_length: raw.meta("mullama.max_seq_length").and_then(|v| v.parse().ok()).filter(|&n: &usize| n > 0),
            normalize: raw.meta_bool("mullama.normalize"),
        }
    }
}

impl Model {
    /// Loads a GGUF embedding model from disk.
    pub fn load(path: impl AsRef<Path>) -> Result<Model> {
        let path = path.as_ref();
        let layout = check_gguf_file(path)?;
        let fingerprint = match crate::space::model_fingerprint(path, &layout) {
            Ok(f) => f,
            Err(e) => return err(ErrorCode::ModelNotFound, format!("cannot read model file {}: {e}", path.display())),
        };
        let raw = match RawModel::load(path, layout.has_amx_tile_types) {
            Ok(raw) => raw,
            Err(why) => return err(ErrorCode::ModelInvalid, format!("llama.cpp could not load {}: {why}", path.display())),
        };
        let architecture = raw.meta("general.architecture").unwrap_or_default();
        let pooling_raw = raw.meta(&format!("{architecture}.pooling_type")).and_then(|v| v.parse::<i32>().ok());
        let native_pooling = match pooling_raw {
            Some(1) => Some(PoolingStrategy::Mean),
            Some(2) => Some(PoolingStrategy::First),
            Some(3) => Some(PoolingStrategy::Last),
            // A reranker: checked below, once the model's kind is known.
            Some(4) => None,
            // Max pooling has no llama.cpp pooling type: our converter records it by name.
            _ if raw.meta("mullama.pooling").as_deref() == Some("max") => Some(PoolingStrategy::Max),
            _ => None,
        };
        if raw.has_encoder() && raw.has_decoder() {
            return err(
                ErrorCode::ModelUnsupported,
                format!(
                    "{} is an encoder-decoder model ({architecture}); mullama embeds with encoder-only or decoder-only models",
                    path.display()
                ),
            );
        }
        if raw.n_embd() == 0 {
            return err(ErrorCode::ModelUnsupported, format!("{} has no embedding output", path.display()));
        }
        let is_reranker = pooling_raw == Some(4);
        let is_encoder = raw.has_encoder() || raw.meta(&format!("{architecture}.attention.causal")).as_deref() == Some("false");
        if is_reranker && !is_encoder {
            return err(
                ErrorCode::ModelUnsupported,
                format!("{} is a decoder reranker ({architecture}); mullama ranks with BERT-family cross-encoders", path.display()),
            );
        }
        if is_reranker && raw.n_cls_out() != 1 {
            return err(
                ErrorCode::ModelUnsupported,
                format!("{} is a classifier with {} outputs; a reranker has one relevance score", path.display(), raw.n_cls_out()),
            );
        }
        let st = SentenceTransformersConfig::read(&raw);
        let name = raw.meta("general.name");
        let prompts = Prompts::from_metadata(|k| raw.meta(k))
            .unwrap_or_else(|| Prompts::for_family(&architecture, name.as_deref().or(raw.meta("general.basename").as_deref()).unwrap_or("")));
        let context_length = raw.n_ctx_train();
        let info = ModelInfo {
            path: path.to_string_lossy().into_owned(),
            name,
            dimension: raw.n_embd(),
            context_length,
            native_pooling,
            default_length: st.max_seq_length.map_or(context_length, |n| n.min(context_length.max(1))),
            max_seq_length: st.max_seq_length,
            default_pooling: native_pooling.unwrap_or(PoolingStrategy::Mean),
            default_normalize: st.normalize.unwrap_or(false),
            query_prompt: prompts.query.clone(),
            document_prompt: prompts.document.clone(),
            default_prompt: prompts.default.clone(),
            fingerprint,
            is_encoder,
            is_reranker,
            vocab_size: raw.n_vocab(),
            size_bytes: raw.size_bytes(),
            parameters: raw.n_params(),
            architecture,
        };
        let (prefix, suffix) = raw.special_tokens();
        let wordpiece = WordPiece::from_model(&raw);
        let pair_layout = if is_reranker { Some(PairLayout::read(path, &raw, &suffix)?) } else { None };
        Ok(Model { raw, info, prefix, suffix, wordpiece, prompts, pair_layout })
    }

    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// The special tokens put before and after every text's content tokens.
    pub fn special_tokens(&self) -> (&[Token], &[Token]) {
        (&self.prefix, &self.suffix)
    }

    /// The prompts of the model's roles.
    pub fn prompts(&self) -> &Prompts {
        &self.prompts
    }

    fn content_tokens(&self, text: &str) -> Result<Vec<Token>> {
        let content = match &self.wordpiece {
            Some(wp) => Some(wp.tokenize(text)),
            None => self.raw.tokenize(text, false),
        };
        content.map_or_else(|| err(ErrorCode::EngineFailure, format!("llama.cpp could not tokenize a text of {} bytes", text.len())), Ok)
    }

    /// Tokenizes one text: content tokens wrapped in the model's special tokens. With
    /// `max_tokens`, a longer text is refused or truncated per `overflow`; truncation cuts
    /// content tokens only, so \[CLS\]/\[SEP\] or BOS stay where the model expects them.
    pub fn tokens_for(&self, text: &str, max_tokens: usize, overflow: OverflowPolicy) -> Result<Tokenized> {
        self.tokens_with_prompt("", text, max_tokens, overflow)
    }

    /// As [`Model::tokens_for`], with `prompt` before the text. The two are tokenized as one
    /// string, as sentence-transformers does (`prompt + text`); truncation cuts the text's tokens
    /// and never the prompt's, and a text that adds no token to its prompt is empty.
    pub fn tokens_with_prompt(&self, prompt: &str, text: &str, max_tokens: usize, overflow: OverflowPolicy) -> Result<Tokenized> {
        if text.is_empty() {
            return err(ErrorCode::EmptyInput, "text is empty");
        }
        let (content, n_prompt) = if prompt.is_empty() {
            (self.content_tokens(text)?, 0)
        } else {
            (self.content_tokens(&format!("{prompt}{text}"))?, self.content_tokens(prompt)?.len())
        };
        if content.len() <= n_prompt {
            return err(ErrorCode::EmptyInput, "text has no tokens (only whitespace or characters the tokenizer drops)");
        }
        let n_special = self.prefix.len() + self.suffix.len();
        let input_tokens = content.len() + n_special;
        let room = max_tokens.saturating_sub(n_special);
        let (kept, truncated): (Vec<Token>, bool) = if input_tokens <= max_tokens {
            (content, false)
        } else {
            if matches!(overflow, OverflowPolicy::Error) {
                return err(ErrorCode::InputTooLong, format!("text has {input_tokens} tokens but the context allows {max_tokens}; raise n_ctx or set overflow to truncate_end or truncate_start"));
            }
            if room <= n_prompt {
                return err(
                    ErrorCode::InvalidArgument,
                    format!("a context of {max_tokens} tokens has no room for text besides the special tokens{}", if n_prompt > 0 { " and the prompt" } else { "" }),
                );
            }
            let (head, body) = content.split_at(n_prompt);
            let keep = room - n_prompt;
            let body = match overflow {
                OverflowPolicy::TruncateStart => &body[body.len() - keep..],
                _ => &body[..keep],
            };
            ([head, body].concat(), true)
        };
        let mut tokens = Vec::with_capacity(kept.len() + n_special);
        tokens.extend_from_slice(&self.prefix);
        tokens.extend_from_slice(&kept);
        tokens.extend_from_slice(&self.suffix);
        Ok(Tokenized { tokens, input_tokens, truncated })
    }

    /// Our WordPiece tokenizer, for BERT-family vocabularies.
    pub(crate) fn wordpiece(&self) -> Option<&WordPiece> {
        self.wordpiece.as_ref()
    }

    /// How a reranker's pairs are laid out and fed; `None` for embedding models.
    pub(crate) fn pair_layout(&self) -> Option<&PairLayout> {
        self.pair_layout.as_ref()
    }

    /// A rank query's content tokens, tokenized once for all its documents.
    pub(crate) fn pair_query_tokens(&self, query: &str) -> Result<Vec<Token>> {
        let tokens = self.content_tokens(query)?;
        if tokens.is_empty() {
            return err(ErrorCode::EmptyInput, "the query has no tokens (only whitespace or characters the tokenizer drops)");
        }
        Ok(tokens)
    }

    /// A query and document as one sequence, the way the model's tokenizer pairs them, and the
    /// index of the document's first token.
    pub(crate) fn pair_tokens(&self, query: &[Token], document: &str, max_tokens: usize, overflow: OverflowPolicy) -> Result<(Tokenized, usize)> {
        let Some(layout) = &self.pair_layout else { return err(ErrorCode::ModelUnsupported, "not a reranker") };
        if document.is_empty() {
            return err(ErrorCode::EmptyInput, "document is empty");
        }
        let content = self.content_tokens(document)?;
        if content.is_empty() {
            return err(ErrorCode::EmptyInput, "document has no tokens (only whitespace or characters the tokenizer drops)");
        }
        crate::rank::pair_tokens((&self.prefix, &layout.between, &self.suffix), query, &content, max_tokens, overflow)
    }

    /// Tokens a text has with the special tokens (`Embedding.input_tokens`), without running the model.
    pub fn count_tokens(&self, text: &str) -> Result<usize> {
        Ok(self.tokens_for(text, usize::MAX, OverflowPolicy::Error)?.input_tokens)
    }

    /// The token ids embedded for a text, special tokens included; `max_tokens` above 0 cuts it as
    /// `TruncateEnd` does.
    pub fn tokenize(&self, text: &str, max_tokens: u32) -> Result<Vec<u32>> {
        let max = if max_tokens == 0 { usize::MAX } else { max_tokens as usize };
        let t = self.tokens_for(text, max, OverflowPolicy::TruncateEnd)?;
        // llama.cpp's token type is i32, but ids are never negative.
        Ok(t.tokens.into_iter().map(|t| t as u32).collect())
    }

    /// The token ids llama.cpp itself produces with special tokens (for checks against other
    /// tokenizers); no overflow handling.
    pub fn tokenize_raw(&self, text: &str) -> Result<Vec<Token>> {
        self.raw.tokenize(text, true).map_or_else(|| err(ErrorCode::EngineFailure, "tokenization failed"), Ok)
    }
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model").field("info", &self.info).finish()
    }
}
