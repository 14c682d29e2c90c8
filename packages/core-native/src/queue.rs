//! The work queue between callers and worker contexts. Callers push tokenized texts; workers
//! pull *groups*: texts of one pooling mode packed up to a token budget. Because every caller
//! pushes into the same queue, concurrent calls share decodes instead of waiting in line.

use crate::error::{Error, ErrorCode, Result};
use crate::ffi::{LlamaPooling, Token};
use crate::api::Embedding;
use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex};

/// How a group's vectors are read out of llama.cpp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// llama.cpp pools per sequence (mean, CLS or last); read with the sequence getter.
    Sequence(LlamaPooling),
    /// A pooling-NONE context; the element-wise max is taken here over per-token rows.
    MaxOverTokens,
}

impl Mode {
    pub fn llama_pooling(self) -> LlamaPooling {
        match self {
            Mode::Sequence(p) => p,
            Mode::MaxOverTokens => LlamaPooling::None,
        }
    }
}

/// One text waiting for a worker.
pub struct Item {
    pub tokens: Vec<Token>,
    pub input_tokens: usize,
    pub truncated: bool,
    pub mode: Mode,
    pub normalize: bool,
    pub slot: Arc<Slot>,
    pub index: usize,
}

/// Where a request's results land; the caller waits on it.
pub struct Slot {
    state: Mutex<(Vec<Option<Result<Embedding>>>, usize)>,
    done: Condvar,
}

impl Slot {
    pub fn new(n: usize) -> Arc<Slot> {
        Arc::new(Slot { state: Mutex::new(((0..n).map(|_| None).collect(), n)), done: Condvar::new() })
    }

    pub fn fill(&self, index: usize, result: Result<Embedding>) {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if st.0[index].is_none() {
            st.0[index] = Some(result);
            st.1 -= 1;
            if st.1 == 0 {
                self.done.notify_all();
            }
        }
    }

    /// Blocks until every result is in.
    pub fn wait(&self) -> Vec<Result<Embedding>> {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        while st.1 > 0 {
            st = self.done.wait(st).unwrap_or_else(|p| p.into_inner());
        }
        st.0.drain(..).map(|r| r.expect("every slot filled")).collect()
    }
}

#[derive(Default)]
struct State {
    items: VecDeque<Item>,
    closed: bool,
    /// Tokens of all queued items.
    tokens: usize,
}



pub struct Queue {
    state: Mutex<State>,
    ready: Condvar,
    workers: usize,
}

impl Queue {
    pub fn new(workers: usize) -> Queue {
        Queue { state: Mutex::new(State::default()), ready: Condvar::new(), workers: workers.max(1) }
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

    /// Adds a request's items; fails with `CONTEXT_CLOSED` once the queue is closed.
    pub fn push_all(&self, items: Vec<Item>) -> Result<()> {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if st.closed {
            return Err(Error::new(ErrorCode::ContextClosed, "the context is closed"));
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
        Ok(())
    }

    /// Blocks for the next group: the oldest item, then every later item of the same mode that
    /// still fits in `budget` tokens (or in the oldest item's length, if that is larger) and
    /// `max_seqs` sequences. `None` once the queue is closed.
    pub fn next_group(&self, budget: usize, max_seqs: usize) -> Option<Vec<Item>> {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if st.closed {
                return None;
            }
            let limit = self.group_limit(st.tokens, budget);
            if let Some(first) = st.items.pop_front() {
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
                return Some(group);
            }
            st = self.ready.wait(st).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Closes the queue: pending items fail with `CONTEXT_CLOSED`, waiting workers wake up.
    pub fn close(&self) {
        let pending: Vec<Item> = {
            let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
            st.closed = true;
            st.tokens = 0;
            st.items.drain(..).collect()
        };
        self.ready.notify_all();
        for it in pending {
            it.slot.fill(it.index, Err(Error::new(ErrorCode::ContextClosed, "the context was closed before this text was embedded")));
        }
    }

    pub fn is_closed(&self) -> bool {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).closed
    }
}
