//! `Context`: worker contexts over one shared model, and the calls that embed texts.
//! Thread-safe: any number of threads may call `submit` (or the blocking `embed`) on one
//! `Context` at once, and their texts are packed into shared micro-batches.

use crate::api::{ContextParams, ContextStats, EmbedOptions, Embedding, OverflowPolicy, PoolingStrategy, Precision};
use crate::completion::{deliver, wait, Completion};
use crate::error::{err, Error, ErrorCode, Result};
use crate::ffi::LlamaPooling;
use crate::model::Model;
use crate::queue::{Mode, Queue, Request, Slot};
use crate::space::SpaceParts;
use crate::worker::{Worker, WorkerConfig};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

const DEFAULT_BATCH_TOKENS: u32 = 256;
/// A micro-batch's token budget sizes llama.cpp's buffers; past this it is a typo, not a wish.
const MAX_BATCH_TOKENS: u32 = 65536;
const MAX_WORKERS: usize = 256;

/// The resolved, validated form of `ContextParams`.
#[derive(Debug, Clone)]
pub struct Settings {
    pub max_tokens: usize,
    pub batch_tokens: usize,
    pub n_workers: usize,
    pub threads_per_worker: usize,
    pub pooling: PoolingStrategy,
    pub normalize: bool,
    pub overflow: OverflowPolicy,
    pub flash_attention: bool,
}

impl Settings {
    fn resolve(model: &Model, p: &ContextParams) -> Result<Settings> {
        if !p.embeddings {
            return err(ErrorCode::InvalidArgument, "a mullama context computes embeddings: set embeddings to true");
        }
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let n_threads = if p.n_threads == 0 { cores } else { p.n_threads as usize };
        let n_workers = if p.n_workers == 0 { 1 } else { p.n_workers as usize };
        // More threads than cores: llama.cpp's threads spin-wait for each other at every op, and
        // a call that takes milliseconds takes minutes (45 s for two texts, 64 threads, 2 cores).
        if n_threads > cores {
            return err(
                ErrorCode::InvalidArgument,
                format!("n_threads {n_threads} is more than the {cores} cores this process can use; use 0 (all of them) up to {cores}"),
            );
        }
        if n_workers > n_threads {
            return err(ErrorCode::InvalidArgument, format!("n_workers ({n_workers}) must be at most n_threads ({n_threads})"));
        }
        let info = model.info();
        let max_tokens = if p.n_ctx == 0 { info.default_length.max(1) } else { p.n_ctx as usize };
        // Past the position table llama.cpp indexes out of bounds and aborts the process (BERT's
        // learned positions); decoders lose their footing there anyway.
        if max_tokens > info.context_length.max(1) {
            return err(
                ErrorCode::InvalidArgument,
                format!(
                    "n_ctx {max_tokens} is more than the model's {} positions; use 0 (the model's default, {}) up to {}",
                    info.context_length, info.default_length, info.context_length
                ),
            );
        }
        if p.n_batch > MAX_BATCH_TOKENS {
            return err(
                ErrorCode::InvalidArgument,
                format!("n_batch {} is out of range: 0 (the default, {DEFAULT_BATCH_TOKENS}) up to {MAX_BATCH_TOKENS} tokens", p.n_batch),
            );
        }
        if n_workers > MAX_WORKERS {
            return err(ErrorCode::InvalidArgument, format!("n_workers {n_workers} is out of range: 0 (one) up to {MAX_WORKERS}"));
        }
        let batch_tokens = if p.n_batch == 0 { DEFAULT_BATCH_TOKENS } else { p.n_batch } as usize;
        Ok(Settings {
            max_tokens,
            batch_tokens,
            n_workers,
            threads_per_worker: (n_threads / n_workers).max(1),
            pooling: p.pooling.unwrap_or(info.default_pooling),
            normalize: p.normalize.unwrap_or(info.default_normalize),
            overflow: p.overflow,
            flash_attention: p.flash_attention,
        })
    }
}

pub struct Context {
    core: Arc<ContextCore>,
    workers: Mutex<Vec<JoinHandle<()>>>,
}

