//! The lifecycle family: what a channel costs to create and drop, and how fast a blocked side
//! learns that the other side is gone, for sync channels (threads) and async ones (tasks).
//!
//! `create-drop` times a loop creating and dropping channels, both halves: a channel's creation
//! is the work, so this family is the one that creates channels while timing, and its unit
//! (`/channel`) says so. `sender-gone` and `receiver-gone` time wake-ups by design: each notice
//! is the interval from the dropping side's clock read, just before its drop, to the blocked
//! side's return; the intervals are summed, and in the cost run each is recorded. Between
//! notices, untimed, a fresh channel is handed to the waiting side, which says it is about to
//! wait; the dropping side then lets it block ([`SETTLE`]: a sleep, so one core runs the waiter)
//! before it reads its clock and drops.

use std::{
    hint::black_box,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
        mpsc,
    },
    thread,
    time::{Duration, Instant},
};

use chanbench_core::{
    Bounded, Channel, Make, Receiver, Sender,
    asynchronous::{AsyncBounded, AsyncChannel, AsyncReceiver, AsyncSender, MakeAsync},
};
use hdrhistogram::Histogram;

use crate::{
    placement::{Role, Team},
    runtime::{self, AsyncGate, Flavor},
    workload::{Measured, latency_histogram, nanos},
};

/// How long the dropping side lets the waiting side block before it drops: longer than a
/// library's spinning before it parks, so a notice wakes a blocked side, not a spinning one.
pub const SETTLE: Duration = Duration::from_micros(50);

/// Yields of the dropping task before its drop: the waiting task's future has returned pending
/// (registered its waker) by then on either runtime.
const SETTLE_YIELDS: usize = 8;

/// **create-drop**: `channels` channels of flavor `m` created and dropped on one thread.
pub fn create_drop<C: Channel, M: Make<C>>(team: &Team, m: M, channels: u64) -> Measured {
    let role: Role<u64> = Box::new(move || {
        for _ in 0..channels {
            let (tx, rx) = m.make::<u64>();
            black_box((&tx, &rx));
        }
        channels
    });
    let timed = team.run(vec![role]);
    assert_eq!(
        timed.results[0], channels,
        "create-drop: every channel made"
    );
    Measured {
        elapsed: timed.elapsed,
        messages: channels,
        latency: None,
    }
}

/// The dropping side's clock, shared with the waiting side: nanoseconds from `base`.
struct Clock {
    base: Instant,
    dropped_at: AtomicU64,
    waiting: AtomicBool,
}

impl Clock {
    fn new() -> Arc<Self> {
        Arc::new(Clock {
            base: Instant::now(),
            dropped_at: AtomicU64::new(0),
            waiting: AtomicBool::new(false),
        })
    }

    /// The waiting side: about to wait.
    fn waiting(&self) {
        self.waiting.store(true, Ordering::Release);
    }

    /// The dropping side: until the other side says it waits, then let it block.
    fn until_waiting(&self) {
        while !self.waiting.swap(false, Ordering::AcqRel) {
            thread::yield_now();
        }
        thread::sleep(SETTLE);
    }

    /// The dropping side, just before its drop.
    fn stamp(&self) {
        let now = nanos(self.base.elapsed());
        self.dropped_at.store(now, Ordering::Release);
    }

    /// The waiting side, woken: the notice's interval.
    fn since_drop(&self) -> u64 {
        let woke = nanos(self.base.elapsed());
        woke.saturating_sub(self.dropped_at.load(Ordering::Acquire))
            .max(1)
    }
}

/// What the waiting side sums and records.
struct Notices {
    total: Duration,
    histogram: Option<Histogram<u64>>,
}

impl Notices {
    fn new(record: bool) -> Self {
        Notices {
            total: Duration::ZERO,
            histogram: record.then(latency_histogram),
        }
    }

    fn add(&mut self, ns: u64) {
        self.total += Duration::from_nanos(ns);
        if let Some(h) = self.histogram.as_mut() {
            h.saturating_record(ns);
        }
    }

