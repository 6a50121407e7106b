//! The `memory` family: what a channel holds, on one thread, with `u64` messages (`async-memory`:
//! the same of an async channel, through its `try_send` and `try_recv`).
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

use chanbench_core::{
    Channel, Make, Receiver, Sender,
    asynchronous::{AsyncChannel, AsyncReceiver, AsyncSender, MakeAsync},
};
use chanbench_schema::{Footprint, Queued, Retained};

use crate::{
    alloc::{count_allocations, trim_heap},
    cost::resident_bytes,
    matrix::Extent,
    placement::{Role, Team},
    runtime::{self, AsyncGate, Flavor},
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

/// One channel's two ends as the footprint uses them, on one thread and without a runtime: how
/// to make them, to queue a message (it fits: never blocks) and to take one that is queued.
struct Ends<P, Mk, S, R> {
    make: Mk,
    send: S,
    recv: R,
    capacity: Option<usize>,
    _pair: std::marker::PhantomData<fn() -> P>,
}

impl<P, Mk: Fn() -> P, S: Fn(&mut P, u64), R: Fn(&mut P)> Ends<P, Mk, S, R> {
    /// Empty channels: heap and resident memory per channel.
    fn empty(&self, count: u64) -> (f64, Option<f64>) {
        let mut held: Vec<P> = Vec::with_capacity(count as usize);
        let ((), heap, rss) = resident_by(None, || {
            held_by(|| {
                for _ in 0..count {
                    held.push((self.make)());
                }
            })
        });
        drop(black_box(held));
        let per = count as f64;
        (heap / per, rss.map(|r| r / per))
    }

    /// One channel with `messages` queued: heap and resident memory per message.
    fn queued(&self, messages: u64) -> Queued {
        let mut pair = (self.make)();
        let ((), heap, rss) = resident_by(None, || {
            held_by(|| {
                for i in 0..messages {
                    (self.send)(&mut pair, i);
                }
            })
        });
        for _ in 0..messages {
            (self.recv)(&mut pair);
        }
        let per = messages as f64;
        Queued {
            messages,
            heap_bytes_per_msg: heap / per,
            rss_bytes_per_msg: rss.map(|r| r / per),
        }
    }

    /// One channel after a burst of `burst` messages sent and all received.
    fn retained(&self, burst: u64) -> Retained {
        let mut pair = (self.make)();
        // At stake: the pages the burst's messages touched, whatever the heap gave back.
        let touched = (burst as usize * size_of::<u64>()) as f64;
        let ((), heap, rss) = resident_by(Some(touched), || {
            held_by(|| {
                for i in 0..burst {
                    (self.send)(&mut pair, i);
                }
                for _ in 0..burst {
                    (self.recv)(&mut pair);
                }
            })
        });
        drop(pair);
        Retained {
            burst,
            heap_bytes: heap,
            rss_bytes: rss,
        }
    }

    /// Every figure its capacity allows.
    fn footprint(&self, handle_bytes: usize, extent: Extent) -> Footprint {
        let (channels, burst) = match extent {
            Extent::Full => (EMPTY_CHANNELS, BURST),
            Extent::Brief => (EMPTY_CHANNELS / 16, BURST / 10),
        };
        let (empty_heap_bytes, empty_rss_bytes) = self.empty(channels);
        let fits = |n: u64| self.capacity.is_none_or(|cap| cap as u64 >= n);
        Footprint {
            channels,
            empty_heap_bytes,
            empty_rss_bytes,
            handle_bytes: handle_bytes as u64,
            queued: QUEUED
                .into_iter()
                .filter(|&n| fits(n))
                .map(|n| self.queued(n))
                .collect(),
            retained: self.capacity.is_none().then(|| self.retained(burst)),
        }
    }
}

/// One process's observation of flavor `m`.
pub fn footprint<C: Channel, M: Make<C>>(m: M, extent: Extent) -> Footprint {
    let ends = Ends {
        make: || m.make::<u64>(),
        send: |(tx, _): &mut (Sender<C, u64>, Receiver<C, u64>), i| {
            tx.send(i).expect("memory: the receiver is alive");
        },
        recv: |(_, rx): &mut (Sender<C, u64>, Receiver<C, u64>)| {
            black_box(rx.recv().expect("memory: a message is queued"));
        },
        capacity: m.capacity(),
        _pair: std::marker::PhantomData,
    };
    ends.footprint(size_of::<(Sender<C, u64>, Receiver<C, u64>)>(), extent)
}

/// One process's observation of async flavor `m`, through `try_send` and `try_recv` (no
/// runtime is needed to queue or take what fits).
pub fn async_footprint<C: AsyncChannel, M: MakeAsync<C>>(m: M, extent: Extent) -> Footprint {
    type Pair<C> = (AsyncSender<C, u64>, AsyncReceiver<C, u64>);
    let ends = Ends {
        make: || m.make::<u64>(),
        send: |(tx, _): &mut Pair<C>, i| {
            assert!(
                tx.try_send(i).is_ok(),
                "async memory: a message that fits was refused"
            );
        },
        recv: |(_, rx): &mut Pair<C>| {
            black_box(rx.try_recv().expect("async memory: a message is queued"));
        },
        capacity: m.capacity(),
        _pair: std::marker::PhantomData,
    };
    ends.footprint(size_of::<Pair<C>>(), extent)
}

/// The timed run of an async flavor: `n` empty channels created and dropped in one task.
pub fn async_lifecycle<C: AsyncChannel, M: MakeAsync<C>>(
    team: &Team,
    flavor: Flavor,
    m: M,
    n: u64,
) -> Measured {
    let gate = AsyncGate::new(1);
    let task = gate.task(async move {
        for _ in 0..n {
            drop(black_box(m.make::<u64>()));
        }
        0
    });
    let timed = runtime::run(team, flavor, vec![task], None);
    Measured {
        elapsed: timed.elapsed,
        messages: n,
        latency: None,
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
