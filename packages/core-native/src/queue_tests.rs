//! The queue's packing rules, without a model: token counts stand in for texts.

use super::*;
use crate::api::Embedding;
use std::sync::mpsc::channel;

fn item(slot: &Arc<Slot>, index: usize, n_tokens: usize, mode: Mode) -> Item {
    Item { tokens: vec![1; n_tokens], input_tokens: n_tokens, truncated: false, mode, normalize: false, dimensions: None, prompt: None, segment_b: 0, slot: slot.clone(), index }
}

fn ignore() -> Arc<Slot> {
    Slot::new(1_000, Box::new(|_| {}))
}

const MEAN: Mode = Mode::Sequence(LlamaPooling::Mean);

fn group(q: &Queue, budget: usize, max_seqs: usize) -> Vec<usize> {
    match q.next_work(budget, max_seqs) {
        Some(Work::Group(g)) => g.iter().map(|it| it.tokens.len()).collect(),
        _ => panic!("expected a group"),
    }
}

#[test]
fn group_limit_splits_work_into_a_multiple_of_the_workers() {
    let two = Queue::new(2);
    // 660 tokens, budget 256: three groups would leave one worker idle in the last round.
    assert_eq!(two.group_limit(660, 256), 165);
    // Fits in one group: no split.
    assert_eq!(two.group_limit(200, 256), 200);
    let one = Queue::new(1);
    assert_eq!(one.group_limit(660, 256), 220);
    assert_eq!(one.group_limit(0, 256), 0);
}

#[test]
fn next_group_packs_up_to_the_budget_and_keeps_modes_apart() {
    let q = Queue::new(1);
    let s = ignore();
    q.push_items(vec![item(&s, 0, 100, MEAN), item(&s, 1, 100, Mode::MaxOverTokens), item(&s, 2, 100, MEAN), item(&s, 3, 100, MEAN)]);
    // 400 queued tokens, budget 256 -> limit 200: the first two Mean items, skipping the Max one.
    assert_eq!(group(&q, 256, 256), vec![100, 100]);
    assert_eq!(group(&q, 256, 256), vec![100]); // the Max item, alone in its mode
    assert_eq!(group(&q, 256, 256), vec![100]);
}

#[test]
fn a_text_longer_than_the_budget_runs_alone() {
    let q = Queue::new(1);
    let s = ignore();
    q.push_items(vec![item(&s, 0, 600, MEAN), item(&s, 1, 10, MEAN)]);
    assert_eq!(group(&q, 256, 256), vec![600]);
    assert_eq!(group(&q, 256, 256), vec![10]);
}

#[test]
fn max_seqs_caps_a_group() {
    let q = Queue::new(1);
    let s = ignore();
    q.push_items((0..10).map(|i| item(&s, i, 1, MEAN)).collect());
    assert_eq!(group(&q, 256, 4).len(), 4);
}

#[test]
fn waiting_requests_come_before_groups_and_all_at_once() {
    let q = Queue::new(1);
    let s = ignore();
    q.push_items(vec![item(&s, 0, 5, MEAN)]);
    for _ in 0..3 {
        q.push_request(Request { texts: vec!["a".into()], mode: MEAN, normalize: false, max_text_tokens: 512, overflow: OverflowPolicy::Error, token_budget: None, dimensions: None, prompt: None, pair_query: None, slot: ignore() });
    }
    match q.next_work(256, 256) {
        Some(Work::Tokenize(rs)) => assert_eq!(rs.len(), 3),
        _ => panic!("expected the waiting requests"),
    }
    assert_eq!(group(&q, 256, 256), vec![5]);
    let stats = q.counters.snapshot();
    assert_eq!((stats.calls, stats.texts), (3, 3));
}

#[test]
fn concurrent_single_text_calls_share_one_group() {
    // 100 calls of one text each, queued before a worker looks: one group carries them all.
    let q = Queue::new(1);
    let (tx, rx) = channel::<Vec<Embedding>>();
    let slots: Vec<_> = (0..100)
        .map(|_| {
            let tx = tx.clone();
            Slot::new(1, Box::new(move |r| tx.send(r.expect("ok")).unwrap()))
        })
        .collect();
    q.push_items(slots.iter().map(|s| item(s, 0, 2, MEAN)).collect());
    let g = match q.next_work(256, 256) {
        Some(Work::Group(g)) => g,
        _ => panic!("expected a group"),
    };
    assert_eq!(g.len(), 100);
    for it in &g {
        it.slot.fill(it.index, Ok(Embedding { data: vec![0.0], dimension: 1, input_tokens: 2, tokens: 2, truncated: false, prompt: None, quantized: None, space: String::new() }));
    }
    drop(tx);
    assert_eq!(rx.iter().count(), 100, "every call's completion ran once");
}

#[test]
fn a_slot_reports_the_first_error_in_input_order_once() {
    let (tx, rx) = channel();
    let s = Slot::new(3, Box::new(move |r: Result<Vec<Embedding>>| tx.send(r.map(|v| v.len()).map_err(|e| e.message().to_string())).unwrap()));
    let ok = || Ok(Embedding { data: vec![], dimension: 0, input_tokens: 1, tokens: 1, truncated: false, prompt: None, quantized: None, space: String::new() });
    s.fill(2, Err(Error::new(ErrorCode::EngineFailure, "third")));
    s.fill(0, ok());
    s.fill(1, Err(Error::new(ErrorCode::EngineFailure, "second")));
    s.fill(1, ok()); // a second result for a text is ignored
    assert_eq!(rx.recv().unwrap(), Err("second".to_string()));
    assert!(rx.try_recv().is_err());
}

#[test]
fn closing_fails_waiting_requests_and_items_with_context_closed() {
    let q = Queue::new(1);
    let (tx, rx) = channel();
    let tx2 = tx.clone();
    q.push_request(Request { texts: vec!["a".into()], mode: MEAN, normalize: false, max_text_tokens: 512, overflow: OverflowPolicy::Error, token_budget: None, dimensions: None, prompt: None, pair_query: None, slot: Slot::new(1, Box::new(move |r| tx.send(r.unwrap_err().code()).unwrap())) });
    let s = Slot::new(1, Box::new(move |r| tx2.send(r.unwrap_err().code()).unwrap()));
    q.push_items(vec![item(&s, 0, 3, MEAN)]);
    q.close();
    assert_eq!(rx.recv().unwrap(), ErrorCode::ContextClosed);
    assert_eq!(rx.recv().unwrap(), ErrorCode::ContextClosed);
    assert!(q.next_work(256, 256).is_none());
}

#[test]
fn a_draining_queue_hands_out_what_is_queued_then_closes_when_its_last_worker_leaves() {
    let q = Queue::new(2);
    let s = ignore();
    q.push_items(vec![item(&s, 0, 10, MEAN)]);
    q.drain();
    // Queued work is still handed out...
    assert_eq!(group(&q, 256, 256), vec![10]);
    // ...then each worker leaves; the queue stays open while one is left to serve a call.
    assert!(q.next_work(256, 256).is_none());
    assert!(!q.is_closed());
    assert!(q.next_work(256, 256).is_none());
    assert!(q.is_closed());
    // A call after the last worker left fails at once instead of waiting for nobody.
    let (tx, rx) = channel();
    let slot = Slot::new(1, Box::new(move |r: Result<Vec<Embedding>>| tx.send(r.map(|_| ()).map_err(|e| e.code())).unwrap()));
    q.push_items(vec![item(&slot, 0, 5, MEAN)]);
    assert_eq!(rx.recv().unwrap(), Err(ErrorCode::ContextClosed));
}
