//! The completion of a non-blocking call, and the one place that waits for one.
//!
//! Every embedding call enters the core without blocking: it hands over its inputs and a
//! [`Completion`], and returns. A worker thread calls the completion once the last text is done.
//! Node resolves its promise from it and Python its asyncio future, so no thread waits per call;
//! the blocking calls of the Rust API are [`wait`] over the same entry.

use crate::error::{Error, ErrorCode, Result};
use std::sync::mpsc::sync_channel;

/// Called exactly once with the outcome of a call: on a worker thread, or on the caller's thread
/// before the submitting function returns when the call fails at once (a closed context, a
/// pooling the model lacks). It should return quickly: it runs where the next batch would.
pub type Completion<T> = Box<dyn FnOnce(Result<T>) + Send + 'static>;

/// Runs `submit` with a completion and blocks the calling thread until it is called.
pub fn wait<T: Send + 'static>(submit: impl FnOnce(Completion<T>)) -> Result<T> {
    let (tx, rx) = sync_channel(1);
    submit(Box::new(move |r| {
        let _ = tx.send(r);
    }));
    rx.recv().unwrap_or_else(|_| Err(Error::new(ErrorCode::EngineFailure, "internal error: a call's completion was dropped without a result")))
}

/// Calls a completion, keeping a panic inside it (a bug in a binding's callback) from unwinding
/// into the worker thread that delivers it.
pub(crate) fn deliver<T>(done: Completion<T>, result: Result<T>) {
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || done(result)));
}
