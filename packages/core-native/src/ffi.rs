//! The only module that talks to llama.cpp. Every `unsafe` block of the crate lives here,
//! behind small owning types (`RawModel`, `RawContext`, `RawBatch`) whose methods are safe
//! as long as the invariants written next to them hold; each block says which it relies on
//! (`SAFETY:`). Callers check inputs *before* reaching this module: llama.cpp turns several bad
//! inputs into a process abort. Slices handed out are sized by what this module itself read
//! from llama.cpp or wrote into a batch, never by a length a caller passes in.

use llama_cpp_sys_2 as sys;
use std::cell::RefCell;
use std::ffi::{c_char, c_void, CStr, CString};
use std::path::Path;
use std::ptr::NonNull;
use std::sync::Once;

pub use sys::llama_token as Token;

/// llama.cpp's pooling types, as we use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LlamaPooling {
    None,
    Mean,
    Cls,
    Last,
    /// The classification head on the first token: `n_cls_out` scores per sequence (rerankers).
    Rank,
}

impl LlamaPooling {
    fn raw(self) -> sys::llama_pooling_type {
        match self {
            LlamaPooling::None => sys::LLAMA_POOLING_TYPE_NONE,
            LlamaPooling::Mean => sys::LLAMA_POOLING_TYPE_MEAN,
            LlamaPooling::Cls => sys::LLAMA_POOLING_TYPE_CLS,
            LlamaPooling::Last => sys::LLAMA_POOLING_TYPE_LAST,
            LlamaPooling::Rank => sys::LLAMA_POOLING_TYPE_RANK,
        }
    }
}

static BACKEND: Once = Once::new();
/// Set when the `portable` build found no CPU backend module: every model load fails with it.
static BACKEND_MISSING: std::sync::OnceLock<String> = std::sync::OnceLock::new();
/// Whether the CPU backend this process runs may use AMX tile instructions: the
/// `sapphirerapids` module of a portable build; unknown, so assumed, in a static build.
static AMX_BACKEND: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

/// See `RawModel::load`.
fn amx_backend() -> bool {
    *AMX_BACKEND.get().unwrap_or(&!cfg!(feature = "portable"))
}

