//! The `offered-load` family (and `async-offered-load`, the same between two tasks): one
//! producer sends on an open-loop schedule, at a fixed fraction of
//! the channel's own saturation rate, to one consumer that records each message's latency from
//! its *intended* send time.
//!
//! A closed-loop harness sends the next message when the last one went, so a stall delays the
//! messages behind it and they are never timed as late (coordinated omission). Here message `i`
//! is due at `start + i / rate` whatever happened before; a sender behind its schedule sends at
//! once and the lateness counts in the latency. The uncorrected figure (from the actual send) is
//! kept beside it, to show what the correction adds.
//!
//! The first tenth of the messages is a warm-up, sent on the schedule but not recorded: the
//! consumer's first wake-up (a parked thread on a halted vCPU took 100-200 µs here) would
//! otherwise be the p99 of every short run.
//!
//! The saturation rate is measured by the same code with a schedule of interval 0 (every message
//! due at the start: as fast as the channel takes them), stamps and clock reads in place, in the
//! same process just before. The sender waits for each due time by sleeping when it is more than
//! [`SLEEP_ABOVE`] away and yielding otherwise: spinning would hold the core a consumer on the
//! same core needs. At low load the consumer parks between messages, so this family times
//! wake-ups by design.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    thread,
    time::{Duration, Instant},
};

use chanbench_core::{
    Channel, Make,
    asynchronous::{AsyncChannel, MakeAsync},
};
use chanbench_schema::{LoadLevel, Observation};
use hdrhistogram::Histogram;

use crate::{
    cost::{Usage, percentiles},
    matrix::Extent,
    placement::{Role, Team},
    runtime::{self, AsyncGate, Flavor},
    workload::{Measured, latency_histogram, nanos},
};

/// A clock in nanoseconds since an origin, and a way to wait for a time on it.
pub trait Clock: Send + Sync {
    /// Now.
    fn now_ns(&self) -> u64;
    /// Returns at `t` or later.
    fn wait_until_ns(&self, t: u64);
}

/// The wall clock (`Instant`) from when it was made.
#[derive(Debug)]
pub struct Wall {
    origin: Instant,
}

/// A due time further than this is waited for by sleeping (less a margin); nearer, by yielding.
pub const SLEEP_ABOVE: Duration = Duration::from_micros(200);
const SLEEP_MARGIN: Duration = Duration::from_micros(100);

impl Wall {
    /// A clock starting now.
    pub fn new() -> Self {
        Self {
            origin: Instant::now(),
        }
    }
}

impl Default for Wall {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for Wall {
    fn now_ns(&self) -> u64 {
        nanos(self.origin.elapsed())
    }

    fn wait_until_ns(&self, t: u64) {
        loop {
            let now = self.now_ns();
            if now >= t {
                return;
            }
            let left = Duration::from_nanos(t - now);
            if left > SLEEP_ABOVE {
                thread::sleep(left - SLEEP_MARGIN);
            } else {
                thread::yield_now();
            }
        }
    }
}

/// When each message is due: `start + i × interval`, never shifted by a late send.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schedule {
    start_ns: u64,
    interval_ns: f64,
}

impl Schedule {
    /// `per_s` messages a second from `start_ns`; `None`: all due at the start (saturation).
    pub fn new(start_ns: u64, per_s: Option<f64>) -> Self {
        Self {
            start_ns,
            interval_ns: per_s.map_or(0.0, |r| 1e9 / r),
        }
    }

    /// When message `i` is due.
    pub fn intended(&self, i: u64) -> u64 {
        self.start_ns + (i as f64 * self.interval_ns).round() as u64
    }
}

/// A message on the schedule: which it is, when it was due and when it was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// Its place in the schedule.
    pub index: u64,
    /// When it was due, ns on the run's clock.
    pub intended_ns: u64,
    /// When its send started.
    pub sent_ns: u64,
}

/// Sends `n` messages on `schedule`: each waits for its due time, if that is still ahead.
pub fn pace(clock: &impl Clock, schedule: Schedule, n: u64, mut send: impl FnMut(Stamp)) {
    for i in 0..n {
        let intended_ns = schedule.intended(i);
        clock.wait_until_ns(intended_ns);
        let sent_ns = clock.now_ns();
        send(Stamp {
            index: i,
            intended_ns,
            sent_ns,
        });
    }
}

