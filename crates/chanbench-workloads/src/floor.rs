//! The hardware floor: what moving a value between two pinned threads costs with no channel
//! library at all, so every result can be read as a multiple of it.
//!
//! The waiting side spins when its peer runs on another core, yielding only after
//! [`SPINS_BEFORE_YIELD`] fruitless spins (a cross-core round trip is far shorter, so it never
//! yields there). When both roles are pinned to the same core spinning cannot help, the peer
//! needs the core, so it yields at once: the floor there is the cost of a switch. (`PAUSE` costs
//! tens to over a hundred cycles on recent x86, so 1024 spins add tens of microseconds per wait.) Values
//! are `AtomicU64`s, so no unsafe code is needed.

use std::{
    hint::{black_box, spin_loop},
    sync::{
        Arc,
        atomic::{AtomicU64, AtomicUsize, Ordering},
    },
    thread,
    time::Instant,
};

use crate::{
    placement::{Role, Team},
    workload::Measured,
};

/// Spins before a waiting thread starts yielding its core.
pub const SPINS_BEFORE_YIELD: u32 = 1 << 10;

/// Capacity of the [`spsc_ring`] baseline.
pub const RING_CAPACITY: usize = 1024;

/// Spins allowed before yielding: none when the first two roles share a core.
fn spin_budget(team: &Team) -> u32 {
    match team.worker_cores() {
        [a, b, ..] if a != b => SPINS_BEFORE_YIELD,
        _ => 0,
    }
}

#[inline]
fn wait_until(budget: u32, mut ready: impl FnMut() -> bool) {
    let mut spins = 0u32;
    while !ready() {
        if spins < budget {
            spins += 1;
            spin_loop();
        } else {
            thread::yield_now();
        }
    }
}

/// Two threads take turns incrementing one atomic counter: a round trip is two cache-line
/// transfers and nothing else. `round_trips` counts them.
pub fn atomic_ping_pong(team: &Team, round_trips: u64) -> Measured {
    let budget = spin_budget(team);
    let turn = Arc::new(AtomicU64::new(0));
    let (ping, pong) = (Arc::clone(&turn), turn);
    let pinger: Role<u64> = Box::new(move || {
        for i in 0..round_trips {
            ping.store(2 * i + 1, Ordering::Release);
            wait_until(budget, || ping.load(Ordering::Acquire) == 2 * i + 2);
        }
        round_trips
    });
    let ponger: Role<u64> = Box::new(move || {
        for i in 0..round_trips {
            wait_until(budget, || pong.load(Ordering::Acquire) == 2 * i + 1);
            pong.store(2 * i + 2, Ordering::Release);
        }
        round_trips
    });
    let timed = team.run(vec![pinger, ponger]);
    Measured {
        elapsed: timed.elapsed,
        messages: round_trips,
        latency: None,
    }
}

struct Ring {
    slots: Vec<AtomicU64>,
    /// Messages written so far (written by the producer only).
    tail: AtomicUsize,
    /// Messages read so far (written by the consumer only).
    head: AtomicUsize,
}

/// A minimal bounded single-producer single-consumer ring ([`RING_CAPACITY`] slots) that spins
/// instead of parking: the floor for streaming `u64`s from one thread to another.
pub fn spsc_ring(team: &Team, messages: u64) -> Measured {
    let budget = spin_budget(team);
    let ring = Arc::new(Ring {
        slots: (0..RING_CAPACITY).map(|_| AtomicU64::new(0)).collect(),
        tail: AtomicUsize::new(0),
        head: AtomicUsize::new(0),
    });
    let (producer_ring, consumer_ring) = (Arc::clone(&ring), ring);
    let producer: Role<u64> = Box::new(move || {
        let ring = producer_ring;
        for i in 0..messages as usize {
            wait_until(budget, || {
                i - ring.head.load(Ordering::Acquire) < RING_CAPACITY
            });
            ring.slots[i % RING_CAPACITY].store(i as u64, Ordering::Relaxed);
            ring.tail.store(i + 1, Ordering::Release);
        }
        0
    });
    let consumer: Role<u64> = Box::new(move || {
        let ring = consumer_ring;
        let mut received = 0;
        for i in 0..messages as usize {
            wait_until(budget, || ring.tail.load(Ordering::Acquire) > i);
            let value = ring.slots[i % RING_CAPACITY].load(Ordering::Relaxed);
            assert_eq!(value, i as u64, "spsc ring: slot {i} held {value}");
            black_box(value);
            ring.head.store(i + 1, Ordering::Release);
            received += 1;
        }
        received
    });
    let timed = team.run(vec![producer, consumer]);
    assert_eq!(timed.results[1], messages, "spsc ring lost messages");
    Measured {
        elapsed: timed.elapsed,
        messages,
        latency: None,
    }
}