thread_local! {
    /// The error lines llama.cpp logs on this thread while a `capture` runs: a failing call
    /// says why in its own error, and calls on other threads (other workers, other loads)
    /// never see or steal each other's lines.
    static CAPTURED: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `f` (one llama.cpp call) and returns its result with the error lines it logged.
fn capture<R>(f: impl FnOnce() -> R) -> (R, String) {
    CAPTURED.with(|c| *c.borrow_mut() = Some(String::new()));
    let r = f();
    let log = CAPTURED.with(|c| c.borrow_mut().take()).unwrap_or_default();
    (r, log)
}

/// A llama.cpp failure: what it logged, or `fallback` when it logged nothing.
fn why(log: String, fallback: &str) -> String {
    if log.is_empty() {
        fallback.to_string()
    } else {
        log
    }
}

/// Initialises llama.cpp once per process and routes its log through `log_callback`.
pub fn init_backend() {
    // SAFETY: called once (Once) before any other llama.cpp call; the callback is a plain
    // `extern "C"` fn that lives for the whole process and ignores its user-data pointer.
    BACKEND.call_once(|| unsafe {
        sys::llama_log_set(Some(log_callback), std::ptr::null_mut());
        // Our backend first: llama_backend_init loads backends itself only when none is
        // registered, and then searches the build machine's folder, the executable's folder
        // and the current directory, which would dlopen whatever libggml-*.so lies there.
        load_cpu_backend();
        if BACKEND_MISSING.get().is_none() {
            sys::llama_backend_init();
        }
    });
}

/// Portable builds: registers the best CPU backend module for this CPU (see backends.rs).
#[cfg(feature = "portable")]
fn load_cpu_backend() {
    let Some(dir) = crate::backends::find_dir() else {
        let _ = BACKEND_MISSING.set(crate::backends::missing_message());
        return;
    };
    let module = match crate::backends::pick_cpu_module(&dir) {
        Ok(m) => m,
        Err(why) => {
            let _ = BACKEND_MISSING.set(why);
            return;
        }
    };
    let Ok(c_module) = CString::new(module.to_string_lossy().as_bytes()) else {
        let _ = BACKEND_MISSING.set(format!("the backend path {} contains a NUL byte", module.display()));
        return;
    };
    let _ = AMX_BACKEND.set(crate::backends::uses_amx(&module));
    // SAFETY: `c_module` is NUL-terminated and outlives the call; ggml dlopens the module and
    // registers its backend (it copies what it keeps).
    let reg = unsafe { sys::ggml_backend_load(c_module.as_ptr()) };
    // SAFETY: plain query of ggml's backend registry, filled by the call above.
    if reg.is_null() || unsafe { sys::ggml_backend_dev_count() } == 0 {
        let _ = BACKEND_MISSING.set(format!("the CPU backend {} could not be loaded", module.display()));
    }
    // The `cuda` feature builds libggml-cuda beside the CPU modules. Loading it is a wish, not
    // a need: on a machine without a GPU or driver it fails or finds no device, and the models
    // run on the CPU as in any other build.
    let cuda = dir.join("libggml-cuda.so");
    if cfg!(feature = "cuda") && cuda.exists() {
        if let Ok(c_cuda) = CString::new(cuda.to_string_lossy().as_bytes()) {
            // SAFETY: as above; a null registration only means no CUDA here.
            unsafe { sys::ggml_backend_load(c_cuda.as_ptr()) };
        }
    }
}

/// Static builds link the CPU backend in: nothing to load.
#[cfg(not(feature = "portable"))]
fn load_cpu_backend() {}

/// The folder of the libggml shared library this process runs (portable builds), found from
/// the address of one of its functions.
#[cfg(feature = "portable")]
pub fn ggml_library_dir() -> Option<std::path::PathBuf> {
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
    let addr = sys::ggml_backend_load_all_from_path as *const c_void;
    // SAFETY: dladdr only reads the loader's tables and fills `info`; `dli_fname` points into
    // them (valid while the library stays loaded, which it does for the whole process).
    let found = unsafe { libc::dladdr(addr, &mut info) } != 0 && !info.dli_fname.is_null();
    if !found {
        return None;
    }
    let file = unsafe { CStr::from_ptr(info.dli_fname) }.to_string_lossy().into_owned();
    std::fs::canonicalize(file).ok()?.parent().map(|p| p.to_path_buf())
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
        // `try_with`: a line logged while this thread's locals are torn down is only shown.
        let _ = CAPTURED.try_with(|c| {
            if let Some(buf) = c.borrow_mut().as_mut() {
                if buf.len() < 2048 {
                    if !buf.is_empty() {
                        buf.push_str("; ");
                    }
                    buf.push_str(line.trim());
                }
            }
        });
    }
    // llama.cpp is chatty; its log is ours to show only when asked for.
    if verbose() {
        eprint!("{line}");
    }
}

/// A loaded llama.cpp model. Immutable after load; llama.cpp supports many contexts over one
/// model from several threads, which is what `Send + Sync` promises here.
pub struct RawModel {
    ptr: NonNull<sys::llama_model>,
}

// SAFETY: llama.cpp never mutates a model after loading, and its API allows contexts on one
// model to be created and run from several threads at once.
unsafe impl Send for RawModel {}
unsafe impl Sync for RawModel {}