/// What the consumer records.
#[derive(Debug)]
pub struct Latencies {
    /// Messages of the schedule's start not recorded.
    pub warm_up: u64,
    /// From the due time.
    pub corrected: Histogram<u64>,
    /// From the send.
    pub uncorrected: Histogram<u64>,
    /// Messages received.
    pub received: u64,
    /// When the last one arrived.
    pub last_ns: u64,
}

impl Latencies {
    /// Nothing recorded yet; the first `warm_up` messages of the schedule will not be.
    pub fn new(warm_up: u64) -> Self {
        Self {
            warm_up,
            corrected: latency_histogram(),
            uncorrected: latency_histogram(),
            received: 0,
            last_ns: 0,
        }
    }

    /// Counts `stamp`, received at `now_ns`, records it past the warm-up, and returns its
    /// latency from the due time and from the send.
    pub fn arrived(&mut self, stamp: Stamp, now_ns: u64) -> (u64, u64) {
        let corrected = now_ns.saturating_sub(stamp.intended_ns);
        let uncorrected = now_ns.saturating_sub(stamp.sent_ns);
        if stamp.index >= self.warm_up {
            self.corrected.saturating_record(corrected.max(1));
            self.uncorrected.saturating_record(uncorrected.max(1));
        }
        self.received += 1;
        self.last_ns = self.last_ns.max(now_ns);
        (corrected, uncorrected)
    }
}

/// The warm-up is this part of a run's messages.
pub const WARM_UP_PART: u64 = 10;

/// One open-loop run of `n` messages at `per_s` (`None`: saturation) from one producer to one
/// consumer; returns the roles' time, when the schedule started and the consumer's record.
fn thread_run<C: Channel, M: Make<C>>(team: &Team, m: M, per_s: Option<f64>, n: u64) -> Run {
    let clock = Arc::new(Wall::new());
    let (tx, rx) = m.make::<Stamp>();
    let producer_clock = Arc::clone(&clock);
    let producer: Role<Side> = Box::new(move || {
        let start_ns = producer_clock.now_ns();
        pace(&*producer_clock, Schedule::new(start_ns, per_s), n, |s| {
            tx.send(s).expect("offered-load: the consumer is gone");
        });
        Side::Producer { start_ns }
    });
    let consumer: Role<Side> = Box::new(move || {
        let mut latencies = Latencies::new(n / WARM_UP_PART);
        while let Ok(stamp) = rx.recv() {
            latencies.arrived(stamp, clock.now_ns());
        }
        Side::Consumer(Box::new(latencies))
    });
    let timed = team.run(vec![producer, consumer]);
    let mut start_ns = 0;
    let mut latencies = None;
    for side in timed.results {
        match side {
            Side::Producer { start_ns: s } => start_ns = s,
            Side::Consumer(l) => latencies = Some(*l),
        }
    }
    Run::checked(timed.elapsed, start_ns, latencies, n)
}

/// One open-loop run between two tasks on `flavor`'s runtime: [`thread_run`]'s, the producer
/// waiting for a due time by sleeping on the runtime's timer while it is more than 2 ms away
/// (tokio's timer has millisecond steps: it sleeps a millisecond short) and by yielding to the
/// runtime when nearer. The loop is [`pace`]'s, awaited.
fn task_run<C: AsyncChannel, M: MakeAsync<C>>(
    team: &Team,
    flavor: Flavor,
    m: M,
    per_s: Option<f64>,
    n: u64,
) -> Run {
    let clock = Arc::new(Wall::new());
    let (mut tx, mut rx) = m.make::<Stamp>();
    let gate = AsyncGate::new(2);
    let start = Arc::new(AtomicU64::new(0));
    let out: Arc<Mutex<Option<Latencies>>> = Arc::default();
    let (producer_clock, producer_start) = (Arc::clone(&clock), Arc::clone(&start));
    let producer = gate.task(async move {
        let start_ns = producer_clock.now_ns();
        producer_start.store(start_ns, Ordering::Relaxed);
        let schedule = Schedule::new(start_ns, per_s);
        for i in 0..n {
            let intended_ns = schedule.intended(i);
            wait_on_runtime(&producer_clock, intended_ns).await;
            let sent_ns = producer_clock.now_ns();
            let stamp = Stamp {
                index: i,
                intended_ns,
                sent_ns,
            };
            assert!(
                tx.send(stamp).await.is_ok(),
                "offered-load: the consumer task is gone"
            );
        }
        0
    });
    let consumer_out = Arc::clone(&out);
    let consumer = gate.task(async move {
        let mut latencies = Latencies::new(n / WARM_UP_PART);
        while let Ok(stamp) = rx.recv().await {
            latencies.arrived(stamp, clock.now_ns());
        }
        let received = latencies.received;
        *consumer_out.lock().expect("no task panicked holding it") = Some(latencies);
        received
    });
    let timed = runtime::run(team, flavor, vec![producer, consumer], None);
    let latencies = out.lock().expect("the run is over").take();
    Run::checked(timed.elapsed, start.load(Ordering::Relaxed), latencies, n)
}

