//! Reranking with a cross-encoder: each query and document pair is one sequence, run through
//! the model's classification head (llama.cpp's rank pooling) like a text through pooling.
//!
//! Two things make our scores those of sentence-transformers' `CrossEncoder` rather than
//! llama-server's. The pair is laid out as the model's Hugging Face tokenizer lays it out
//! (`[CLS] q [SEP] d [SEP]` for BERT, `<s> q </s></s> d </s>` for RoBERTa/XLM-R). And BERT marks
//! the document with token type 1, which llama.cpp's graph cannot express (it adds type 0 to
//! every token): for such models we hand llama.cpp each token's input vector instead of its id,
//! the token's embedding row plus `type_embd[1] - type_embd[0]` for document tokens, so that the
//! type-0 row the graph adds turns into the right one. On cross-encoder/ms-marco-MiniLM-L6-v2,
//! leaving the document as type 0 ranks the answer to a question last.

use crate::api::{OverflowPolicy, RankOptions, RankResult};
use crate::completion::{deliver, Completion};
use crate::context::ContextCore;
use crate::convert::gguf::GgmlType;
use crate::convert::quant::{bf16_to_f32, dequantize_q8_0, f16_to_f32};
use crate::error::{err, Error, ErrorCode, Result};
use crate::ffi::{LlamaPooling, RawModel, Token};
use crate::model::Tokenized;
use crate::queue::{Mode, Request, Slot};
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

/// The mode rank calls are queued in.
pub const RANK_MODE: Mode = Mode::Sequence(LlamaPooling::Rank);

/// How a reranker's pairs are built and fed: the separators between query and document and,
/// for models with two token types, where the input vectors come from.
pub struct PairLayout {
    /// `[SEP]` for BERT, `</s></s>` for RoBERTa/XLM-R: what goes between query and document.
    pub between: Vec<Token>,
    pub types: Option<TypeInputs>,
}

impl PairLayout {
    /// The layout of the reranker at `path`: the GGUF's tokenizer says BERT (WordPiece, one
    /// separator) or RoBERTa (two); `suffix` is what ends every text (`[SEP]`, `</s>`).
    pub fn read(path: &Path, raw: &RawModel, suffix: &[Token]) -> Result<PairLayout> {
        let wordpiece = raw.meta("tokenizer.ggml.model").as_deref() == Some("bert");
        let between = if wordpiece { suffix.to_vec() } else { [suffix, suffix].concat() };
        let n_types = raw.meta("tokenizer.ggml.token_type_count").and_then(|v| v.parse::<u32>().ok()).unwrap_or(1);
        let types = if wordpiece && n_types >= 2 { TypeInputs::read(path, raw.n_embd())? } else { None };
        Ok(PairLayout { between, types })
    }
}

/// A tensor's rows in the GGUF file, read on demand (a reranker's vocabulary table can be tens
/// of MB; a batch needs a few hundred rows of it).
struct Rows {
    offset: u64,
    ggml_type: GgmlType,
    row_len: usize,
    row_bytes: usize,
    n_rows: u64,
}

/// Input vectors for token type 1: token embedding rows from the file, plus the difference of
/// the two token type rows.
pub struct TypeInputs {
    file: File,
    tokens: Rows,
    /// `type_embd[1] - type_embd[0]`, added to every document token.
    type_delta: Vec<f32>,
}

impl TypeInputs {
    fn read(path: &Path, n_embd: usize) -> Result<Option<TypeInputs>> {
        let fail = |why: String| Error::new(ErrorCode::ModelInvalid, format!("{}: {why}", path.display()));
        let meta = crate::convert::read_metadata(path)?;
        let rows_of = |name: &str| -> Result<Option<Rows>> {
            let Some(t) = meta.tensor(name) else { return Ok(None) };
            let ggml_type = GgmlType::from_u32(t.ggml_type)
                .ok_or_else(|| fail(format!("{name} has ggml type {}: reranking reads F32, F16, BF16 or Q8_0 rows", t.ggml_type)))?;
            let row_len = *t.dims.first().unwrap_or(&0) as usize;
            if row_len != n_embd || t.dims.len() > 2 {
                return Err(fail(format!("{name} has shape {:?}, expected rows of {n_embd}", t.dims)));
            }
            let row_bytes =
                ggml_type.byte_size(row_len as u64, row_len as u64).ok_or_else(|| fail(format!("{name}: bad row size")))? as usize;
            Ok(Some(Rows {
                offset: meta.data_offset + t.offset,
                ggml_type,
                row_len,
                row_bytes,
                n_rows: t.dims.get(1).copied().unwrap_or(1),
            }))
        };
        let (Some(tokens), Some(types)) = (rows_of("token_embd.weight")?, rows_of("token_types.weight")?) else { return Ok(None) };
        if types.n_rows < 2 {
            return Ok(None);
        }
        let file = File::open(path).map_err(|e| Error::new(ErrorCode::ModelNotFound, format!("cannot open {}: {e}", path.display())))?;
        let t0 = read_row(&file, &types, 0)?;
        let t1 = read_row(&file, &types, 1)?;
        let type_delta = t1.iter().zip(&t0).map(|(a, b)| a - b).collect();
        Ok(Some(TypeInputs { file, tokens, type_delta }))
    }

