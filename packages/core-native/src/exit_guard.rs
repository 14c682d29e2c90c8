//! Process exit while a worker is inside llama.cpp. `exit()` runs the C++ static destructors of
//! llama.cpp and ggml (the CPU backend's list of extra buffer types, the tokenizer's Unicode
//! tables) while a worker's graph or tokenizer still reads them, and the process dies of SIGSEGV
//! instead of exiting with its status: `mullama embed big.txt | head -1`, a Node script that calls
//! `process.exit()`, a Python script that ends with a daemon thread still embedding.
//!
//! An `atexit` handler, registered when the first context starts (after the backends are loaded,
//! so that it runs before their destructors: the C library runs exit handlers last in, first
//! out), stops every worker at its next step into llama.cpp and waits, at most `EXIT_WAIT`, for
//! those inside it to come out. They then park until the process is gone: a completion delivered
//! now would call into a runtime that is shutting down (a finalized Python interpreter).

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering::SeqCst};
use std::sync::Once;
use std::time::{Duration, Instant};

/// Longest the exit waits for a step in flight: one micro-batch takes milliseconds; a stuck
/// step must not keep the process from ending.
const EXIT_WAIT: Duration = Duration::from_secs(10);

static EXITING: AtomicBool = AtomicBool::new(false);
/// Worker steps inside llama.cpp now.
static INSIDE: AtomicUsize = AtomicUsize::new(0);
/// The process that registered the handler: a forked child inherits the handler, not the workers.
static OWNER: AtomicU32 = AtomicU32::new(0);

/// Registers the exit handler once per process; call it after llama.cpp's backends are loaded.
pub fn register() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        OWNER.store(std::process::id(), SeqCst);
        // SAFETY: `at_exit` is an `extern "C" fn()` that neither unwinds nor calls exit().
        unsafe { libc::atexit(at_exit) };
    });
}

extern "C" fn at_exit() {
    begin_exit();
}

/// Stops the workers at their next step into llama.cpp and waits for those inside one. A
/// binding whose runtime shuts down before `exit()` calls it first: Python's `atexit`, because
/// a worker thread that enters a finalizing interpreter to deliver a result is ended by it with
/// `pthread_exit`, which cannot unwind through Rust frames and aborts the process. The caller
/// must not hold a lock a delivering worker needs (Python: release the GIL while waiting).
pub fn begin_exit() {
    if OWNER.load(SeqCst) != std::process::id() {
        return;
    }
    EXITING.store(true, SeqCst);
    let deadline = Instant::now() + EXIT_WAIT;
    while INSIDE.load(SeqCst) > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Runs one worker step that calls into llama.cpp, unless the process is exiting: then the
/// thread parks for good, before the step or after it.
pub fn step<T>(f: impl FnOnce() -> T) -> T {
    // Counted before the flag is read, and the handler sets the flag before it reads the count
    // (both SeqCst): either the handler waits for this step or the step sees the flag.
    INSIDE.fetch_add(1, SeqCst);
    let out = {
        let inside = Inside;
        if EXITING.load(SeqCst) {
            drop(inside);
            park_forever();
        }
        let out = f();
        drop(inside);
        out
    };
    if EXITING.load(SeqCst) {
        park_forever();
    }
    out
}

/// Leaves the count when the step ends, by return or by panic.
struct Inside;

impl Drop for Inside {
    fn drop(&mut self) {
        INSIDE.fetch_sub(1, SeqCst);
    }
}

fn park_forever() -> ! {
    loop {
        std::thread::park();
    }
}
