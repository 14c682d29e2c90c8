//! The work queue between callers and worker contexts. A call is entered as a [`Request`]
//! (its texts, not yet tokenized, and a completion) and returns at once. Workers take all waiting
//! requests, tokenize them, and put their texts back as [`Item`]s; then they pull *groups*: items
//! of one pooling mode packed up to a token budget. Because every call lands in the same queue,
//! concurrent calls share decodes instead of waiting in line, and no caller's thread waits.

use crate::api::{ContextStats, Embedding, OverflowPolicy};
use crate::completion::{deliver, Completion};
use crate::error::{Error, ErrorCode, Result};
use crate::ffi::{LlamaPooling, Token};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Condvar, Mutex};

/// How a group's vectors are read out of llama.cpp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// llama.cpp pools per sequence (mean, CLS or last); read with the sequence getter.
    Sequence(LlamaPooling),
    /// A pooling-NONE context; the element-wise max is taken here over per-token rows.
    MaxOverTokens,
    /// A pooling-NONE context; every token's row is kept (`Context.getTokenEmbeddings`).
    AllTokens,
}

impl Mode {
    pub fn llama_pooling(self) -> LlamaPooling {
        match self {
            Mode::Sequence(p) => p,
            Mode::MaxOverTokens | Mode::AllTokens => LlamaPooling::None,
        }
    }
}

/// One call as it enters the queue: texts still to tokenize, with the rules for them.
pub struct Request {
    pub texts: Vec<String>,
    pub mode: Mode,
    pub normalize: bool,
    /// Most tokens of one text (the context's `nCtx`); `overflow` says what happens beyond.
    pub max_text_tokens: usize,
    pub overflow: OverflowPolicy,
    /// Most tokens of the whole call (`EmbedOptions.maxTokens`).
    pub token_budget: Option<usize>,
    /// Values kept of each vector (`EmbedOptions.dimensions`).
    pub dimensions: Option<usize>,
    /// Put before every text (`EmbedOptions.role`/`prompt`, or the model's default).
    pub prompt: Option<Arc<str>>,
    /// A rank call's query: each text is a document, tokenized as a pair with it.
    pub pair_query: Option<Arc<str>>,
    pub slot: Arc<Slot>,
}

/// One tokenized text waiting for a worker.
pub struct Item {
    pub tokens: Vec<Token>,
    pub input_tokens: usize,
    pub truncated: bool,
    pub mode: Mode,
    pub normalize: bool,
    pub dimensions: Option<usize>,
    pub prompt: Option<Arc<str>>,
    /// Of a rank pair: the first token of the document (token type 1); 0 otherwise.
    pub segment_b: usize,
    pub slot: Arc<Slot>,
    pub index: usize,
}

/// Where a call's results land; the last one in calls the call's completion.
pub struct Slot {
    state: Mutex<SlotState>,
}

struct SlotState {
    results: Vec<Option<Result<Embedding>>>,
    remaining: usize,
    done: Option<Completion<Vec<Embedding>>>,
}

impl Slot {
    pub fn new(n: usize, done: Completion<Vec<Embedding>>) -> Arc<Slot> {
        Arc::new(Slot { state: Mutex::new(SlotState { results: (0..n).map(|_| None).collect(), remaining: n, done: Some(done) }) })
    }

    /// Records text `index`'s result. The call's completion gets every vector in input order,
    /// or the error of the first failed text.
    pub fn fill(&self, index: usize, result: Result<Embedding>) {
        let finished = {
            let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
            if st.done.is_none() || st.results[index].is_some() {
                return;
            }
            st.results[index] = Some(result);
            st.remaining -= 1;
            if st.remaining > 0 {
                return;
            }
            let results: Result<Vec<Embedding>> = st.results.drain(..).map(|r| r.expect("every result filled")).collect();
            st.done.take().map(|done| (done, results))
        };
        if let Some((done, results)) = finished {
            deliver(done, results);
        }
    }

    /// Fails the whole call (once): an error found before its texts were queued.
    pub fn fail(&self, e: Error) {
        let done = self.state.lock().unwrap_or_else(|p| p.into_inner()).done.take();
        if let Some(done) = done {
            deliver(done, Err(e));
        }
    }
}

/// What a worker does next.
pub enum Work {
    /// Every request that was waiting: tokenize them, then [`Queue::push_items`].
    Tokenize(Vec<Request>),
    /// One micro-batch to run.
    Group(Vec<Item>),
}

#[derive(Default)]
struct State {
    requests: VecDeque<Request>,
    items: VecDeque<Item>,
    closed: bool,
    /// Every handle of the context is gone: workers finish what is queued, then leave.
    draining: bool,
    /// Workers still serving; the last to leave a draining queue closes it.
    live_workers: usize,
    /// Tokens of all queued items.
    tokens: usize,
}

/// Running totals of a context's work, for `Context.stats` (monitoring, and the tests that
/// check that concurrent calls share batches).
#[derive(Default)]
pub struct Counters {
    calls: AtomicU64,
    texts: AtomicU64,
    batches: AtomicU64,
    tokens: AtomicU64,
}

impl Counters {
    pub fn batch_ran(&self, tokens: usize) {
        self.batches.fetch_add(1, Relaxed);
        self.tokens.fetch_add(tokens as u64, Relaxed);
    }

