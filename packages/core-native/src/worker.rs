//! A worker thread: owns llama.cpp contexts (one per pooling mode it has met, created lazily
//! and grown to the largest group it has seen), tokenizes the calls that entered the queue,
//! pulls groups from it, runs each as one batch of separate sequences, and delivers each
//! text's vector.

use crate::api::Embedding;
use crate::context::at_index;
use crate::error::{Error, ErrorCode, Result};
use crate::ffi::{RawBatch, RawContext, RawContextConfig};
use crate::model::Model;
use crate::queue::{Item, Mode, Queue, Request, Work};
use crate::similarity::normalize_in_place;
use std::collections::HashMap;
use std::sync::Arc;

/// llama.cpp's compile-time limit on sequences in one context (LLAMA_MAX_SEQ).
pub const MAX_SEQS: usize = 256;

#[derive(Debug, Clone, Copy)]
pub struct WorkerConfig {
    pub budget: usize,
    pub n_threads: i32,
    pub flash_attention: bool,
}

pub struct Worker {
    model: Arc<Model>,
    config: WorkerConfig,
    contexts: HashMap<Mode, RawContext>,
    batch: RawBatch,
    /// Input vectors in place of token ids, for rerankers with token types (crate::rank).
    input_batch: Option<RawBatch>,
    inputs: Vec<f32>,
}

impl Worker {
    pub fn new(model: Arc<Model>, config: WorkerConfig) -> Worker {
        let batch = RawBatch::new(config.budget);
        Worker { model, config, contexts: HashMap::new(), batch, input_batch: None, inputs: Vec::new() }
    }

    /// Serves the queue until it is closed.
    pub fn run(mut self, queue: &Queue) {
        while let Some(work) = queue.next_work(self.config.budget, MAX_SEQS) {
            // Each step calls into llama.cpp: none may run while the process exits (exit_guard).
            crate::exit_guard::step(|| match work {
                Work::Tokenize(requests) => self.tokenize(queue, requests),
                Work::Group(group) => self.run_group(queue, group),
            });
        }
        // Freeing the llama.cpp contexts (and maybe the model) is a step into llama.cpp too: a
        // queue drained by a dropped context lets its workers leave while the process may exit.
        crate::exit_guard::step(move || drop(self));
    }

    /// Tokenizes calls and queues their texts, shortest first: neighbours of similar length
    /// pack into micro-batches with less wasted attention. A call with a text that cannot be
    /// tokenized fails as a whole, before any of its texts is queued.
    fn tokenize(&self, queue: &Queue, requests: Vec<Request>) {
        let mut items = Vec::new();
        for r in requests {
            match tokenize_request(&self.model, &r) {
                Ok(its) => items.extend(its),
                Err(e) => r.slot.fail(e),
            }
        }
        items.sort_by_key(|it| it.tokens.len());
        if !items.is_empty() {
            queue.push_items(items);
        }
    }

    fn run_group(&mut self, queue: &Queue, group: Vec<Item>) {
        // A panic here would kill the worker and strand callers: turn it into an error.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.embed_group(&group)));
        queue.counters.batch_ran(group.iter().map(|it| it.tokens.len()).sum());
        match outcome {
            Ok(Ok(vectors)) => {
                for (item, data) in group.iter().zip(vectors) {
                    item.slot.fill(item.index, finish(item, data));
                }
            }
            Ok(Err(e)) => group.iter().for_each(|it| it.slot.fill(it.index, Err(e.clone()))),
            Err(_) => {
                self.contexts.clear();
                let e = Error::new(ErrorCode::EngineFailure, "internal error while embedding a batch");
                group.iter().for_each(|it| it.slot.fill(it.index, Err(e.clone())));
            }
        }
    }

    /// Makes sure a context for `mode` has room for `n_tokens`, reusing (or growing) the one we have.
    /// Capacity grows in powers of two so a stream of slightly longer texts rebuilds rarely.
    fn ensure_context(&mut self, mode: Mode, n_tokens: usize) -> Result<()> {
        let fits = self.contexts.get(&mode).is_some_and(|c| c.config.n_tokens as usize >= n_tokens);
        if !fits {
            let n = n_tokens.max(self.config.budget).next_power_of_two();
            let config = RawContextConfig {
                n_tokens: n as u32,
                n_seq_max: n.min(MAX_SEQS) as u32,
                n_threads: self.config.n_threads,
                pooling: mode.llama_pooling(),
                flash_attention: self.config.flash_attention,
            };
            self.contexts.remove(&mode);
            let ctx = RawContext::new(&self.model.raw, config).map_err(|why| {
                Error::new(ErrorCode::EngineFailure, format!("llama.cpp could not create a context for {n} tokens: {why}"))
            })?;
            self.contexts.insert(mode, ctx);
        }
        Ok(())
    }

