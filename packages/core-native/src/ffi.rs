//! The only module that talks to llama.cpp. Every `unsafe` block of the crate lives here,
//! behind small owning types (`RawModel`, `RawContext`, `RawBatch`) whose methods are safe
//! as long as the invariants written next to them hold. Callers check inputs *before*
//! reaching this module: llama.cpp turns several bad inputs into a process abort.

use llama_cpp_sys_2 as sys;
use std::ffi::{c_char, c_void, CStr, CString};
use std::path::Path;
use std::ptr::NonNull;
use std::sync::{Mutex, Once};

pub use sys::llama_token as Token;

/// llama.cpp's pooling types, as we use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LlamaPooling {
    None,
    Mean,
    Cls,
    Last,
}

impl LlamaPooling {
    fn raw(self) -> sys::llama_pooling_type {
        match self {
            LlamaPooling::None => sys::LLAMA_POOLING_TYPE_NONE,
            LlamaPooling::Mean => sys::LLAMA_POOLING_TYPE_MEAN,
            LlamaPooling::Cls => sys::LLAMA_POOLING_TYPE_CLS,
            LlamaPooling::Last => sys::LLAMA_POOLING_TYPE_LAST,
        }
    }
}

static BACKEND: Once = Once::new();
/// The error lines llama.cpp logged since the last `take_last_error`, so a failure can say why.
static LAST_ERROR: Mutex<String> = Mutex::new(String::new());

/// Initialises llama.cpp once per process and routes its log through `log_callback`.
pub fn init_backend() {
    BACKEND.call_once(|| unsafe {
        sys::llama_log_set(Some(log_callback), std::ptr::null_mut());
        sys::llama_backend_init();
    });
}

fn verbose() -> bool {
    static V: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *V.get_or_init(|| std::env::var("MULLAMA_LOG").map(|v| v == "debug").unwrap_or(false))
}

unsafe extern "C" fn log_callback(level: sys::ggml_log_level, text: *const c_char, _: *mut c_void) {
    if text.is_null() {
        return;
    }
    // SAFETY: llama.cpp passes a NUL-terminated string valid for the duration of the call.
    let line = unsafe { CStr::from_ptr(text) }.to_string_lossy();
    if level == sys::GGML_LOG_LEVEL_ERROR {
        // Keep every error line of the failing call: the first one usually says why.
        if let Ok(mut last) = LAST_ERROR.lock() {
            if last.len() < 2048 {
                if !last.is_empty() {
                    last.push_str("; ");
                }
                last.push_str(line.trim());
            }
        }
    }
    // llama.cpp is chatty; its log is ours to show only when asked for.
    if verbose() {
        eprint!("{line}");
    }
}

/// Takes (and clears) the error lines llama.cpp logged.
pub fn take_last_error() -> String {
    LAST_ERROR.lock().map(|mut s| std::mem::take(&mut *s)).unwrap_or_default()
}

/// A loaded llama.cpp model. Immutable after load; llama.cpp supports many contexts over one
/// model from several threads, which is what `Send + Sync` promises here.
pub struct RawModel {
    ptr: NonNull<sys::llama_model>,
}

unsafe impl Send for RawModel {}
unsafe impl Sync for RawModel {}

impl RawModel {
    /// Loads a GGUF file. The caller has already checked that it exists and looks like GGUF;
    /// llama.cpp reports deeper problems (truncation, unknown architecture) by returning null.
    pub fn load(path: &Path) -> Option<RawModel> {
        init_backend();
        let c_path = CString::new(path.to_string_lossy().as_bytes()).ok()?;
        unsafe {
            let mut params = sys::llama_model_default_params();
            params.n_gpu_layers = 0;
            let ptr = sys::llama_model_load_from_file(c_path.as_ptr(), params);
            NonNull::new(ptr).map(|ptr| RawModel { ptr })
        }
    }

    fn vocab(&self) -> *const sys::llama_vocab {
        unsafe { sys::llama_model_get_vocab(self.ptr.as_ptr()) }
    }

    pub fn n_embd(&self) -> usize {
        unsafe { sys::llama_model_n_embd_out(self.ptr.as_ptr()).max(0) as usize }
    }

    pub fn n_ctx_train(&self) -> usize {
        unsafe { sys::llama_model_n_ctx_train(self.ptr.as_ptr()).max(0) as usize }
    }

    pub fn has_encoder(&self) -> bool {
        unsafe { sys::llama_model_has_encoder(self.ptr.as_ptr()) }
    }