impl RawModel {
    /// Loads a GGUF file. The caller has already checked that it exists and looks like GGUF;
    /// llama.cpp reports deeper problems (truncation, unknown architecture) by returning null.
    /// Err: why llama.cpp refused (its logged error lines).
    ///
    /// `amx_tile_types`: the file has weights of a type ggml's AMX code runs with tile
    /// instructions. On an AMX backend those load without ggml's "extra" buffer types: on VMs
    /// that report AMX but do not let a process use it, `tileloadd` dies with SIGILL (seen on a
    /// Sapphire Rapids VM, q8_0), and without the AMX buffer the weights take the module's
    /// AVX-512 kernels. Other models keep it: it runs F16 products faster.
    pub fn load(path: &Path, amx_tile_types: bool) -> Result<RawModel, String> {
        init_backend();
        if let Some(why) = BACKEND_MISSING.get() {
            return Err(why.clone());
        }
        let c_path = CString::new(path.to_string_lossy().as_bytes()).map_err(|_| "the path contains a NUL byte".to_string())?;
        // SAFETY: `c_path` is a NUL-terminated string that outlives the call; the params come
        // from llama.cpp's own defaults. A null result is a failed load, never a model.
        let (ptr, log) = capture(|| unsafe {
            let mut params = sys::llama_model_default_params();
            params.use_extra_bufts = !(amx_tile_types && amx_backend());
            // Every layer on the GPU when the `cuda` feature found one (llama.cpp keeps them on
            // the CPU when there is no GPU device); CPU builds never offload.
            params.n_gpu_layers = if cfg!(feature = "cuda") { i32::MAX } else { 0 };
            sys::llama_model_load_from_file(c_path.as_ptr(), params)
        });
        NonNull::new(ptr).map(|ptr| RawModel { ptr }).ok_or_else(|| why(log, "corrupt or unsupported GGUF"))
    }

    fn vocab(&self) -> *const sys::llama_vocab {
        // SAFETY: `ptr` is a live model (owned by self, freed only in Drop).
        unsafe { sys::llama_model_get_vocab(self.ptr.as_ptr()) }
    }

    pub fn n_embd(&self) -> usize {
        // SAFETY: `ptr` is a live model (owned by self, freed only in Drop).
        unsafe { sys::llama_model_n_embd_out(self.ptr.as_ptr()).max(0) as usize }
    }

    /// Outputs of the classification head (rank pooling); 0 without one.
    pub fn n_cls_out(&self) -> usize {
        // SAFETY: `ptr` is a live model (owned by self, freed only in Drop).
        unsafe { sys::llama_model_n_cls_out(self.ptr.as_ptr()) as usize }
    }

    pub fn n_ctx_train(&self) -> usize {
        // SAFETY: `ptr` is a live model (owned by self, freed only in Drop).
        unsafe { sys::llama_model_n_ctx_train(self.ptr.as_ptr()).max(0) as usize }
    }

    pub fn has_encoder(&self) -> bool {
        // SAFETY: `ptr` is a live model (owned by self, freed only in Drop).
        unsafe { sys::llama_model_has_encoder(self.ptr.as_ptr()) }
    }

    pub fn has_decoder(&self) -> bool {
        // SAFETY: `ptr` is a live model (owned by self, freed only in Drop).
        unsafe { sys::llama_model_has_decoder(self.ptr.as_ptr()) }
    }

    pub fn size_bytes(&self) -> u64 {
        // SAFETY: `ptr` is a live model (owned by self, freed only in Drop).
        unsafe { sys::llama_model_size(self.ptr.as_ptr()) }
    }

    pub fn n_params(&self) -> u64 {
        // SAFETY: `ptr` is a live model (owned by self, freed only in Drop).
        unsafe { sys::llama_model_n_params(self.ptr.as_ptr()) }
    }

    pub fn n_vocab(&self) -> usize {
        // SAFETY: the vocab belongs to the live model and lives as long as it does.
        unsafe { sys::llama_vocab_n_tokens(self.vocab()).max(0) as usize }
    }

    /// The bytes token `id` stands for in text (a byte-level BPE piece decoded, SentencePiece's
    /// `▁` as a space); special tokens give none.
    pub fn token_piece(&self, id: Token) -> Option<Vec<u8>> {
        let mut buf = vec![0u8; 64];
        for _ in 0..2 {
            // SAFETY: live vocab; llama.cpp writes at most `buf.len()` bytes and returns the
            // count, or minus the size it needs.
            let n = unsafe { sys::llama_token_to_piece(self.vocab(), id, buf.as_mut_ptr() as *mut c_char, buf.len() as i32, 0, false) };
            if n >= 0 {
                buf.truncate(n as usize);
                return Some(buf);
            }
            buf.resize((-n) as usize, 0);
        }
        None
    }

