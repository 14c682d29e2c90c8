//! `EmbeddingStream`: bulk embedding in input order with bounded memory.
//!
//! Each `push` is submitted at once as one embedding call (so several pushed batches share
//! micro-batches and the workers never wait for the caller), and `next` hands results back in
//! push order. The caller bounds memory by calling `next` when `pending` reaches its window;
//! nothing here buffers more than what was pushed and not yet taken. Progress counts texts whose
//! vectors are computed, so a progress bar reaches 100% with the last vector, not the last read.

use crate::api::{EmbedOptions, Embedding, StreamProgress};
use crate::completion::{deliver, Completion};
use crate::context::ContextCore;
use crate::error::{err, Error, ErrorCode, Result};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

pub struct EmbeddingStream {
    core: Arc<ContextCore>,
    options: EmbedOptions,
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    /// Pushed batches, oldest first; `None` until the batch is done.
    batches: VecDeque<Arc<Mutex<Option<Result<Vec<Embedding>>>>>>,
    /// A `next` waiting for the oldest batch.
    waiting: Option<Completion<Vec<Embedding>>>,
    pushed: u64,
    embedded: u64,
    delivered: u64,
    tokens: u64,
}

impl State {
    /// Hands the oldest batch to the waiting `next`, if both are there.
    fn settle(&mut self) -> Option<(Completion<Vec<Embedding>>, Result<Vec<Embedding>>)> {
        let ready = self.batches.front().is_some_and(|b| lock(b).is_some());
        if !ready || self.waiting.is_none() {
            return None;
        }
        let batch = self.batches.pop_front()?;
        let result = lock(&batch).take()?;
        if let Ok(v) = &result {
            self.delivered += v.len() as u64;
        }
        Some((self.waiting.take()?, result))
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl EmbeddingStream {
    pub(crate) fn new(core: Arc<ContextCore>, options: EmbedOptions) -> Result<EmbeddingStream> {
        core.check_open()?;
        // Options that every push would fail with fail here, once.
        core.check_call(&options)?;
        Ok(EmbeddingStream { core, options, state: Arc::new(Mutex::new(State::default())) })
    }

    /// Queues a batch of texts as one embedding call and returns at once.
    pub fn push<S: AsRef<str>>(&self, texts: &[S]) -> Result<()> {
        self.core.check_open()?;
        let texts: Vec<String> = texts.iter().map(|t| t.as_ref().to_owned()).collect();
        let slot = Arc::new(Mutex::new(None));
        let (first, last) = {
            let mut st = lock(&self.state);
            st.batches.push_back(slot.clone());
            let first = st.pushed;
            st.pushed += texts.len() as u64;
            (first, st.pushed.saturating_sub(1))
        };
        let state = self.state.clone();
        self.core.submit(
            texts,
            self.options.clone(),
            Box::new(move |result: Result<Vec<Embedding>>| {
                // Errors name the text by its place in the whole stream, not in its batch.
                let result = result.map_err(|e| Error::new(e.code(), format!("the batch of texts {first} to {last}: {}", e.message())));
                let settled = {
                    let mut st = lock(&state);
                    if let Ok(v) = &result {
                        st.embedded += v.len() as u64;
                        st.tokens += v.iter().map(|e| e.tokens as u64).sum::<u64>();
                    }
                    *lock(&slot) = Some(result);
                    st.settle()
                };
                if let Some((done, r)) = settled {
                    deliver(done, r);
                }
            }),
        );
        Ok(())
    }

    /// The oldest pending batch's embeddings (blocking); empty when nothing is pending.
    pub fn next(&self) -> Result<Vec<Embedding>> {
        crate::completion::wait(|done| self.next_submit(done))
    }

    /// `next` without blocking: `done` gets the oldest pending batch once it is done.
    pub fn next_submit(&self, done: Completion<Vec<Embedding>>) {
        let settled = {
            let mut st = lock(&self.state);
            if st.batches.is_empty() {
                drop(st);
                return deliver(done, Ok(Vec::new()));
            }
            if st.waiting.is_some() {
                drop(st);
                return deliver(done, err(ErrorCode::InvalidArgument, "next() is already waiting on this stream: await it before calling next() again"));
            }
            st.waiting = Some(done);
            st.settle()
        };
        if let Some((done, r)) = settled {
            deliver(done, r);
        }
    }

    /// Texts pushed, embedded and delivered, tokens, and the batches pending.
    pub fn progress(&self) -> StreamProgress {
        let st = lock(&self.state);
        StreamProgress { pushed: st.pushed, embedded: st.embedded, delivered: st.delivered, tokens: st.tokens, pending: st.batches.len() as u32 }
    }
}