    pub fn snapshot(&self) -> ContextStats {
        ContextStats {
            calls: self.calls.load(Relaxed),
            texts: self.texts.load(Relaxed),
            batches: self.batches.load(Relaxed),
            tokens: self.tokens.load(Relaxed),
        }
    }
}

pub struct Queue {
    state: Mutex<State>,
    ready: Condvar,
    workers: usize,
    pub counters: Counters,
}

impl Queue {
    pub fn new(workers: usize) -> Queue {
        let state = State { live_workers: workers, ..State::default() };
        Queue { state: Mutex::new(state), ready: Condvar::new(), workers: workers.max(1), counters: Counters::default() }
    }

    /// Token limit of the next group: the budget, lowered so that the queued work splits into
    /// a multiple of the worker count. Without it a 660-token request on two workers runs as
    /// 256 + 256 + 148, and one worker idles through the last round.
    fn group_limit(&self, queued: usize, budget: usize) -> usize {
        let mut groups = queued.div_ceil(budget.max(1));
        if groups > 1 {
            groups = groups.div_ceil(self.workers) * self.workers;
        }
        queued.div_ceil(groups.max(1)).min(budget)
    }

    /// Enters a call. Once the queue is closed the call fails with `CONTEXT_CLOSED` instead.
    pub fn push_request(&self, request: Request) {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if st.closed {
            drop(st);
            return request.slot.fail(Error::new(ErrorCode::ContextClosed, "the context is closed"));
        }
        self.counters.calls.fetch_add(1, Relaxed);
        self.counters.texts.fetch_add(request.texts.len() as u64, Relaxed);
        st.requests.push_back(request);
        drop(st);
        // One worker tokenizes everything that waits; the others wake when items arrive.
        self.ready.notify_one();
    }

    /// Adds tokenized texts; on a closed queue they fail with `CONTEXT_CLOSED`.
    pub fn push_items(&self, items: Vec<Item>) {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if st.closed {
            drop(st);
            return fail_items(items);
        }
        st.tokens += items.iter().map(|it| it.tokens.len()).sum::<usize>();
        let single = items.len() == 1;
        st.items.extend(items);
        drop(st);
        // One text needs one worker: waking the others only makes them fight for the lock.
        if single {
            self.ready.notify_one();
        } else {
            self.ready.notify_all();
        }
    }

    /// Blocks for the next piece of work: all waiting requests first (so that their texts join
    /// the packing), else a group: the oldest item, then every later item of the same mode that
    /// still fits in `budget` tokens (or in the oldest item's length, if that is larger) and
    /// `max_seqs` sequences. `None` once the queue is closed.
    pub fn next_work(&self, budget: usize, max_seqs: usize) -> Option<Work> {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if st.closed {
                return None;
            }
            if !st.requests.is_empty() {
                return Some(Work::Tokenize(st.requests.drain(..).collect()));
            }
            let limit = self.group_limit(st.tokens, budget);
            if let Some(group) = take_group(&mut st, limit, max_seqs) {
                return Some(Work::Group(group));
            }
            if st.draining {
                // Nothing left and nobody to send more; a worker still tokenizing will come
                // back for its texts. The last one out closes, so a late call fails, not hangs.
                st.live_workers = st.live_workers.saturating_sub(1);
                st.closed = st.live_workers == 0;
                return None;
            }
            st = self.ready.wait(st).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Closes the queue: pending calls fail with `CONTEXT_CLOSED`, waiting workers wake up.
    pub fn close(&self) {
        let (requests, items): (Vec<Request>, Vec<Item>) = {
            let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
            st.closed = true;
            st.tokens = 0;
            (st.requests.drain(..).collect(), st.items.drain(..).collect())
        };
        self.ready.notify_all();
        for r in requests {
            r.slot.fail(closed_error());
        }
        fail_items(items);
    }

    /// The context's last handle is gone: calls in flight are still embedded and delivered,
    /// then the workers leave (and the queue closes). What `close` does instead is fail them.
    pub fn drain(&self) {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).draining = true;
        self.ready.notify_all();
    }

    pub fn is_closed(&self) -> bool {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).closed
    }
}

fn take_group(st: &mut State, limit: usize, max_seqs: usize) -> Option<Vec<Item>> {
    let first = st.items.pop_front()?;
    let limit = limit.max(first.tokens.len());
    let mut used = first.tokens.len();
    let mode = first.mode;
    let mut group = vec![first];
    let mut i = 0;
    while i < st.items.len() && group.len() < max_seqs && used < limit {
        let it = &st.items[i];
        if it.mode == mode && used + it.tokens.len() <= limit {
            used += it.tokens.len();
            group.push(st.items.remove(i).expect("index in range"));
        } else {
            i += 1;
        }
    }
    st.tokens -= used;
    Some(group)
}

fn closed_error() -> Error {
    Error::new(ErrorCode::ContextClosed, "the context was closed before this text was embedded")
}

fn fail_items(items: Vec<Item>) {
    for it in items {
        it.slot.fill(it.index, Err(closed_error()));
    }
}

#[cfg(test)]
#[path = "queue_tests.rs"]
mod tests;