    pub fn has_decoder(&self) -> bool {
        unsafe { sys::llama_model_has_decoder(self.ptr.as_ptr()) }
    }

    pub fn size_bytes(&self) -> u64 {
        unsafe { sys::llama_model_size(self.ptr.as_ptr()) }
    }

    pub fn n_params(&self) -> u64 {
        unsafe { sys::llama_model_n_params(self.ptr.as_ptr()) }
    }

    pub fn n_vocab(&self) -> usize {
        unsafe { sys::llama_vocab_n_tokens(self.vocab()).max(0) as usize }
    }

    /// A metadata value as a string, if the key exists.
    pub fn meta(&self, key: &str) -> Option<String> {
        let c_key = CString::new(key).ok()?;
        let mut buf = vec![0u8; 256];
        loop {
            let n = unsafe {
                sys::llama_model_meta_val_str(
                    self.ptr.as_ptr(),
                    c_key.as_ptr(),
                    buf.as_mut_ptr() as *mut c_char,
                    buf.len(),
                )
            };
            if n < 0 {
                return None;
            }
            if (n as usize) < buf.len() {
                buf.truncate(n as usize);
                return Some(String::from_utf8_lossy(&buf).into_owned());
            }
            buf.resize(n as usize + 1, 0);
        }
    }

    /// The special tokens llama.cpp wraps around every text: (prefix, suffix), e.g. `[CLS] .. [SEP]`
    /// for BERT or BOS for llama. Learnt by tokenizing a probe with and without special tokens,
    /// because the add_bos/add_eos/add_sep flags mean different things per tokenizer type.
    pub fn special_tokens(&self) -> (Vec<Token>, Vec<Token>) {
        let probe = "hello";
        let (Some(full), Some(content)) = (self.tokenize(probe, true), self.tokenize(probe, false)) else {
            return (Vec::new(), Vec::new());
        };
        let at = (0..=full.len().saturating_sub(content.len())).find(|&i| full[i..].starts_with(&content));
        match at {
            Some(i) if !content.is_empty() => (full[..i].to_vec(), full[i + content.len()..].to_vec()),
            _ => (Vec::new(), Vec::new()),
        }
    }

    /// Tokenizes UTF-8 text with the model's own tokenizer. `None` if llama.cpp refuses.
    pub fn tokenize(&self, text: &str, add_special: bool) -> Option<Vec<Token>> {
        let len = i32::try_from(text.len()).ok()?;
        // A WordPiece/BPE token covers at least one byte, plus a few special tokens.
        let mut out: Vec<Token> = vec![0; text.len() + 8];
        let n = unsafe {
            sys::llama_tokenize(
                self.vocab(),
                text.as_ptr() as *const c_char,
                len,
                out.as_mut_ptr(),
                out.len() as i32,
                add_special,
                false,
            )
        };
        if n < 0 {
            if n == i32::MIN {
                return None;
            }
            out.resize((-n) as usize, 0);
            let n2 = unsafe {
                sys::llama_tokenize(
                    self.vocab(),
                    text.as_ptr() as *const c_char,
                    len,
                    out.as_mut_ptr(),
                    out.len() as i32,
                    add_special,
                    false,
                )
            };
            if n2 < 0 {
                return None;
            }
            out.truncate(n2 as usize);
        } else {
            out.truncate(n as usize);
        }
        Some(out)
    }

    pub(crate) fn as_ptr(&self) -> *mut sys::llama_model {
        self.ptr.as_ptr()
    }
}

impl Drop for RawModel {
    fn drop(&mut self) {
        unsafe { sys::llama_model_free(self.ptr.as_ptr()) }
    }
}

/// How one worker context is built. `n_tokens` sizes n_ctx, n_batch and n_ubatch alike: every
/// micro-batch we submit fits in one ubatch, which encoders require.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawContextConfig {
    pub n_tokens: u32,
    pub n_seq_max: u32,
    pub n_threads: i32,
    pub pooling: LlamaPooling,
    pub flash_attention: bool,
}

/// One llama.cpp context. Owned by one worker thread at a time.
pub struct RawContext {
    ptr: NonNull<sys::llama_context>,
    /// A persistent thread pool: without one ggml spawns and joins its threads on every decode.
    pool: *mut sys::ggml_threadpool,
    pub config: RawContextConfig,
}

// A context may move between threads; it is never used by two at once (workers own theirs).
unsafe impl Send for RawContext {}