/// What an embedding call needs of its context, shared with the context's streams
/// ([`crate::stream::EmbeddingStream`]): closing the context closes them; the workers serve until
/// the last of these handles is gone and its calls are done (`Drop` below).
pub(crate) struct ContextCore {
    model: Arc<Model>,
    settings: Settings,
    queue: Arc<Queue>,
    /// The process that started the workers. After `fork()` the child has the queue but not the
    /// threads, so a call there would wait forever: it fails with `CONTEXT_CLOSED` instead.
    pid: u32,
}

impl Context {
    pub fn new(model: Arc<Model>, params: ContextParams) -> Result<Context> {
        let settings = Settings::resolve(&model, &params)?;
        let queue = Arc::new(Queue::new(settings.n_workers));
        let config = WorkerConfig {
            budget: settings.batch_tokens,
            n_threads: settings.threads_per_worker as i32,
            flash_attention: settings.flash_attention,
        };
        // The backends are loaded (by Model::load): the exit handler now runs before their destructors.
        crate::exit_guard::register();
        let mut workers = Vec::with_capacity(settings.n_workers);
        for i in 0..settings.n_workers {
            let (q, worker) = (queue.clone(), Worker::new(model.clone(), config));
            let handle = std::thread::Builder::new()
                .name(format!("mullama-worker-{i}"))
                .spawn(move || worker.run(&q))
                .map_err(|e| Error::new(ErrorCode::EngineFailure, format!("cannot start a worker thread: {e}")))?;
            workers.push(handle);
        }
        let core = Arc::new(ContextCore { model, settings, queue, pid: std::process::id() });
        Ok(Context { core, workers: Mutex::new(workers) })
    }

    pub fn model(&self) -> &Arc<Model> {
        &self.core.model
    }

    pub fn settings(&self) -> &Settings {
        &self.core.settings
    }

    /// How a strategy is computed for this model, or why it cannot be.
    pub fn mode_for(&self, strategy: PoolingStrategy) -> Result<Mode> {
        self.core.mode_for(strategy)
    }

    pub(crate) fn core(&self) -> &Arc<ContextCore> {
        &self.core
    }
}

impl ContextCore {
    pub(crate) fn model(&self) -> &Arc<Model> {
        &self.model
    }

    pub(crate) fn settings(&self) -> &Settings {
        &self.settings
    }

    pub(crate) fn queue(&self) -> &Queue {
        &self.queue
    }

    /// How a strategy is computed for this model, or why it cannot be.
    pub fn mode_for(&self, strategy: PoolingStrategy) -> Result<Mode> {
        if self.model.info().is_reranker {
            return err(
                ErrorCode::ModelUnsupported,
                format!("{} is a reranker (a cross-encoder): it scores query and document pairs with rank and computes no embeddings", self.model.info().path),
            );
        }
        let strategy = match strategy {
            PoolingStrategy::Native => match self.model.info().native_pooling {
                Some(p) => p,
                None => {
                    return err(
                        ErrorCode::PoolingUnsupported,
                        format!(
                            "model {} ({}) declares no pooling of its own, so Native is not available; use Mean, First, Last or Max",
                            self.model.info().path,
                            self.model.info().architecture
                        ),
                    )
                }
            },
            s => s,
        };
        Ok(match strategy {
            PoolingStrategy::Mean => Mode::Sequence(LlamaPooling::Mean),
            PoolingStrategy::First => Mode::Sequence(LlamaPooling::Cls),
            PoolingStrategy::Last => Mode::Sequence(LlamaPooling::Last),
            PoolingStrategy::Max | PoolingStrategy::Native => Mode::MaxOverTokens,
        })
    }