/// Waits on the runtime for `t` on `clock`: sleeping on its timer while `t` is far, yielding
/// to its other tasks when near.
async fn wait_on_runtime(clock: &Wall, t: u64) {
    loop {
        let now = clock.now_ns();
        if now >= t {
            return;
        }
        let left = Duration::from_nanos(t - now);
        if left > SLEEP_ABOVE.max(Duration::from_millis(2)) {
            tokio::time::sleep(left - Duration::from_millis(1)).await;
        } else {
            tokio::task::yield_now().await;
        }
    }
}

/// Runs open-loop runs of threads: `(rate, messages)`, rate `None` for saturation.
pub fn threads<C: Channel, M: Make<C>>(team: &Team, m: M) -> impl Fn(Option<f64>, u64) -> Run + '_ {
    move |per_s, n| thread_run::<C, M>(team, m, per_s, n)
}

/// Runs open-loop runs of tasks on `flavor`'s runtime.
pub fn tasks<C: AsyncChannel, M: MakeAsync<C>>(
    team: &Team,
    flavor: Flavor,
    m: M,
) -> impl Fn(Option<f64>, u64) -> Run + '_ {
    move |per_s, n| task_run::<C, M>(team, flavor, m, per_s, n)
}

enum Side {
    Producer { start_ns: u64 },
    Consumer(Box<Latencies>),
}

/// What one open-loop run did: the roles' time, when the schedule started, the consumer's
/// record.
#[derive(Debug)]
pub struct Run {
    elapsed: Duration,
    start_ns: u64,
    latencies: Latencies,
}

impl Run {
    /// The run, once its consumer's record shows every one of the `n` messages.
    fn checked(elapsed: Duration, start_ns: u64, latencies: Option<Latencies>, n: u64) -> Self {
        let latencies = latencies.expect("the consumer reports");
        assert_eq!(
            latencies.received, n,
            "offered-load: {n} sent, {} received",
            latencies.received
        );
        Run {
            elapsed,
            start_ns,
            latencies,
        }
    }

    /// Messages per second from the first due time to the last receipt.
    fn achieved_per_s(&self) -> f64 {
        let span = self.latencies.last_ns.saturating_sub(self.start_ns).max(1);
        self.latencies.received as f64 * 1e9 / span as f64
    }
}

/// Messages of the saturation run.
fn saturation_messages(extent: Extent) -> u64 {
    match extent {
        Extent::Full => 50_000,
        Extent::Brief => 2_000,
    }
}

/// The channel's saturation rate with stamped messages, messages per second, from runs of
/// [`threads`] or [`tasks`].
pub fn saturation(run: impl Fn(Option<f64>, u64) -> Run, extent: Extent) -> f64 {
    let n = saturation_messages(extent);
    let r = run(None, n);
    n as f64 / r.elapsed.as_secs_f64().max(1e-9)
}

/// A timed or cost run of `n` messages at `percent` of `saturation_per_s`; with `record` (the
/// cost run) it returns the corrected latencies. Both read the same clocks: they are the design.
pub fn paced(
    run: impl Fn(Option<f64>, u64) -> Run,
    saturation_per_s: f64,
    percent: u32,
    n: u64,
    record: bool,
) -> Measured {
    let r = run(Some(saturation_per_s * f64::from(percent) / 100.0), n);
    Measured {
        elapsed: r.elapsed,
        messages: n,
        latency: record.then_some(r.latencies.corrected),
    }
}

/// Messages of the observed run at `per_s`: half a second's worth, within bounds.
fn observed_messages(per_s: f64, extent: Extent) -> u64 {
    let (least, most) = match extent {
        Extent::Full => (10_000, 1_000_000),
        Extent::Brief => (500, 5_000),
    };
    ((per_s / 2.0) as u64).clamp(least, most)
}