impl RawContext {
    pub fn new(model: &RawModel, config: RawContextConfig) -> Option<RawContext> {
        unsafe {
            let mut p = sys::llama_context_default_params();
            p.n_ctx = config.n_tokens;
            p.n_batch = config.n_tokens;
            p.n_ubatch = config.n_tokens;
            p.n_seq_max = config.n_seq_max;
            p.n_threads = config.n_threads;
            p.n_threads_batch = config.n_threads;
            p.embeddings = true;
            p.pooling_type = config.pooling.raw();
            if config.flash_attention {
                p.flash_attn_type = sys::LLAMA_FLASH_ATTN_TYPE_ENABLED;
            } else {
                // Without flash attention we also keep the KV cache in f32: this is the exact
                // mode, the one the reference tests hold to 1e-4.
                p.flash_attn_type = sys::LLAMA_FLASH_ATTN_TYPE_DISABLED;
                p.type_k = sys::GGML_TYPE_F32;
                p.type_v = sys::GGML_TYPE_F32;
            }
            // One KV buffer shared by all sequences: a long text may use most of it.
            p.kv_unified = true;
            p.no_perf = true;
            let ptr = NonNull::new(sys::llama_init_from_model(model.as_ptr(), p))?;
            let mut tp = sys::ggml_threadpool_params_default(config.n_threads);
            let pool = sys::ggml_threadpool_new(&mut tp);
            if !pool.is_null() {
                sys::llama_attach_threadpool(ptr.as_ptr(), pool, pool);
            }
            Some(RawContext { ptr, pool, config })
        }
    }

    /// Runs a batch: `llama_encode` for memory-less encoders, otherwise clears the KV memory
    /// (every batch is a fresh set of texts) and calls `llama_decode`. Returns llama.cpp's code.
    pub fn run(&mut self, batch: &RawBatch) -> i32 {
        unsafe {
            let mem = sys::llama_get_memory(self.ptr.as_ptr());
            if mem.is_null() {
                sys::llama_encode(self.ptr.as_ptr(), batch.raw)
            } else {
                sys::llama_memory_clear(mem, true);
                sys::llama_decode(self.ptr.as_ptr(), batch.raw)
            }
        }
    }

    /// The pooled vector of a sequence (pooling contexts only).
    pub fn seq_embedding(&self, seq: i32, n_embd: usize) -> Option<&[f32]> {
        unsafe {
            let p = sys::llama_get_embeddings_seq(self.ptr.as_ptr(), seq);
            (!p.is_null()).then(|| std::slice::from_raw_parts(p, n_embd))
        }
    }

    /// The per-token vector of the i-th token of the last batch (pooling-NONE contexts).
    pub fn token_embedding(&self, i: i32, n_embd: usize) -> Option<&[f32]> {
        unsafe {
            let p = sys::llama_get_embeddings_ith(self.ptr.as_ptr(), i);
            (!p.is_null()).then(|| std::slice::from_raw_parts(p, n_embd))
        }
    }
}

impl Drop for RawContext {
    fn drop(&mut self) {
        unsafe {
            sys::llama_free(self.ptr.as_ptr());
            if !self.pool.is_null() {
                sys::ggml_threadpool_free(self.pool);
            }
        }
    }
}

/// A llama_batch with room for `capacity` tokens, one sequence id per token.
pub struct RawBatch {
    raw: sys::llama_batch,
    capacity: usize,
}

unsafe impl Send for RawBatch {}

impl RawBatch {
    pub fn new(capacity: usize) -> RawBatch {
        let raw = unsafe { sys::llama_batch_init(capacity as i32, 0, 1) };
        RawBatch { raw, capacity }
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn len(&self) -> usize {
        self.raw.n_tokens as usize
    }

    pub fn clear(&mut self) {
        self.raw.n_tokens = 0;
    }

    /// Appends one sequence, every token an output. Returns false (and adds nothing) when it
    /// does not fit: the caller sizes batches, this is the last guard against overrun.
    pub fn push_sequence(&mut self, tokens: &[Token], seq: i32) -> bool {
        let start = self.len();
        if start + tokens.len() > self.capacity {
            return false;
        }
        unsafe {
            for (pos, &tok) in tokens.iter().enumerate() {
                let i = start + pos;
                *self.raw.token.add(i) = tok;
                *self.raw.pos.add(i) = pos as i32;
                *self.raw.n_seq_id.add(i) = 1;
                *(*self.raw.seq_id.add(i)) = seq;
                *self.raw.logits.add(i) = 1;
            }
        }
        self.raw.n_tokens += tokens.len() as i32;
        true
    }
}

impl Drop for RawBatch {
    fn drop(&mut self) {
        unsafe { sys::llama_batch_free(self.raw) }
    }
}