    /// The non-blocking entry of every embedding call: checks what can be checked at once,
    /// queues the texts and returns. `done` gets the vectors in input order, or the first
    /// error (all or nothing: a text that cannot be tokenized fails the call before any of its
    /// texts is run); it is called exactly once, on a worker thread, or before this returns
    /// when the call fails at once.
    pub fn submit(&self, texts: Vec<String>, opts: EmbedOptions, done: Completion<Vec<Embedding>>) {
        if let Err(e) = self.check_open() {
            return deliver(done, Err(e));
        }
        if texts.is_empty() {
            return deliver(done, Ok(Vec::new()));
        }
        let checked = self.mode_for(opts.pooling.unwrap_or(self.settings.pooling)).and_then(|mode| Ok((mode, self.check_options(&opts)?)));
        let (mode, (token_budget, dimensions)) = match checked {
            Ok(v) => v,
            Err(e) => return deliver(done, Err(e)),
        };
        let normalize = opts.normalize.unwrap_or(self.settings.normalize);
        let prompt: Option<Arc<str>> = self.model.prompts().resolve(opts.role, opts.prompt.as_deref()).map(Into::into);
        let space = CallSpace {
            model: self.model.info().fingerprint.clone(),
            mode,
            normalize,
            dimensions: dimensions.unwrap_or(self.model.info().dimension),
            precision: opts.precision.unwrap_or(Precision::Float32),
            ranges: opts.ranges,
            prompt: self.space_prompt(prompt.as_deref()).to_string(),
        };
        let done: Completion<Vec<Embedding>> = Box::new(move |r| done(r.and_then(|v| space.finish(v))));
        let slot = Slot::new(texts.len(), done);
        self.queue.push_request(Request {
            texts,
            mode,
            normalize,
            max_text_tokens: self.settings.max_tokens,
            overflow: opts.overflow.unwrap_or(self.settings.overflow),
            token_budget,
            dimensions,
            prompt,
            pair_query: None,
            slot,
        });
    }

    /// The prompt as part of the space: the model's own prompts (query, document, default) are
    /// made to be compared with each other, so they are one space with no prompt; any other
    /// prompt changes what the vectors mean.
    fn space_prompt<'a>(&self, prompt: Option<&'a str>) -> &'a str {
        let own = self.model.prompts();
        match prompt {
            Some(p) if ![&own.query, &own.document, &own.default].iter().any(|o| o.as_deref() == Some(p)) => p,
            _ => "",
        }
    }

    /// `CONTEXT_CLOSED` once the context is closed, or in a process forked after it was made.
    pub(crate) fn check_open(&self) -> Result<()> {
        if self.queue.is_closed() {
            return err(ErrorCode::ContextClosed, "the context is closed");
        }
        if std::process::id() != self.pid {
            return err(
                ErrorCode::ContextClosed,
                "this context was created in another process (before a fork); create a new Context in this process",
            );
        }
        Ok(())
    }

    /// Whether `opts` can be used for a call: its pooling for this model, its limits.
    pub(crate) fn check_call(&self, opts: &EmbedOptions) -> Result<()> {
        self.mode_for(opts.pooling.unwrap_or(self.settings.pooling))?;
        self.check_options(opts).map(|_| ())
    }

    /// The per-call limits of `opts`, checked: (token budget of the call, dimensions kept).
    fn check_options(&self, opts: &EmbedOptions) -> Result<(Option<usize>, Option<usize>)> {
        let dim = self.model.info().dimension;
        match opts.dimensions {
            Some(d) if d == 0 || d as usize > dim => {
                return err(ErrorCode::InvalidArgument, format!("dimensions is {d} but the model's vectors have {dim}; ask for 1 to {dim}"))
            }
            _ => {}
        }
        if opts.max_tokens == Some(0) {
            return err(ErrorCode::InvalidArgument, "maxTokens must be at least 1");
        }
        if let (Some(precision @ (Precision::Int8 | Precision::Uint8)), Some(ranges)) = (opts.precision, &opts.ranges) {
            // Checked now, so that bad ranges fail the call before any text is run.
            let kept = opts.dimensions.map_or(dim, |d| d as usize);
            crate::quantize::quantize(&[vec![0.0; kept]], precision, Some(ranges))?;
        }
        Ok((opts.max_tokens.map(|n| n as usize), opts.dimensions.map(|d| d as usize)))
    }


}