    fn measured(self, notices: u64) -> Measured {
        Measured {
            elapsed: self.total,
            messages: notices,
            latency: self.histogram,
        }
    }
}

/// **sender-gone**: `notices` times, a receiver thread blocked in `recv` on a fresh channel of
/// flavor `m`, woken by the drop of its only sender on another thread.
pub fn sender_gone<C: Channel, M: Make<C>, const RECORD: bool>(
    team: &Team,
    m: M,
    notices: u64,
) -> Measured {
    gone::<_, _, RECORD>(
        team,
        notices,
        "sender-gone",
        move || {
            let (tx, rx): (Sender<C, u64>, Receiver<C, u64>) = m.make();
            (rx, tx)
        },
        |rx| rx.recv().is_err(),
    )
}

/// **receiver-gone**: `notices` times, a sender thread blocked in `send` on a fresh channel of
/// flavor `m` filled to its capacity, woken by the drop of the receiver on another thread.
pub fn receiver_gone<C: Bounded, M: Make<C>, const RECORD: bool>(
    team: &Team,
    m: M,
    notices: u64,
) -> Measured {
    let capacity = m.capacity().expect("receiver-gone needs a bounded flavor");
    gone::<_, _, RECORD>(
        team,
        notices,
        "receiver-gone",
        move || {
            let (tx, rx): (Sender<C, u64>, Receiver<C, u64>) = m.make();
            for i in 0..capacity as u64 {
                tx.try_send(i).expect("receiver-gone: filling to capacity");
            }
            (tx, rx)
        },
        |tx| tx.send(0).is_err(),
    )
}

/// One notice `notices` times, threads: the dropping thread `make`s a channel's two sides, hands
/// the first to the waiting thread and, once that waits, reads its clock and drops the second;
/// the waiting thread's `wait` on the first must end with the other side gone (`true`).
fn gone<H: Send + 'static, D, const RECORD: bool>(
    team: &Team,
    notices: u64,
    what: &'static str,
    mut make: impl FnMut() -> (H, D) + Send + 'static,
    wait: impl Fn(H) -> bool + Send + 'static,
) -> Measured {
    let (hand, handed) = mpsc::channel::<H>();
    let clock = Clock::new();
    let dropper_clock = Arc::clone(&clock);
    let dropper: Role<Option<Notices>> = Box::new(move || {
        for _ in 0..notices {
            let (waiting_side, dropped_side) = make();
            hand.send(waiting_side)
                .unwrap_or_else(|_| panic!("{what}: the waiting thread is gone"));
            dropper_clock.until_waiting();
            dropper_clock.stamp();
            drop(dropped_side);
        }
        None
    });
    let waiter: Role<Option<Notices>> = Box::new(move || {
        let mut seen = Notices::new(RECORD);
        for _ in 0..notices {
            let side = handed
                .recv()
                .unwrap_or_else(|_| panic!("{what}: the dropping thread is gone"));
            clock.waiting();
            assert!(
                wait(side),
                "{what}: the wait ended without the other side gone"
            );
            seen.add(clock.since_drop());
        }
        Some(seen)
    });
    let mut timed = team.run(vec![dropper, waiter]);
    let seen = timed.results[1].take().expect("the waiter's notices");
    seen.measured(notices)
}

/// **async-create-drop**: `channels` async channels of flavor `m` created and dropped in one
/// task.
pub fn async_create_drop<C: AsyncChannel, M: MakeAsync<C>>(
    team: &Team,
    flavor: Flavor,
    m: M,
    channels: u64,
) -> Measured {
    let gate = AsyncGate::new(1);
    let task = gate.task(async move {
        for _ in 0..channels {
            let (tx, rx) = m.make::<u64>();
            black_box((&tx, &rx));
        }
        channels
    });
    let timed = runtime::run(team, flavor, vec![task], None);
    assert_eq!(
        timed.received, channels,
        "async-create-drop: every channel made"
    );
    Measured {
        elapsed: timed.elapsed,
        messages: channels,
        latency: None,
    }
}

