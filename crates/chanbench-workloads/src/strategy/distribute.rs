//! **distribute**: one job of [`JOB_ITEMS`] items, each costing `rounds` rounds of a hash (the
//! grain, fine to coarse), done by each strategy. One criterion iteration is one item, so times
//! are ns per item; a run of `n` items is `n / JOB_ITEMS` whole jobs (and one partial job), each
//! timed from its first role starting to its last finishing, and summed.
//!
//! Every strategy returns an [`Outcome`]: how many items it processed, the sum of their indices
//! (each item exactly once) and the wrapping sum of their results. The workloads check the first
//! two on every job; the tests check that every strategy's checksum equals the sequential one.

use std::{
    collections::VecDeque,
    hint::black_box,
    ops::Range,
    sync::{Arc, Condvar, Mutex},
    thread,
    time::Duration,
};

use chanbench_core::{Make, MultiConsumer};
use chanbench_schema::Grain;
use rayon::prelude::*;

use crate::{
    placement::{Role, Team, count_job_thread},
    workload::{Measured, split},
};

/// Items per job.
pub const JOB_ITEMS: u64 = 1024;

/// The grains: rounds of the hash per item.
pub const GRAINS: [(Grain, u32); 3] = [
    (Grain::Fine, 4),
    (Grain::Medium, 256),
    (Grain::Coarse, 16384),
];

/// Items per message in the batched worker pool.
pub const BATCH: u64 = 64;

/// The work done per item: `rounds` rounds of splitmix64 from the item's index.
#[inline]
pub fn work(item: u64, rounds: u32) -> u64 {
    let mut x = item;
    for _ in 0..rounds {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        x = z ^ (z >> 31);
    }
    x
}

/// What a job computed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Items processed.
    pub items: u64,
    /// The sum of their indices.
    pub index_sum: u64,
    /// The wrapping sum of their results: the job's answer.
    pub checksum: u64,
}

impl Outcome {
    fn item(item: u64, rounds: u32) -> Self {
        Self {
            items: 1,
            index_sum: item,
            checksum: work(item, rounds),
        }
    }

    fn range(items: Range<u64>, rounds: u32) -> Self {
        items.fold(Self::default(), |acc, i| acc.merge(Self::item(i, rounds)))
    }

    fn merge(self, other: Self) -> Self {
        Self {
            items: self.items + other.items,
            index_sum: self.index_sum.wrapping_add(other.index_sum),
            checksum: self.checksum.wrapping_add(other.checksum),
        }
    }

    fn all(outcomes: impl IntoIterator<Item = Outcome>) -> Self {
        outcomes.into_iter().fold(Self::default(), Self::merge)
    }
}

/// A job of `items` items, the item indices `0..items`: what one strategy does with it, the
/// elapsed time and its outcome.
pub type Job<'a> = dyn Fn(&Team, u64, u32) -> (Duration, Outcome) + 'a;

/// Runs `items` items as whole jobs of [`JOB_ITEMS`] (the last one partial) through `job`,
/// checks each job processed every item exactly once, and sums their times.
pub fn run_jobs(team: &Team, name: &str, items: u64, rounds: u32, job: &Job<'_>) -> Measured {
    let mut elapsed = Duration::ZERO;
    let mut left = items;
    while left > 0 {
        let n = left.min(JOB_ITEMS);
        let (took, outcome) = job(team, n, rounds);
        assert_eq!(
            (outcome.items, outcome.index_sum),
            (n, n * n.saturating_sub(1) / 2),
            "distribute {name}: a job of {n} items did not process each item exactly once"
        );
        black_box(outcome.checksum);
        elapsed += took;
        left -= n;
    }
    Measured {
        elapsed,
        messages: items,
        latency: None,
    }
}

/// Runs the roles of one job and merges what they processed.
fn run_roles(team: &Team, roles: Vec<Role<Outcome>>) -> (Duration, Outcome) {
    let timed = team.run(roles);
    (timed.elapsed, Outcome::all(timed.results))
}

fn one_role(team: &Team, role: Role<Outcome>) -> (Duration, Outcome) {
    run_roles(team, vec![role])
}

fn ranges(items: u64, parts: usize) -> Vec<Range<u64>> {
    let mut start = 0;
    split(items, parts)
        .into_iter()
        .map(|n| {
            let r = start..start + n;
            start += n;
            r
        })
        .collect()
}

/// **sequential**: one thread, one loop.
pub fn sequential(team: &Team, items: u64, rounds: u32) -> (Duration, Outcome) {
    one_role(team, Box::new(move || Outcome::range(0..items, rounds)))
}

