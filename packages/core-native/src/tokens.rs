//! Token-level views of a text: the tokens with the bytes they cover (`Model.tokenizeWithOffsets`,
//! TEI's `/tokenize`), and every token's vector unpooled (`Context.getTokenEmbeddings`, TEI's
//! `/embed_all`, ColBERT-style late interaction).

use crate::api::{EmbedOptions, Embedding, TokenEmbeddings, TokenInfo};
use crate::completion::{deliver, Completion};
use crate::context::ContextCore;
use crate::error::{err, ErrorCode, Result};
use crate::ffi::Token;
use crate::model::Model;
use crate::queue::{Mode, Request, Slot};
use crate::wordpiece::WordPiece;
use std::sync::Arc;

impl Model {
    /// The tokens of `text` as it is embedded (special tokens included), each with its
    /// vocabulary text and the byte range of `text` it comes from.
    pub fn tokenize_with_offsets(&self, text: &str) -> Result<Vec<TokenInfo>> {
        let ids = self.tokens_for(text, usize::MAX, crate::api::OverflowPolicy::Error)?.tokens;
        let (prefix, suffix) = self.special_tokens();
        let content = &ids[prefix.len()..ids.len() - suffix.len()];
        let offsets: Vec<Option<(usize, usize)>> = match self.wordpiece() {
            Some(wp) => match wp.tokenize_with_offsets(text) {
                Some(t) => t.into_iter().map(|(_, a, b)| Some((a, b))).collect(),
                None => vec![None; content.len()],
            },
            None => piece_offsets(self, text, content),
        };
        let info = |id: Token, special: bool, range: Option<(usize, usize)>| {
            let raw = self.raw.token_text(id).unwrap_or_default();
            TokenInfo {
                id: id as u32,
                text: if self.wordpiece().is_some() && !special { WordPiece::hf_text(&raw) } else { raw },
                special,
                start: range.map(|r| r.0),
                stop: range.map(|r| r.1),
            }
        };
        let mut out: Vec<TokenInfo> = prefix.iter().map(|&id| info(id, true, None)).collect();
        out.extend(content.iter().zip(offsets).map(|(&id, r)| info(id, false, r)));
        out.extend(suffix.iter().map(|&id| info(id, true, None)));
        Ok(out)
    }
}

/// Offsets for llama.cpp's own tokenizers (BPE, SentencePiece): each token's piece, matched in
/// turn against the text. SentencePiece writes a word start as a space, so a piece's leading space
/// that the text does not have is skipped. From the first piece that does not match (text the
/// tokenizer normalised), the offsets are unknown.
fn piece_offsets(model: &Model, text: &str, tokens: &[Token]) -> Vec<Option<(usize, usize)>> {
    let bytes = text.as_bytes();
    let mut at = 0usize;
    let mut lost = false;
    tokens
        .iter()
        .map(|&id| {
            let piece = model.raw.token_piece(id).unwrap_or_default();
            if lost {
                return None;
            }
            let rest = &bytes[at..];
            let p = match piece.strip_prefix(b" ") {
                Some(trimmed) if !rest.starts_with(b" ") => trimmed,
                _ => &piece[..],
            };
            if !rest.starts_with(p) || (p.is_empty() && !piece.is_empty()) {
                lost = true;
                return None;
            }
            // A leading space a piece really covers stays in its range, as Hugging Face's
            // offsets for these tokenizers have it.
            let (mut start, mut stop) = (at, at + p.len());
            at = stop;
            // A token with part of a character's bytes (byte fallback, a split emoji) covers the
            // whole character, as HF reports it: offsets stay on character boundaries.
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            while !text.is_char_boundary(stop) {
                stop += 1;
            }
            Some((start, stop))
        })
        .collect()
}

impl ContextCore {
    /// The non-blocking entry of `getTokenEmbeddings`: every token's vector per text, in input order.
    pub fn token_embeddings_submit(&self, texts: Vec<String>, opts: EmbedOptions, done: Completion<Vec<TokenEmbeddings>>) {
        if let Err(e) = self.check_open().and_then(|_| self.check_token_options(&opts)) {
            return deliver(done, Err(e));
        }
        if texts.is_empty() {
            return deliver(done, Ok(Vec::new()));
        }
        let dimension = self.model().info().dimension;
        let rows: Completion<Vec<Embedding>> = Box::new(move |r| {
            done(r.map(|v| {
                v.into_iter()
                    .map(|e| TokenEmbeddings {
                        data: e.data,
                        dimension,
                        tokens: e.tokens,
                        input_tokens: e.input_tokens,
                        truncated: e.truncated,
                    })
                    .collect()
            }))
        });
        let slot = Slot::new(texts.len(), rows);
        self.queue().push_request(Request {
            texts,
            mode: Mode::AllTokens,
            normalize: opts.normalize.unwrap_or(false),
            max_text_tokens: self.settings().max_tokens,
            overflow: opts.overflow.unwrap_or(self.settings().overflow),
            token_budget: opts.max_tokens.map(|n| n as usize),
            dimensions: None,
            prompt: self.model().prompts().resolve(opts.role, opts.prompt.as_deref()).map(Arc::from),
            pair_query: None,
            slot,
        });
    }

    fn check_token_options(&self, opts: &EmbedOptions) -> Result<()> {
        // A pooled model computes token vectors as well; a reranker's pooling is its head.
        self.mode_for(crate::api::PoolingStrategy::Mean)?;
        let pooled = [
            ("pooling", opts.pooling.is_some()),
            ("dimensions", opts.dimensions.is_some()),
            ("precision", opts.precision.is_some()),
            ("ranges", opts.ranges.is_some()),
        ];
        if let Some((name, _)) = pooled.iter().find(|(_, set)| *set) {
            return err(
                ErrorCode::InvalidArgument,
                format!("{name} applies to a pooled vector; token embeddings take role, prompt, overflow, maxTokens and normalize"),
            );
        }
        if opts.max_tokens == Some(0) {
            return err(ErrorCode::InvalidArgument, "maxTokens must be at least 1");
        }
        Ok(())
    }
}
