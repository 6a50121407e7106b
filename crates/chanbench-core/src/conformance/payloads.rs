//! The payloads the checks send, the drop tally, and the producers they share.

use std::{
    fmt::Debug,
    sync::{
        Arc,
        atomic::{AtomicU8, Ordering},
    },
};

use crate::{Channel, Sender};

use super::{
    limits::*,
    watchdog::{Watched, spawn_watched},
};

/// A message kind the payload check sends: built from its index, compared on arrival.
pub trait Payload: Send + Unpin + PartialEq + Debug + 'static {
    /// The kind's name, for failure messages.
    const KIND: &'static str;
    /// The `i`-th message.
    fn make(i: usize) -> Self;
}

impl Payload for () {
    const KIND: &'static str = "zero-sized ()";
    fn make(_: usize) -> Self {}
}

impl Payload for u64 {
    const KIND: &'static str = "u64";
    fn make(i: usize) -> Self {
        i as u64
    }
}

impl Payload for Box<u64> {
    const KIND: &'static str = "Box<u64>";
    fn make(i: usize) -> Self {
        Box::new(i as u64)
    }
}

impl Payload for String {
    const KIND: &'static str = "String";
    fn make(i: usize) -> Self {
        format!("message number {i}")
    }
}

/// Bytes in [`Large`].
pub const LARGE_BYTES: usize = 4096;

/// A large inline array, moved by value through the channel.
#[derive(PartialEq, Eq)]
pub struct Large(pub [u8; LARGE_BYTES]);

impl Debug for Large {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Large([{}, {}, .. {}])",
            self.0[0],
            self.0[1],
            self.0[LARGE_BYTES - 1]
        )
    }
}

impl Payload for Large {
    const KIND: &'static str = "[u8; 4096]";
    fn make(i: usize) -> Self {
        let mut bytes = [0u8; LARGE_BYTES];
        for (j, b) in bytes.iter_mut().enumerate() {
            *b = (i.wrapping_mul(31).wrapping_add(j)) as u8;
        }
        Large(bytes)
    }
}

/// Counts how often each message is dropped, to prove every message is dropped exactly once.
pub(super) struct DropTally {
    pub(super) drops: Arc<[AtomicU8]>,
}

/// A message that records its drop in a [`DropTally`].
pub(super) struct Counted {
    pub(super) id: usize,
    pub(super) drops: Arc<[AtomicU8]>,
}

impl DropTally {
    pub(super) fn new(n: usize) -> Self {
        Self {
            drops: (0..n).map(|_| AtomicU8::new(0)).collect(),
        }
    }

    pub(super) fn message(&self, id: usize) -> Counted {
        Counted {
            id,
            drops: Arc::clone(&self.drops),
        }
    }

    pub(super) fn assert_each_dropped_once(&self, what: &str) {
        for (id, count) in self.drops.iter().enumerate() {
            let count = count.load(Ordering::SeqCst);
            assert_eq!(
                count, 1,
                "{what}: message {id} was dropped {count} times, expected exactly once"
            );
        }
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.drops[self.id].fetch_add(1, Ordering::SeqCst);
    }
}

/// Starts [`PRODUCERS`] threads, producer `p` sending `(p, 0)`, `(p, 1)`, ... `(p, per_producer - 1)`.
/// Consumes `tx`, so the channel disconnects once they are done.
pub(super) fn spawn_producers<C: Channel>(
    check: &'static str,
    tx: Sender<C, Tagged>,
    per_producer: usize,
) -> Vec<Watched<()>> {
    (0..PRODUCERS)
        .map(|p| {
            let tx = tx.clone();
            spawn_watched(&format!("producer {p}"), move || {
                for seq in 0..per_producer {
                    tx.send((p, seq))
                        .unwrap_or_else(|e| panic!("{check}: send failed: {e}"));
                }
            })
        })
        .collect()
}
