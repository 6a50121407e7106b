//! The checks of the other capabilities: multi-consumer, select, returns-unsent.

use crate::{Make, MultiConsumer, Receiver, RecvError, ReturnsUnsent, Select};

use super::{limits::*, payloads::*, watchdog::*};

/// `multi_consumer`: 4 producers x 4 consumers: each message is received exactly once, and each
/// consumer sees each producer's messages in the order sent.
pub fn mpmc_no_loss_no_duplicates<C: MultiConsumer, M: Make<C>>(m: M) {
    let (tx, rx) = m.make::<Tagged>();
    let producers = spawn_producers("mpmc_no_loss_no_duplicates", tx, MPMC_PER_PRODUCER);
    let consumers: Vec<_> = (0..CONSUMERS)
        .map(|c| {
            let rx = rx.clone();
            spawn_watched(&format!("consumer {c}"), move || {
                let mut got = Vec::new();
                let mut last = [None::<usize>; PRODUCERS];
                while let Ok((p, seq)) = rx.recv() {
                    assert!(
                        last[p].is_none_or(|l| seq > l),
                        "mpmc_no_loss_no_duplicates: consumer {c} got producer {p}'s {seq} after {:?}",
                        last[p]
                    );
                    last[p] = Some(seq);
                    got.push((p, seq));
                }
                got
            })
        })
        .collect();
    drop(rx);
    producers.into_iter().for_each(Watched::join);
    let mut seen = vec![vec![0u8; MPMC_PER_PRODUCER]; PRODUCERS];
    for (p, seq) in consumers.into_iter().flat_map(Watched::join) {
        seen[p][seq] += 1;
    }
    for (p, counts) in seen.iter().enumerate() {
        for (seq, &n) in counts.iter().enumerate() {
            assert_eq!(
                n, 1,
                "mpmc_no_loss_no_duplicates: producer {p}'s message {seq} received {n} times"
            );
        }
    }
}

/// `multi_consumer`: every blocked clone of a receiver is woken when the last sender drops.
pub fn mpmc_blocked_receivers_woken_by_disconnect<C: MultiConsumer, M: Make<C>>(m: M) {
    let (tx, rx) = m.make::<u64>();
    let receivers: Vec<_> = (0..CONSUMERS)
        .map(|c| {
            let rx = rx.clone();
            spawn_watched(&format!("receiver {c}"), move || rx.recv())
        })
        .collect();
    drop((tx, rx));
    for (c, r) in receivers.into_iter().enumerate() {
        assert_eq!(
            r.join(),
            Err(RecvError),
            "mpmc_blocked_receivers_woken_by_disconnect: receiver {c}"
        );
    }
}

/// `select`: one thread selecting over 4 sources receives every message of each, in order, with
/// the right index, and sees each source's disconnection.
pub fn select_receives_from_every_source<C: Select, M: Make<C>>(m: M) {
    const SOURCES: usize = 4;
    let (mut receivers, producers): (Vec<Receiver<C, Tagged>>, Vec<_>) = (0..SOURCES)
        .map(|s| {
            let (tx, rx) = m.make::<Tagged>();
            let producer = spawn_watched(&format!("source {s}"), move || {
                for seq in 0..COUNT / 4 {
                    tx.send((s, seq))
                        .expect("select_receives_from_every_source: send failed");
                }
            });
            (rx, producer)
        })
        .unzip();
    // `sources[i]` is the source behind `receivers[i]`; both shrink as sources disconnect.
    let mut sources: Vec<usize> = (0..SOURCES).collect();
    let mut next = [0usize; SOURCES];
    while !receivers.is_empty() {
        let (i, got) = crate::select(&receivers);
        let source = sources[i];
        match got {
            Ok((s, seq)) => {
                assert_eq!(
                    s, source,
                    "select_receives_from_every_source: index {i} is source {source}, message from {s}"
                );
                assert_eq!(
                    seq, next[s],
                    "select_receives_from_every_source: source {s} out of order"
                );
                next[s] += 1;
            }
            Err(RecvError) => {
                receivers.remove(i);
                sources.remove(i);
            }
        }
    }
    producers.into_iter().for_each(Watched::join);
    for (s, n) in next.iter().enumerate() {
        assert_eq!(
            *n,
            COUNT / 4,
            "select_receives_from_every_source: source {s} delivered {n}"
        );
    }
}

/// `returns_unsent`: a `send` that fails because the receiver is gone returns the message.
pub fn unsent_message_returned<C: ReturnsUnsent, M: Make<C>>(m: M) {
    let (tx, rx) = m.make::<String>();
    drop(rx);
    let err = tx
        .send("kept".to_owned())
        .expect_err("unsent_message_returned: send succeeded");
    assert_eq!(
        err.into_inner().as_deref(),
        Some("kept"),
        "unsent_message_returned"
    );
}
