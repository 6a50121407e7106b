//! The `memory` family: what a channel holds, on one thread, with `u64` messages.
//!
//! - **empty**: [`EMPTY_CHANNELS`] empty channels created and held together, the heap and the
//!   resident memory they added divided among them (one channel is far smaller than a page);
//! - **queued**: one channel with 1,000 and with 100,000 messages queued, where its capacity
//!   holds them, per message (its 8 bytes included);
//! - **retained**: one unbounded channel after a burst of [`BURST`] messages was sent and all
//!   received: what it still holds over its empty self.
//!
//! The heap is the counting allocator's (bytes requested, allocated minus freed); the resident
//! memory is `/proc/self/status`'s `VmRSS`, read after the heap gave its free pages back
//! ([`trim_heap`]), page-grained and shared with the allocator's own bookkeeping, so it is
//! recorded only where 256 KiB or more are at stake. The timed run
//! is a channel's lifecycle: one empty channel created and dropped.

use std::hint::black_box;

use chanbench_core::{Channel, Make, Receiver, Sender};
use chanbench_schema::{Footprint, Queued, Retained};

use crate::{
    alloc::{count_allocations, trim_heap},
    cost::resident_bytes,
    matrix::Extent,
    placement::{Role, Team},
    workload::Measured,
};

/// Empty channels measured together.
pub const EMPTY_CHANNELS: u64 = 4_096;
/// Queue lengths measured, where the capacity allows.
pub const QUEUED: [u64; 2] = [1_000, 100_000];
/// Messages of the burst whose leftovers are measured.
pub const BURST: u64 = 1_000_000;
/// Below this many bytes at stake, resident memory is not recorded: a few pages' noise.
const RSS_AT_LEAST: f64 = 64.0 * 4096.0;

/// The heap bytes `f` left held (allocated minus freed).
///
/// # Panics
///
/// If the counting allocator is not this process's global allocator: no figure is better than
/// a zero.
fn held_by<R>(f: impl FnOnce() -> R) -> (R, f64) {
    let (out, counted) = count_allocations(f);
    let counted = counted.expect("memory: the counting allocator is not the global allocator");
    (out, counted.net_bytes as f64)
}

/// The resident memory `f` added, bytes, when at least `stake` bytes (`None`: the heap `f`
/// held) were at stake and `/proc` tells.
fn resident_by<R>(stake: Option<f64>, f: impl FnOnce() -> (R, f64)) -> (R, f64, Option<f64>) {
    // Pages the heap had touched and freed would otherwise be reused unseen.
    trim_heap();
    let before = resident_bytes();
    let (out, heap) = f();
    let rss = match (before, resident_bytes()) {
        (Some(b), Some(a)) if stake.unwrap_or(heap.abs()) >= RSS_AT_LEAST => {
            Some(a as f64 - b as f64)
        }
        _ => None,
    };
    (out, heap, rss)
}

/// Empty channels: heap and resident memory per channel.
fn empty<C: Channel, M: Make<C>>(m: M, count: u64) -> (f64, Option<f64>) {
    let mut held: Vec<(Sender<C, u64>, Receiver<C, u64>)> = Vec::with_capacity(count as usize);
    let ((), heap, rss) = resident_by(None, || {
        held_by(|| {
            for _ in 0..count {
                held.push(m.make::<u64>());
            }
        })
    });
    drop(black_box(held));
    let per = count as f64;
    (heap / per, rss.map(|r| r / per))
}

/// One channel with `messages` queued: heap and resident memory per message.
fn queued<C: Channel, M: Make<C>>(m: M, messages: u64) -> Queued {
    let (tx, rx) = m.make::<u64>();
    let ((), heap, rss) = resident_by(None, || {
        held_by(|| {
            for i in 0..messages {
                tx.send(i).expect("memory: the receiver is alive");
            }
        })
    });
    drop(tx);
    let mut drained = 0;
    while rx.recv().is_ok() {
        drained += 1;
    }
    assert_eq!(
        drained, messages,
        "memory: {messages} queued, {drained} received"
    );
    let per = messages as f64;
    Queued {
        messages,
        heap_bytes_per_msg: heap / per,
        rss_bytes_per_msg: rss.map(|r| r / per),
    }
}

/// One channel after a burst of `burst` messages sent and all received.
fn retained<C: Channel, M: Make<C>>(m: M, burst: u64) -> Retained {
    let (tx, rx) = m.make::<u64>();
    // At stake: the pages the burst's messages touched, whatever the heap gave back.
    let touched = (burst as usize * size_of::<u64>()) as f64;
    let ((), heap, rss) = resident_by(Some(touched), || {
        held_by(|| {
            for i in 0..burst {
                tx.send(i).expect("memory: the receiver is alive");
            }
            for _ in 0..burst {
                black_box(rx.recv().expect("memory: the burst is queued"));
            }
        })
    });
    drop((tx, rx));
    Retained {
        burst,
        heap_bytes: heap,
        rss_bytes: rss,
    }
}

/// One process's observation of flavor `m`.
pub fn footprint<C: Channel, M: Make<C>>(m: M, extent: Extent) -> Footprint {
    let (channels, burst) = match extent {
        Extent::Full => (EMPTY_CHANNELS, BURST),
        Extent::Brief => (EMPTY_CHANNELS / 16, BURST / 10),
    };
    let (empty_heap_bytes, empty_rss_bytes) = empty::<C, M>(m, channels);
    let fits = |n: u64| m.capacity().is_none_or(|cap| cap as u64 >= n);
    Footprint {
        channels,
        empty_heap_bytes,
        empty_rss_bytes,
        handle_bytes: (size_of::<Sender<C, u64>>() + size_of::<Receiver<C, u64>>()) as u64,
        queued: QUEUED
            .into_iter()
            .filter(|&n| fits(n))
            .map(|n| queued::<C, M>(m, n))
            .collect(),
        retained: m.capacity().is_none().then(|| retained::<C, M>(m, burst)),
    }
}

/// The timed run: `n` empty channels created and dropped, one at a time, on one worker.
pub fn lifecycle<C: Channel, M: Make<C>>(team: &Team, m: M, n: u64) -> Measured {
    let role: Role<()> = Box::new(move || {
        for _ in 0..n {
            drop(black_box(m.make::<u64>()));
        }
    });
    let timed = team.run(vec![role]);
    Measured {
        elapsed: timed.elapsed,
        messages: n,
        latency: None,
    }
}