/// The dropping task: until the waiting task says it waits, then yield so it is pending.
async fn until_waiting_task(clock: &Clock) {
    while !clock.waiting.swap(false, Ordering::AcqRel) {
        tokio::task::yield_now().await;
    }
    for _ in 0..SETTLE_YIELDS {
        tokio::task::yield_now().await;
    }
}

/// **async-sender-gone**: `notices` times, a task waiting in `recv` on a fresh async channel of
/// flavor `m`, woken by the drop of its only sender in another task.
pub fn async_sender_gone<C: AsyncChannel, M: MakeAsync<C>, const RECORD: bool>(
    team: &Team,
    flavor: Flavor,
    m: M,
    notices: u64,
) -> Measured {
    async_gone::<_, _, _, RECORD>(
        team,
        flavor,
        notices,
        "async-sender-gone",
        move || {
            let (tx, rx): (AsyncSender<C, u64>, AsyncReceiver<C, u64>) = m.make();
            (rx, tx)
        },
        |mut rx| async move { rx.recv().await.is_err() },
    )
}

/// **async-receiver-gone**: `notices` times, a task waiting in `send` on a fresh async channel
/// of flavor `m` filled to its capacity, woken by the drop of the receiver in another task.
pub fn async_receiver_gone<C: AsyncBounded, M: MakeAsync<C>, const RECORD: bool>(
    team: &Team,
    flavor: Flavor,
    m: M,
    notices: u64,
) -> Measured {
    let capacity = m
        .capacity()
        .expect("async-receiver-gone needs a bounded flavor");
    async_gone::<_, _, _, RECORD>(
        team,
        flavor,
        notices,
        "async-receiver-gone",
        move || {
            let (mut tx, rx): (AsyncSender<C, u64>, AsyncReceiver<C, u64>) = m.make();
            for i in 0..capacity as u64 {
                tx.try_send(i)
                    .expect("async-receiver-gone: filling to capacity");
            }
            (tx, rx)
        },
        |mut tx| async move { tx.send(0).await.is_err() },
    )
}

/// [`gone`] for tasks on the runtime `flavor`: the waiting task's `wait` is a future. A task
/// returns a count to the runtime, not a tally, so the waiting task leaves its notices in a slot.
fn async_gone<H, D, F, const RECORD: bool>(
    team: &Team,
    flavor: Flavor,
    notices: u64,
    what: &'static str,
    mut make: impl FnMut() -> (H, D) + Send + 'static,
    wait: impl Fn(H) -> F + Send + 'static,
) -> Measured
where
    H: Send + 'static,
    D: Send,
    F: Future<Output = bool> + Send,
{
    let (hand, mut handed) = tokio::sync::mpsc::unbounded_channel::<H>();
    let clock = Clock::new();
    let dropper_clock = Arc::clone(&clock);
    let slot: Arc<std::sync::Mutex<Option<Notices>>> = Arc::default();
    let left = Arc::clone(&slot);
    let gate = AsyncGate::new(2);
    let dropper = gate.task(async move {
        for _ in 0..notices {
            let (waiting_side, dropped_side) = make();
            hand.send(waiting_side)
                .unwrap_or_else(|_| panic!("{what}: the waiting task is gone"));
            until_waiting_task(&dropper_clock).await;
            dropper_clock.stamp();
            drop(dropped_side);
        }
        0
    });
    let waiter = gate.task(async move {
        let mut seen = Notices::new(RECORD);
        for _ in 0..notices {
            let side = handed
                .recv()
                .await
                .unwrap_or_else(|| panic!("{what}: the dropper is gone"));
            clock.waiting();
            assert!(
                wait(side).await,
                "{what}: the wait ended without the other side gone"
            );
            seen.add(clock.since_drop());
        }
        *left.lock().expect("the notices") = Some(seen);
        0
    });
    runtime::run(team, flavor, vec![dropper, waiter], None);
    slot.lock()
        .expect("the notices")
        .take()
        .expect("the waiting task's notices")
        .measured(notices)
}