    /// The text of token `id` as the GGUF stores it (`▁` marks word starts in WordPiece vocabularies).
    pub fn token_text(&self, id: Token) -> Option<String> {
        if id < 0 || id as usize >= self.n_vocab() {
            return None;
        }
        // SAFETY: `id` is in range for the live vocab; llama.cpp returns a NUL-terminated string
        // owned by the vocab, which we copy before returning.
        let ptr = unsafe { sys::llama_vocab_get_text(self.vocab(), id) };
        if ptr.is_null() {
            return None;
        }
        // SAFETY: non-null, NUL-terminated, alive while the model is.
        Some(unsafe { std::ffi::CStr::from_ptr(ptr) }.to_string_lossy().into_owned())
    }

    /// A metadata value as a string, if the key exists.
    pub fn meta(&self, key: &str) -> Option<String> {
        let c_key = CString::new(key).ok()?;
        let mut buf = vec![0u8; 256];
        loop {
            // SAFETY: live model; `c_key` is NUL-terminated; llama.cpp writes at most
            // `buf.len()` bytes (NUL included) into `buf` and returns the full length.
            let n = unsafe { sys::llama_model_meta_val_str(self.ptr.as_ptr(), c_key.as_ptr(), buf.as_mut_ptr() as *mut c_char, buf.len()) };
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

    /// A boolean metadata value (llama.cpp renders GGUF bools as `true`/`false`).
    pub fn meta_bool(&self, key: &str) -> Option<bool> {
        self.meta(key).map(|v| v == "true")
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
        // SAFETY: `text` is `len` valid bytes (llama.cpp reads exactly `len`, no NUL needed);
        // `out` has room for `out.len()` tokens, the capacity we pass; live vocab.
        let n = unsafe {
            sys::llama_tokenize(self.vocab(), text.as_ptr() as *const c_char, len, out.as_mut_ptr(), out.len() as i32, add_special, false)
        };
        if n < 0 {
            if n == i32::MIN {
                return None;
            }
            out.resize((-n) as usize, 0);
            // SAFETY: as above, with `out` grown to the count llama.cpp asked for.
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
        // SAFETY: the last owner frees the model once; contexts hold an Arc<Model>, so none
        // outlives it.
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
    /// Length of every vector, read from the model when the context was made: `n_embd`, or
    /// `n_cls_out` scores with rank pooling.
    n_embd: usize,
    /// Tokens and sequences of the last batch run: the bounds of what may be read back.
    last: (usize, usize),
}

// SAFETY: a context may move between threads; it is never used by two at once (each worker
// owns its own, and every method takes `&mut self` or runs on the owner's thread).
unsafe impl Send for RawContext {}

impl RawContext {
    /// Err: why llama.cpp refused (its logged error lines).
    pub fn new(model: &RawModel, config: RawContextConfig) -> Result<RawContext, String> {
        // SAFETY: the model is live for the context's whole life (the worker holds an
        // Arc<Model>); the params start from llama.cpp's defaults; a null context is a failure.
        let (made, log) = capture(|| unsafe {
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
            // Between batches the pool's threads sleep instead of spinning. ggml's default
            // (poll 50) spins each of them for millions of rounds after every graph, holding a
            // core the caller needs to take the result and send the next call: measured by
            // `make bench-peers` on 2 cores, the npm package gained 7-8% at batch 1 and 8 and the
            // Rust core lost nothing (inside a graph, ggml's barriers still spin).
            tp.poll = 0;
            let pool = match cpu_threadpool_fns() {
                Some((new, _)) => new(&mut tp),
                None => std::ptr::null_mut(),
            };
            if !pool.is_null() {
                sys::llama_attach_threadpool(ptr.as_ptr(), pool, pool);
            }
            Some((ptr, pool))
        });
        let (ptr, pool) = made.ok_or_else(|| why(log, "no reason logged"))?;
        let n_embd = if config.pooling == LlamaPooling::Rank { model.n_cls_out() } else { model.n_embd() };
        Ok(RawContext { ptr, pool, config, n_embd, last: (0, 0) })
    }

    /// The length of every vector this context returns.
    pub fn n_embd(&self) -> usize {
        self.n_embd
    }

    /// Runs a batch: `llama_encode` for memory-less encoders, otherwise clears the KV memory
    /// (every batch is a fresh set of texts) and calls `llama_decode`. Err: llama.cpp's code and
    /// the error lines it logged during this call.
    pub fn run(&mut self, batch: &RawBatch) -> Result<(), String> {
        if batch.len() > self.config.n_tokens as usize || batch.n_seqs > self.config.n_seq_max as usize {
            return Err(format!(
                "a batch of {} tokens in {} sequences does not fit a context of {} tokens and {} sequences",
                batch.len(),
                batch.n_seqs,
                self.config.n_tokens,
                self.config.n_seq_max
            ));
        }
        self.last = (0, 0);
        // SAFETY: live context; the batch's arrays hold `n_tokens` initialised entries
        // (RawBatch::push_sequence), which fit n_ctx/n_batch/n_ubatch and n_seq_max (checked
        // above): the sizes at which llama.cpp would otherwise abort.
        let (rc, log) = capture(|| unsafe {
            let mem = sys::llama_get_memory(self.ptr.as_ptr());
            if mem.is_null() {
                sys::llama_encode(self.ptr.as_ptr(), batch.raw)
            } else {
                sys::llama_memory_clear(mem, true);
                sys::llama_decode(self.ptr.as_ptr(), batch.raw)
            }
        });
        if rc != 0 {
            return Err(format!("code {rc}: {}", why(log, "no reason logged")));
        }
        self.last = (batch.len(), batch.n_seqs);
        Ok(())
    }

    /// The pooled vector of sequence `seq` of the last batch (pooling contexts only).
    pub fn seq_embedding(&self, seq: usize) -> Option<&[f32]> {
        if seq >= self.last.1 {
            return None;
        }
        // SAFETY: `seq` was a sequence of the last successful run; llama.cpp returns null or a
        // pointer to `n_embd` floats it owns until the next run (`&self` keeps that from
        // happening while the slice lives).
        unsafe {
            let p = sys::llama_get_embeddings_seq(self.ptr.as_ptr(), seq as i32);
            (!p.is_null()).then(|| std::slice::from_raw_parts(p, self.n_embd))
        }
    }

    /// The per-token vector of token `i` of the last batch (pooling-NONE contexts).
    pub fn token_embedding(&self, i: usize) -> Option<&[f32]> {
        if i >= self.last.0 {
            return None;
        }
        // SAFETY: `i` is an output token of the last successful run (every token is one); as
        // above, the `n_embd` floats stay valid while `&self` is borrowed.
        unsafe {
            let p = sys::llama_get_embeddings_ith(self.ptr.as_ptr(), i as i32);
            (!p.is_null()).then(|| std::slice::from_raw_parts(p, self.n_embd))
        }
    }
}

impl Drop for RawContext {
    fn drop(&mut self) {
        // SAFETY: freed once, by the owner; the pool is detached with the context and freed after.
        unsafe {
            sys::llama_free(self.ptr.as_ptr());
            if let (false, Some((_, free))) = (self.pool.is_null(), cpu_threadpool_fns()) {
                free(self.pool);
            }
        }
    }
}

type ThreadpoolNew = unsafe extern "C" fn(*mut sys::ggml_threadpool_params) -> *mut sys::ggml_threadpool;
type ThreadpoolFree = unsafe extern "C" fn(*mut sys::ggml_threadpool);

/// `ggml_threadpool_new`/`_free` of the CPU backend in use. They live in the CPU backend, which
/// portable builds load at run time (one module per CPU generation), so they are looked up in
/// its registry entry instead of linked; llama-server does the same. None: no CPU backend, or
/// one without thread pools (ggml then runs its own threads per decode).
fn cpu_threadpool_fns() -> Option<(ThreadpoolNew, ThreadpoolFree)> {
    static FNS: std::sync::OnceLock<Option<(ThreadpoolNew, ThreadpoolFree)>> = std::sync::OnceLock::new();
    *FNS.get_or_init(|| {
        // SAFETY: registry queries with NUL-terminated literals; a non-null proc address for
        // these names is the backend's function of exactly the signature ggml.h declares.
        unsafe {
            let reg = sys::ggml_backend_reg_by_name(c"CPU".as_ptr());
            if reg.is_null() {
                return None;
            }
            let new = sys::ggml_backend_reg_get_proc_address(reg, c"ggml_threadpool_new".as_ptr());
            let free = sys::ggml_backend_reg_get_proc_address(reg, c"ggml_threadpool_free".as_ptr());
            if new.is_null() || free.is_null() {
                return None;
            }
            Some((std::mem::transmute::<*mut c_void, ThreadpoolNew>(new), std::mem::transmute::<*mut c_void, ThreadpoolFree>(free)))
        }
    })
}

/// A llama_batch with room for `capacity` tokens, one sequence id per token: token ids, or
/// (`with_inputs`) each token's input vector instead of its id.
pub struct RawBatch {
    raw: sys::llama_batch,
    capacity: usize,
    /// Floats per token of an input-vector batch; 0 for token ids.
    width: usize,
    /// Sequences pushed since the last `clear`.
    n_seqs: usize,
}

// SAFETY: the batch owns its arrays (malloc'd by llama_batch_init); nothing else points into them.
unsafe impl Send for RawBatch {}

impl RawBatch {
    pub fn new(capacity: usize) -> RawBatch {
        // SAFETY: allocates `capacity` entries per array, one seq id each; freed in Drop.
        let raw = unsafe { sys::llama_batch_init(capacity as i32, 0, 1) };
        RawBatch { raw, capacity, width: 0, n_seqs: 0 }
    }

    /// A batch of input vectors of `width` floats (the model's `n_embd`) in place of token ids.
    pub fn with_inputs(capacity: usize, width: usize) -> RawBatch {
        // SAFETY: allocates `capacity * width` floats of input and `capacity` entries of every
        // other array, one seq id each; freed in Drop.
        let raw = unsafe { sys::llama_batch_init(capacity as i32, width as i32, 1) };
        RawBatch { raw, capacity, width, n_seqs: 0 }
    }


    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn len(&self) -> usize {
        self.raw.n_tokens as usize
    }

    pub fn clear(&mut self) {
        self.raw.n_tokens = 0;
        self.n_seqs = 0;
    }

    /// Appends one sequence, every token an output. Returns false (and adds nothing) when it
    /// does not fit: the caller sizes batches, this is the last guard against overrun.
    pub fn push_sequence(&mut self, tokens: &[Token], seq: i32) -> bool {
        let start = self.len();
        if self.width != 0 || start + tokens.len() > self.capacity {
            return false;
        }
        // SAFETY: `start + tokens.len() <= capacity` (checked above), the length of every array
        // llama_batch_init allocated; each entry's seq_id array has room for one id.
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
        self.n_seqs += 1;
        true
    }
}

impl RawBatch {
    /// Appends one sequence given as input vectors (`inputs.len()` a multiple of the width),
    /// every token an output. False (nothing added) when it does not fit or is not whole rows.
    pub fn push_inputs(&mut self, inputs: &[f32], seq: i32) -> bool {
        let start = self.len();
        if self.width == 0 || !inputs.len().is_multiple_of(self.width) {
            return false;
        }
        let n = inputs.len() / self.width;
        if start + n > self.capacity {
            return false;
        }
        // SAFETY: `start + n <= capacity` (checked above): the embd array holds capacity * width
        // floats and every other array capacity entries, each seq_id array room for one id.
        unsafe {
            std::ptr::copy_nonoverlapping(inputs.as_ptr(), self.raw.embd.add(start * self.width), inputs.len());
            for pos in 0..n {
                let i = start + pos;
                *self.raw.pos.add(i) = pos as i32;
                *self.raw.n_seq_id.add(i) = 1;
                *(*self.raw.seq_id.add(i)) = seq;
                *self.raw.logits.add(i) = 1;
            }
        }
        self.raw.n_tokens += n as i32;
        self.n_seqs += 1;
        true
    }
}

impl Drop for RawBatch {
    fn drop(&mut self) {
        // SAFETY: frees what llama_batch_init allocated, once.
        unsafe { sys::llama_batch_free(self.raw) }
    }
}