    /// Runs one group as one batch and returns each text's raw (unnormalised) vector.
    fn embed_group(&mut self, group: &[Item]) -> Result<Vec<Vec<f32>>> {
        let mode = group[0].mode;
        let total: usize = group.iter().map(|it| it.tokens.len()).sum();
        if self.batch.capacity() < total {
            self.batch = RawBatch::new(total.next_power_of_two());
        }
        self.batch.clear();
        let model = self.model.clone();
        let type_inputs = model.pair_layout().and_then(|l| l.types.as_ref()).filter(|_| mode == crate::rank::RANK_MODE);
        if let Some(types) = type_inputs {
            let fits = self.input_batch.as_ref().is_some_and(|b| b.capacity() >= total);
            if !fits {
                self.input_batch = Some(RawBatch::with_inputs(total.next_power_of_two(), types.width()));
            }
            self.input_batch.as_mut().expect("made above").clear();
        }
        for (seq, item) in group.iter().enumerate() {
            // Capacity was ensured above; a false here means a bug, not bad input.
            let pushed = match (type_inputs, self.input_batch.as_mut()) {
                (Some(types), Some(batch)) => {
                    types.inputs(&item.tokens, item.segment_b, &mut self.inputs)?;
                    batch.push_inputs(&self.inputs, seq as i32)
                }
                _ => self.batch.push_sequence(&item.tokens, seq as i32),
            };
            if !pushed {
                return Err(Error::new(ErrorCode::EngineFailure, "batch overflow"));
            }
        }
        self.ensure_context(mode, total)?;
        // Disjoint fields: the context is mutated while the batch is read.
        let ctx = self.contexts.get_mut(&mode).expect("ensured above");
        let batch = match (type_inputs, &self.input_batch) {
            (Some(_), Some(b)) => b,
            _ => &self.batch,
        };
        ctx.run(batch).map_err(|why| Error::new(ErrorCode::EngineFailure, format!("llama.cpp failed to embed a batch ({why})")))?;
        read_vectors(ctx, mode, group)
    }
}

fn read_vectors(ctx: &RawContext, mode: Mode, group: &[Item]) -> Result<Vec<Vec<f32>>> {
    let n_embd = ctx.n_embd();
    let missing = || Error::new(ErrorCode::EngineFailure, "llama.cpp returned no embedding for a sequence");
    match mode {
        Mode::Sequence(_) => (0..group.len()).map(|s| ctx.seq_embedding(s).map(<[f32]>::to_vec).ok_or_else(missing)).collect(),
        Mode::AllTokens => {
            let mut offset = 0usize;
            let mut out = Vec::with_capacity(group.len());
            for item in group {
                let mut rows = Vec::with_capacity(item.tokens.len() * n_embd);
                for t in 0..item.tokens.len() {
                    rows.extend_from_slice(ctx.token_embedding(offset + t).ok_or_else(missing)?);
                }
                offset += item.tokens.len();
                out.push(rows);
            }
            Ok(out)
        }
        Mode::MaxOverTokens => {
            let mut offset = 0usize;
            let mut out = Vec::with_capacity(group.len());
            for item in group {
                let mut max = vec![f32::NEG_INFINITY; n_embd];
                for t in 0..item.tokens.len() {
                    let row = ctx.token_embedding(offset + t).ok_or_else(missing)?;
                    max.iter_mut().zip(row).for_each(|(m, v)| *m = m.max(*v));
                }
                offset += item.tokens.len();
                out.push(max);
            }
            Ok(out)
        }
    }
}

fn finish(item: &Item, mut data: Vec<f32>) -> Result<Embedding> {
    // NaN or Inf out of the model means broken weights (a GGUF with a NaN norm loads fine):
    // an error, never a vector that silently poisons every similarity it enters.
    if data.iter().any(|v| !v.is_finite()) {
        return Err(Error::new(
            ErrorCode::ModelInvalid,
            "the model computed NaN or infinite values for this text: its weights are corrupt",
        ));
    }
    if let Some(d) = item.dimensions {
        data.truncate(d);
    }
    if item.normalize && item.mode == Mode::AllTokens {
        // One vector per token, each scaled on its own.
        let n = data.len() / item.tokens.len().max(1);
        data.chunks_mut(n.max(1)).for_each(normalize_in_place);
    } else if item.normalize {
        normalize_in_place(&mut data);
    }
    Ok(Embedding {
        dimension: data.len(),
        data,
        input_tokens: item.input_tokens,
        tokens: item.tokens.len(),
        truncated: item.truncated,
        prompt: item.prompt.as_deref().map(str::to_string),
        // Filled in per call, once every vector of the call is done (`context::CallSpace`).
        quantized: None,
        space: String::new(),
    })
}

/// Runs a tokenizer call with a panic turned into an error (a worker must survive any text).
fn guarded<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err(Error::new(ErrorCode::EngineFailure, "internal error while tokenizing")))
}

fn tokenize_request(model: &Model, r: &Request) -> Result<Vec<Item>> {
    let n = r.texts.len();
    // A rank call's query is tokenized once for all its documents.
    let query = r.pair_query.as_deref().map(|q| guarded(|| model.pair_query_tokens(q))).transpose()?;
    let tokenize = |(index, text): (usize, &String)| {
        let prompt = r.prompt.as_deref().unwrap_or("");
        let (t, segment_b) = guarded(|| match &query {
            Some(q) => model.pair_tokens(q, text, r.max_text_tokens, r.overflow),
            None => Ok((model.tokens_with_prompt(prompt, text, r.max_text_tokens, r.overflow)?, 0)),
        })
        .map_err(|e| at_index(n, index, e))?;
        Ok(Item {
            tokens: t.tokens,
            input_tokens: t.input_tokens,
            truncated: t.truncated,
            segment_b,
            mode: r.mode,
            normalize: r.normalize,
            dimensions: r.dimensions,
            prompt: r.prompt.clone(),
            slot: r.slot.clone(),
            index,
        })
    };
    let items: Vec<Item> = r.texts.iter().enumerate().map(tokenize).collect::<Result<_>>()?;
    if let Some(budget) = r.token_budget {
        let total: usize = items.iter().map(|it| it.tokens.len()).sum();
        if total > budget {
            return Err(Error::new(
                ErrorCode::InputTooLong,
                format!("the call has {total} tokens but maxTokens allows {budget}; send fewer or shorter texts"),
            ));
        }
    }
    Ok(items)
}