/// One process's observation: the saturation rate just before, then the run at `percent` of it.
pub fn observe(run: impl Fn(Option<f64>, u64) -> Run, percent: u32, extent: Extent) -> Observation {
    let saturation_per_s = saturation(&run, extent);
    let target_per_s = saturation_per_s * f64::from(percent) / 100.0;
    let n = observed_messages(target_per_s, extent);
    let before = Usage::of_this_process();
    let r = run(Some(target_per_s), n);
    let used = Usage::of_this_process().since(before);
    Observation::OfferedLoad(LoadLevel {
        saturation_per_s,
        target_per_s,
        achieved_per_s: r.achieved_per_s(),
        messages: n,
        latency: percentiles(&r.latencies.corrected),
        uncorrected: percentiles(&r.latencies.uncorrected),
        cpu_ns_per_msg: used.cpu_ns as f64 / n as f64,
        switches_per_msg: (used.voluntary + used.involuntary) as f64 / n as f64,
    })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::*;

    /// A clock that moves only when told: waiting jumps to the due time, a stalled send jumps
    /// ahead by its stall.
    #[derive(Default)]
    struct Fake(AtomicU64);

    impl Clock for Fake {
        fn now_ns(&self) -> u64 {
            self.0.load(Ordering::SeqCst)
        }
        fn wait_until_ns(&self, t: u64) {
            self.0.fetch_max(t, Ordering::SeqCst);
        }
    }

    #[test]
    fn due_times_never_shift_and_a_stall_is_charged_to_every_message_behind_it() {
        let clock = Fake::default();
        clock.0.store(1_000, Ordering::SeqCst);
        // 10 million messages a second from t = 1000: one due every 100 ns.
        let schedule = Schedule::new(1_000, Some(10e6));
        let mut latencies = Latencies::new(0);
        let mut due = Vec::new();
        let mut corrected = Vec::new();
        let mut uncorrected = Vec::new();
        pace(&clock, schedule, 10, |stamp| {
            due.push(stamp.intended_ns);
            // The fourth send stalls for 550 ns; the message arrives when its send returns.
            if stamp.intended_ns == 1_300 {
                clock.0.fetch_add(550, Ordering::SeqCst);
            }
            let (c, u) = latencies.arrived(stamp, clock.now_ns());
            corrected.push(c);
            uncorrected.push(u);
        });
        let expected_due: Vec<u64> = (0..10).map(|i| 1_000 + 100 * i).collect();
        assert_eq!(
            due, expected_due,
            "due times follow the schedule, not the sends"
        );
        // Sent at 1850 (the stall's end), messages 4 to 8 were due 450 .. 50 ns earlier: the
        // correction charges them; the ninth is on time again.
        assert_eq!(corrected, [0, 0, 0, 550, 450, 350, 250, 150, 50, 0]);
        // Measured from their sends they look instant: the omission the correction repairs.
        assert_eq!(uncorrected, [0, 0, 0, 550, 0, 0, 0, 0, 0, 0]);
        assert_eq!(latencies.received, 10);
        assert_eq!(latencies.corrected.max(), 550);
        assert!(latencies.corrected.value_at_quantile(0.7) >= 250);
        assert!(latencies.uncorrected.value_at_quantile(0.7) <= 1);
        assert_eq!(latencies.last_ns, 1_900);
    }

    #[test]
    fn the_warm_up_is_counted_but_not_recorded() {
        let mut latencies = Latencies::new(2);
        for index in 0..5 {
            let stamp = Stamp {
                index,
                intended_ns: 0,
                sent_ns: 0,
            };
            latencies.arrived(stamp, 1_000 * (index + 1));
        }
        assert_eq!(latencies.received, 5);
        assert_eq!(latencies.corrected.len(), 3);
        assert_eq!(
            latencies.corrected.min(),
            3_000,
            "the first two are not recorded"
        );
    }

    #[test]
    fn a_saturation_schedule_has_every_message_due_at_the_start() {
        let s = Schedule::new(7, None);
        assert_eq!((s.intended(0), s.intended(1_000_000)), (7, 7));
        let paced = Schedule::new(0, Some(3.0));
        assert_eq!(paced.intended(2), 666_666_667, "rounded, never accumulated");
        assert_eq!(paced.intended(3), 1_000_000_000);
    }
}