    /// The input vectors of one pair: every token's embedding row, document tokens (from
    /// `segment_b` on) moved from type 0 to type 1.
    pub fn inputs(&self, tokens: &[Token], segment_b: usize, out: &mut Vec<f32>) -> Result<()> {
        out.clear();
        for (i, &t) in tokens.iter().enumerate() {
            let row = read_row(&self.file, &self.tokens, t as u64)?;
            if i >= segment_b {
                out.extend(row.iter().zip(&self.type_delta).map(|(v, d)| v + d));
            } else {
                out.extend_from_slice(&row);
            }
        }
        Ok(())
    }

    pub fn width(&self) -> usize {
        self.tokens.row_len
    }
}

fn read_row(file: &File, rows: &Rows, i: u64) -> Result<Vec<f32>> {
    if i >= rows.n_rows {
        return err(ErrorCode::EngineFailure, format!("token {i} is outside the model's {} embedding rows", rows.n_rows));
    }
    let mut bytes = vec![0u8; rows.row_bytes];
    read_exact_at(file, &mut bytes, rows.offset + i * rows.row_bytes as u64)
        .map_err(|e| Error::new(ErrorCode::Io, format!("cannot read the model's token embeddings: {e}")))?;
    let pairs = || bytes.chunks_exact(2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    let row: Vec<f32> = match rows.ggml_type {
        GgmlType::F32 => bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect(),
        GgmlType::F16 => pairs().map(f16_to_f32).collect(),
        GgmlType::BF16 => pairs().map(bf16_to_f32).collect(),
        GgmlType::Q8_0 => dequantize_q8_0(&bytes),
    };
    debug_assert_eq!(row.len(), rows.row_len);
    Ok(row)
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

/// Lays out `prefix query between document suffix` within `max_tokens`; the truncating policies
/// cut the document, never the query. Also returns where the document begins (its token type 1).
pub fn pair_tokens(
    (prefix, between, suffix): (&[Token], &[Token], &[Token]),
    query: &[Token],
    document: &[Token],
    max_tokens: usize,
    overflow: OverflowPolicy,
) -> Result<(Tokenized, usize)> {
    let fixed = prefix.len() + query.len() + between.len() + suffix.len();
    let input_tokens = fixed + document.len();
    let (document, truncated) = if input_tokens <= max_tokens {
        (document, false)
    } else if matches!(overflow, OverflowPolicy::Error) {
        return err(
            ErrorCode::InputTooLong,
            format!(
                "the query and document have {input_tokens} tokens together but the context allows {max_tokens}; raise n_ctx or set overflow to truncate_end or truncate_start"
            ),
        );
    } else if fixed >= max_tokens {
        return err(
            ErrorCode::InputTooLong,
            format!("the query has {} tokens, which leaves no room for a document in a context of {max_tokens}", query.len()),
        );
    } else {
        let keep = max_tokens - fixed;
        match overflow {
            OverflowPolicy::TruncateStart => (&document[document.len() - keep..], true),
            _ => (&document[..keep], true),
        }
    };
    let tokens = [prefix, query, between, document, suffix].concat();
    Ok((Tokenized { tokens, input_tokens, truncated }, prefix.len() + query.len() + between.len()))
}

impl ContextCore {
    /// The non-blocking entry of `rank`: queues every pair and returns; `done` gets the results
    /// most relevant first, or the first error (all or nothing, as embedding calls).
    pub fn rank_submit(&self, query: String, documents: Vec<String>, opts: RankOptions, done: Completion<Vec<RankResult>>) {
        if let Err(e) = self.check_open().and_then(|_| self.check_reranker()) {
            return deliver(done, Err(e));
        }
        if query.is_empty() {
            return deliver(done, err(ErrorCode::EmptyInput, "the query is empty"));
        }
        if opts.top_n == Some(0) {
            return deliver(done, err(ErrorCode::InvalidArgument, "topN must be at least 1 (leave it out for every document)"));
        }
        if documents.is_empty() {
            return deliver(done, Ok(Vec::new()));
        }
        let kept = opts.return_documents.then(|| documents.clone());
        let top_n = opts.top_n.map(|n| n as usize);
        let scored: Completion<Vec<crate::api::Embedding>> = Box::new(move |r| {
            done(r.map(|scores| {
                let mut results: Vec<RankResult> = scores
                    .into_iter()
                    .enumerate()
                    .map(|(index, e)| {
                        let logit = e.data[0];
                        RankResult {
                            index,
                            score: (1.0 / (1.0 + (-(logit as f64)).exp())) as f32,
                            logit,
                            document: kept.as_ref().map(|d| d[index].clone()),
                            tokens: e.tokens,
                            truncated: e.truncated,
                        }
                    })
                    .collect();
                // Most relevant first; equal logits keep their input order (the sort is stable).
                results.sort_by(|a, b| b.logit.total_cmp(&a.logit));
                results.truncate(top_n.unwrap_or(usize::MAX));
                results
            }))
        });
        let slot = Slot::new(documents.len(), scored);
        self.queue().push_request(Request {
            texts: documents,
            mode: RANK_MODE,
            normalize: false,
            max_text_tokens: self.settings().max_tokens,
            overflow: opts.overflow.unwrap_or(self.settings().overflow),
            token_budget: None,
            dimensions: None,
            prompt: None,
            pair_query: Some(Arc::from(query)),
            slot,
        });
    }

    fn check_reranker(&self) -> Result<()> {
        let info = self.model().info();
        if info.is_reranker {
            return Ok(());
        }
        err(
            ErrorCode::ModelUnsupported,
            format!("{} is an embedding model, not a reranker (a cross-encoder with a classification head); rank needs one", info.path),
        )
    }
}