/// The core-to-core matrix: for every pair of `cpus`, two threads pinned one to each bounce an
/// atomic; each of `repeats` measurements times `round_trips` round trips after a tenth as many
/// untimed ones (so the peer is spinning, not waking, when the clock starts), and each pair's
/// figure is its fastest measurement, ns per round trip. A pair whose threads could not be pinned
/// has none. Waits spin, then yield after [`SPINS_BEFORE_YIELD`] fruitless spins, so a pair that
/// shares a core still finishes.
pub fn core_to_core(cpus: &[usize], round_trips: u64, repeats: usize) -> Vec<Vec<Option<f64>>> {
    let n = cpus.len();
    let mut ns = vec![vec![None; n]; n];
    for i in 0..n {
        for j in i + 1..n {
            let figure = pair_round_trip(cpus[i], cpus[j], round_trips, repeats);
            ns[i][j] = figure;
            ns[j][i] = figure;
        }
    }
    ns
}

fn pair_round_trip(a: usize, b: usize, round_trips: u64, repeats: usize) -> Option<f64> {
    let warm = (round_trips / 10).max(1);
    let total = repeats as u64 * (warm + round_trips);
    let turn = AtomicU64::new(0);
    let pin = |cpu| core_affinity::set_for_current(core_affinity::CoreId { id: cpu });
    // Round trip `k` (from 0): the pinger writes 2k + 1, the ponger answers 2k + 2.
    let bounce = |k: u64| {
        turn.store(2 * k + 1, Ordering::Release);
        wait_until(SPINS_BEFORE_YIELD, || {
            turn.load(Ordering::Acquire) == 2 * k + 2
        });
    };
    thread::scope(|s| {
        let ponger = s.spawn(|| {
            let pinned = pin(b);
            for k in 0..total {
                wait_until(SPINS_BEFORE_YIELD, || {
                    turn.load(Ordering::Acquire) == 2 * k + 1
                });
                turn.store(2 * k + 2, Ordering::Release);
            }
            pinned
        });
        let pinned = pin(a);
        let mut k = 0;
        let mut fastest = f64::INFINITY;
        for _ in 0..repeats {
            for _ in 0..warm {
                bounce(k);
                k += 1;
            }
            let start = Instant::now();
            for _ in 0..round_trips {
                bounce(k);
                k += 1;
            }
            fastest = fastest.min(start.elapsed().as_nanos() as f64 / round_trips as f64);
        }
        let both = pinned && ponger.join().expect("the ponger panicked");
        both.then_some(fastest)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_core_to_core_matrix_is_symmetric_empty_on_the_diagonal_and_none_where_unpinnable() {
        let allowed = crate::cores::Cores::allowed().unwrap();
        let mut cpus: Vec<usize> = allowed.ids().iter().copied().take(2).collect();
        // A CPU outside the mask (within the 1024 a cpu_set_t holds): its thread cannot be pinned.
        cpus.push(1000);
        let ns = core_to_core(&cpus, 200, 2);
        assert_eq!(ns.len(), cpus.len());
        for (i, row) in ns.iter().enumerate() {
            assert_eq!(row[i], None, "the diagonal");
            for (j, v) in row.iter().enumerate() {
                assert_eq!(*v, ns[j][i], "symmetric at {i},{j}");
            }
        }
        let last = cpus.len() - 1;
        assert!(ns[0][last].is_none(), "an unpinnable pair has no figure");
        if cpus.len() == 3 {
            assert!(ns[0][1].is_some_and(|v| v > 0.0), "{ns:?}");
        }
    }
}