/// **rayon**: `into_par_iter().map().reduce()` on the team's pool (one thread per core); the
/// calling role waits.
pub fn rayon(team: &Team, items: u64, rounds: u32) -> (Duration, Outcome) {
    let pool = Arc::clone(team.pool());
    one_role(
        team,
        Box::new(move || {
            pool.install(|| {
                (0..items)
                    .into_par_iter()
                    .map(|i| Outcome::item(i, rounds))
                    .reduce(Outcome::default, Outcome::merge)
            })
        }),
    )
}

/// **team-split**: a static split into one contiguous range per core, run on the team's
/// existing workers.
pub fn team_split(team: &Team, items: u64, rounds: u32) -> (Duration, Outcome) {
    let roles: Vec<Role<Outcome>> = ranges(items, team.affinity().len())
        .into_iter()
        .map(|r| -> Role<Outcome> { Box::new(move || Outcome::range(r, rounds)) })
        .collect();
    run_roles(team, roles)
}

/// **scope-split**: the same static split, on threads started per job with
/// `std::thread::scope`, as code without a pool does it. Spawning and joining is inside the
/// timed region on purpose: it is this strategy's cost (the cell is marked as spawning).
///
/// A spawned thread inherits its parent's affinity, and the parent is a team worker pinned to
/// one core, so each scoped thread pins itself like role `i` of a workload (one more system call
/// per thread, inside the timed region); otherwise every part would run on the parent's core.
pub fn scope_split(team: &Team, items: u64, rounds: u32) -> (Duration, Outcome) {
    let cores = team.affinity().clone();
    // Prepared before the clock starts, like the team split's ranges.
    let parts = ranges(items, cores.len());
    one_role(
        team,
        Box::new(move || {
            thread::scope(|s| {
                let handles: Vec<_> = parts
                    .into_iter()
                    .enumerate()
                    .map(|(i, r)| {
                        count_job_thread();
                        let cores = &cores;
                        s.spawn(move || {
                            cores.pin_current(i);
                            Outcome::range(r, rounds)
                        })
                    })
                    .collect();
                Outcome::all(
                    handles
                        .into_iter()
                        .map(|h| h.join().expect("a scoped worker panicked")),
                )
            })
        }),
    )
}

struct Queue {
    items: VecDeque<u64>,
    closed: bool,
}

/// **mutex-queue**: a dispatcher pushes each item into a `Mutex<VecDeque>` and signals a
/// `Condvar`; one worker per core pops items until the queue is closed and empty.
pub fn mutex_queue(team: &Team, items: u64, rounds: u32) -> (Duration, Outcome) {
    let shared = Arc::new((
        Mutex::new(Queue {
            items: VecDeque::with_capacity(items as usize),
            closed: false,
        }),
        Condvar::new(),
    ));
    let q = Arc::clone(&shared);
    let mut roles: Vec<Role<Outcome>> = vec![Box::new(move || {
        let (lock, ready) = &*q;
        for i in 0..items {
            lock.lock().expect("queue lock").items.push_back(i);
            ready.notify_one();
        }
        lock.lock().expect("queue lock").closed = true;
        ready.notify_all();
        Outcome::default()
    })];
    for _ in 0..team.affinity().len() {
        let q = Arc::clone(&shared);
        roles.push(Box::new(move || {
            let (lock, ready) = &*q;
            let mut done = Outcome::default();
            loop {
                let mut queue = lock.lock().expect("queue lock");
                let item = loop {
                    if let Some(i) = queue.items.pop_front() {
                        break Some(i);
                    }
                    if queue.closed {
                        break None;
                    }
                    queue = ready.wait(queue).expect("queue lock");
                };
                drop(queue);
                match item {
                    Some(i) => done = done.merge(Outcome::item(i, rounds)),
                    None => return done,
                }
            }
        }));
    }
    run_roles(team, roles)
}

/// **pool**: a dispatcher sends `(start, len)` ranges of `batch` items (1: one message per item)
/// into one channel; one worker per core shares its receiver and works until it disconnects.
pub fn pool<C: MultiConsumer, M: Make<C>>(
    team: &Team,
    m: M,
    batch: u64,
    items: u64,
    rounds: u32,
) -> (Duration, Outcome) {
    let (tx, rx) = m.make::<(u64, u64)>();
    let mut roles: Vec<Role<Outcome>> = vec![Box::new(move || {
        let mut start = 0;
        while start < items {
            let len = batch.min(items - start);
            if tx.send((start, len)).is_err() {
                panic!("distribute pool: every worker is gone");
            }
            start += len;
        }
        Outcome::default()
    })];
    for _ in 0..team.affinity().len() {
        let rx = rx.clone();
        roles.push(Box::new(move || {
            let mut done = Outcome::default();
            while let Ok((start, len)) = rx.recv() {
                done = done.merge(Outcome::range(start..start + len, rounds));
            }
            done
        }));
    }
    drop(rx);
    run_roles(team, roles)
}