impl Context {
    /// Embeds texts given as bytes (checked for UTF-8). All or nothing: the first bad text
    /// fails the call before any work is done, and the error names its index.
    pub fn embed_bytes(&self, texts: &[&[u8]], opts: EmbedOptions) -> Result<Vec<Embedding>> {
        let strs = texts
            .iter()
            .enumerate()
            .map(|(i, b)| {
                std::str::from_utf8(b)
                    .map_err(|e| at_index(texts.len(), i, Error::new(ErrorCode::InvalidUtf8, format!("text is not valid UTF-8: {e}"))))
            })
            .collect::<Result<Vec<&str>>>()?;
        self.embed(&strs, opts)
    }

    /// Embeds texts and blocks until they are done; results come back in input order.
    pub fn embed<S: AsRef<str>>(&self, texts: &[S], opts: EmbedOptions) -> Result<Vec<Embedding>> {
        let owned = texts.iter().map(|t| t.as_ref().to_owned()).collect();
        wait(|done| self.submit(owned, opts, done))
    }

    /// The non-blocking entry of every embedding call (see [`ContextCore::submit`]).
    pub fn submit(&self, texts: Vec<String>, opts: EmbedOptions, done: Completion<Vec<Embedding>>) {
        self.core.submit(texts, opts, done)
    }

    /// Running totals of the work this context has done.
    pub fn stats(&self) -> ContextStats {
        self.core.queue.counters.snapshot()
    }

    /// Stops the workers. Calls in flight finish; later calls fail with `CONTEXT_CLOSED`.
    pub fn close(&self) {
        self.core.queue.close();
        if std::process::id() != self.core.pid {
            return; // a forked child has no worker threads to join
        }
        let handles: Vec<_> = self.workers.lock().unwrap_or_else(|p| p.into_inner()).drain(..).collect();
        for h in handles {
            let _ = h.join();
        }
    }

    pub fn is_closed(&self) -> bool {
        self.core.queue.is_closed()
    }}

impl Drop for ContextCore {
    /// The last handle (the context or one of its streams) is gone, maybe with calls in flight:
    /// a Node or Python context is garbage once nothing refers to it, although its promises
    /// and futures are pending. Those calls finish and are delivered; then the workers leave.
    /// Nothing waits here: the last handle may be dropped by a thread that a completion is
    /// waiting for (Python's GIL). `close()` fails pending calls and joins the workers.
    fn drop(&mut self) {
        self.queue.drain();
    }
}

/// An error about one text of a call, naming the text when the call has several.
pub(crate) fn at_index(n: usize, i: usize, e: Error) -> Error {
    if n == 1 {
        e
    } else {
        Error::new(e.code(), format!("text {i}: {}", e.message()))
    }
}

/// What one call's vectors need once they are all computed: their space id and, with a
/// `precision`, their quantized form (int8 calibrates on the whole call, so it waits for it).
struct CallSpace {
    model: String,
    mode: crate::queue::Mode,
    normalize: bool,
    dimensions: usize,
    precision: Precision,
    ranges: Option<Vec<f32>>,
    prompt: String,
}

impl CallSpace {
    fn finish(&self, mut v: Vec<Embedding>) -> Result<Vec<Embedding>> {
        let ranges = self.ranges.as_deref();
        let quantized = crate::quantize::quantize(&v.iter().map(|e| e.data.as_slice()).collect::<Vec<_>>(), self.precision, ranges)?;
        let own = match (self.precision, ranges) {
            (Precision::Int8 | Precision::Uint8, None) => Some(crate::quantize::quantization_ranges(&v.iter().map(|e| e.data.as_slice()).collect::<Vec<_>>())?),
            _ => None,
        };
        let parts = SpaceParts {
            model: &self.model,
            mode: self.mode,
            normalize: self.normalize,
            dimensions: self.dimensions,
            precision: self.precision,
            ranges,
            prompt: &self.prompt,
        };
        let space = parts.id(own.as_deref());
        for e in v.iter_mut() {
            e.space = space.clone();
        }
        if let Some(q) = quantized {
            v.iter_mut().zip(q).for_each(|(e, q)| e.quantized = Some(q));
        }
        Ok(v)
    }
}
