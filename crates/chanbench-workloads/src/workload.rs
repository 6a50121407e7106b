//! The scenarios, generic over the implementation `C`, the flavor `M` and the payload `P`.
//!
//! Every function takes a [`Team`] whose threads already exist and are pinned, builds its
//! channels, hands one closure per role to the team and returns what [`Team::run`] timed: from
//! the first role starting (after a barrier) to the last one finishing. Channel creation, thread
//! creation and job dispatch are outside that interval. Received messages go through
//! [`black_box`], and every consumer counts what it received, so a workload that loses messages
//! panics rather than reporting a fast number.
//!
//! `RECORD` selects the cost run, which also records per-message latencies into a histogram; the
//! timed run (`RECORD = false`) reads no clocks it does not need.

use std::{
    hint::black_box,
    thread,
    time::{Duration, Instant},
};

use chanbench_core::{Channel, Make, MultiConsumer, Receiver, Sender};
use hdrhistogram::Histogram;

use crate::{
    payload::Payload,
    placement::{Role, Team},
};

/// What one run of a workload measured.
#[derive(Debug)]
pub struct Measured {
    /// The timed interval (see each workload for what it spans).
    pub elapsed: Duration,
    /// Messages delivered in it (for ping-pong: round trips).
    pub messages: u64,
    /// Per-message (ping-pong: per round trip) latencies in nanoseconds, when recorded.
    pub latency: Option<Histogram<u64>>,
}

/// An empty latency histogram in nanoseconds, 1 ns to 60 s, 3 significant digits.
pub fn latency_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000_000, 3).expect("valid histogram bounds")
}

/// A duration in whole nanoseconds, at least 1 (histograms start at 1 ns).
pub(crate) fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX).max(1)
}

/// Splits `total` into `parts` shares that differ by at most one.
pub fn split(total: u64, parts: usize) -> Vec<u64> {
    let parts = parts.max(1) as u64;
    (0..parts)
        .map(|i| total / parts + u64::from(i < total % parts))
        .collect()
}

fn producer<C: Channel, P: Payload>(tx: Sender<C, P>, messages: u64) -> Role<u64> {
    let source = P::source(); // Prepared here, before the role's clock starts.
    Box::new(move || {
        for i in 0..messages {
            if tx.send(P::make(&source, i)).is_err() {
                panic!("send failed: the consumer is gone");
            }
        }
        0
    })
}

fn consumer<C: Channel, P: Payload>(rx: Receiver<C, P>) -> Role<u64> {
    Box::new(move || {
        let mut received = 0u64;
        while let Ok(msg) = rx.recv() {
            black_box(msg);
            received += 1;
        }
        received
    })
}

/// `producers` producer roles sharing `messages` between them; consumes `tx`, so the channel
/// disconnects when they finish.
pub(crate) fn producers<C: Channel, P: Payload>(
    tx: Sender<C, P>,
    producers: usize,
    messages: u64,
) -> Vec<Role<u64>> {
    split(messages, producers)
        .into_iter()
        .map(|n| producer::<C, P>(tx.clone(), n))
        .collect()
}

/// Runs roles that each return how many messages they received, and checks that together they
/// received all `messages`.
fn run_counted(team: &Team, workload: &str, roles: Vec<Role<u64>>, messages: u64) -> Measured {
    let timed = team.run(roles);
    let received: u64 = timed.results.iter().sum();
    assert_eq!(
        received, messages,
        "{workload}: {messages} messages sent, {received} received"
    );
    Measured {
        elapsed: timed.elapsed,
        messages,
        latency: None,
    }
}

/// `seq`'s message: the payload in a type of its own, so that `seq`'s channels are compiled apart
/// from every other workload's.
///
/// `seq` is the one channel workload that receives the payload types with `try_recv` (the
/// strategy families' `try_recv`s take types of their own). On the payload's own type, that call
/// is a second caller of the library's receive internals, and the compiler then stops inlining
/// them into `recv` for every workload of that payload (std's and crossbeam's `start_recv` and
/// `read`): a call per message that a program using only `send` and `recv` does not make. With
/// it, std-sync's `spsc` (cap=1024, `u64`, across cores) read 41 ns/msg against 17 for the
/// standalone program, and the standalone program itself read 15-59 (median 26) once it called
/// `try_recv` anywhere on the same channel type.
#[derive(Debug)]
#[repr(transparent)]
pub struct Batched<P>(pub P);

/// **seq**: one thread sends a batch, then receives it (`try_recv`: the batch is queued); no
/// cross-thread traffic. Batches are the capacity, at most 256. Needs a capacity of at least 1.
/// The messages are [`Batched`].
pub fn seq<C: Channel, M: Make<C>, P: Payload>(team: &Team, m: M, messages: u64) -> Measured {
    let batch = m.capacity().map_or(256, |cap| cap.min(256)) as u64;
    assert!(batch > 0, "seq needs a channel that can hold a message");
    let (tx, rx) = m.make::<Batched<P>>();
    let source = P::source();
    let role: Role<u64> = Box::new(move || {
        let mut sent = 0;
        let mut received = 0;
        while sent < messages {
            let n = batch.min(messages - sent);
            for i in sent..sent + n {
                if tx.send(Batched(P::make(&source, i))).is_err() {
                    panic!("seq: send failed with the receiver alive");
                }
            }
            // `try_recv`: every message is queued by now, so a miss is a lost message (counted
            // as one, not waited for), and a message left over after the last batch is a
            // duplicate; either makes the count differ from `messages`.
            for _ in 0..n {
                if let Ok(msg) = rx.try_recv() {
                    black_box(msg);
                    received += 1;
                }
            }
            sent += n;
        }
        while rx.try_recv().is_ok() {
            received += 1;
        }
        received
    });
    run_counted(team, "seq", vec![role], messages)
}

/// **spsc**: one producer thread, one consumer thread, streaming.
pub fn spsc<C: Channel, M: Make<C>, P: Payload>(team: &Team, m: M, messages: u64) -> Measured {
    mpsc::<C, M, P>(team, m, 1, messages)
}

/// **mpsc**: `producers` threads streaming into one consumer (spsc: one producer).
pub fn mpsc<C: Channel, M: Make<C>, P: Payload>(
    team: &Team,
    m: M,
    producers: usize,
    messages: u64,
) -> Measured {
    let (tx, rx) = m.make::<P>();
    let mut roles = self::producers::<C, P>(tx, producers, messages);
    roles.push(consumer::<C, P>(rx));
    let workload = if producers == 1 { "spsc" } else { "mpsc" };
    run_counted(team, workload, roles, messages)
}

/// **mpmc**: `producers` threads streaming into `consumers` threads sharing one receiver.
pub fn mpmc<C: MultiConsumer, M: Make<C>, P: Payload>(
    team: &Team,
    m: M,
    producers: usize,
    consumers: usize,
    messages: u64,
) -> Measured {
    let (tx, rx) = m.make::<P>();
    let mut roles = self::producers::<C, P>(tx, producers, messages);
    roles.extend((0..consumers).map(|_| consumer::<C, P>(rx.clone())));
    drop(rx);
    run_counted(team, "mpmc", roles, messages)
}

/// **ping-pong**: a message goes to the other thread and comes back, over two channels.
/// `messages` counts round trips; with `RECORD`, each round trip's latency is recorded.
pub fn ping_pong<C: Channel, M: Make<C>, P: Payload, const RECORD: bool>(
    team: &Team,
    m: M,
    round_trips: u64,
) -> Measured {
    let (ping_tx, ping_rx) = m.make::<P>();
    let (pong_tx, pong_rx) = m.make::<P>();
    let source = P::source();
    let mut histogram = RECORD.then(latency_histogram);
    let pinger: Role<(u64, Option<Histogram<u64>>)> = Box::new(move || {
        for i in 0..round_trips {
            let start = RECORD.then(Instant::now);
            if ping_tx.send(P::make(&source, i)).is_err() {
                panic!("ping-pong: the ponger is gone");
            }
            black_box(pong_rx.recv().expect("ping-pong: the ponger is gone"));
            if let (Some(h), Some(start)) = (histogram.as_mut(), start) {
                h.saturating_record(nanos(start.elapsed()));
            }
        }
        (round_trips, histogram)
    });
    let ponger: Role<(u64, Option<Histogram<u64>>)> = Box::new(move || {
        let mut echoed = 0;
        while let Ok(msg) = ping_rx.recv() {
            if pong_tx.send(msg).is_err() {
                panic!("ping-pong: the pinger is gone");
            }
            echoed += 1;
        }
        (echoed, None)
    });
    let mut timed = team.run(vec![pinger, ponger]);
    let echoed = timed.results[1].0;
    assert_eq!(
        echoed, round_trips,
        "ping-pong: {round_trips} sent, {echoed} echoed"
    );
    Measured {
        elapsed: timed.elapsed,
        messages: round_trips,
        latency: timed.results[0].1.take(),
    }
}

/// **burst**: bursts of `burst` messages separated by idle `pause`s, so the receiver may park
/// between them and each burst pays its wake-up. The measured interval is the sum, over bursts,
/// of the time from the burst's first send to its last receive (pauses excluded). With
/// `RECORD`, each message's send-to-receive latency is recorded.
pub fn burst<C: Channel, M: Make<C>, const RECORD: bool>(
    team: &Team,
    m: M,
    burst: u64,
    pause: Duration,
    messages: u64,
) -> Measured {
    assert!(burst > 0, "a burst has at least one message");
    let (tx, rx) = m.make::<Instant>();
    let sender: Role<(u64, Duration, Option<Histogram<u64>>)> = Box::new(move || {
        let mut stamp = Instant::now();
        for i in 0..messages {
            if i % burst == 0 {
                if i > 0 && !pause.is_zero() {
                    thread::sleep(pause);
                }
                stamp = Instant::now();
            }
            let msg = if RECORD { Instant::now() } else { stamp };
            if tx.send(msg).is_err() {
                panic!("burst: the receiver is gone");
            }
        }
        (0, Duration::ZERO, None)
    });
    let mut histogram = RECORD.then(latency_histogram);
    let receiver: Role<(u64, Duration, Option<Histogram<u64>>)> = Box::new(move || {
        let mut delivering = Duration::ZERO;
        let mut burst_start = Instant::now();
        let mut received = 0u64;
        while let Ok(sent) = rx.recv() {
            if received % burst == 0 {
                burst_start = sent;
            }
            if let Some(h) = histogram.as_mut() {
                h.saturating_record(nanos(sent.elapsed()));
            }
            received += 1;
            if received % burst == 0 || received == messages {
                delivering += burst_start.elapsed();
            }
        }
        (received, delivering, histogram)
    });
    let mut timed = team.run(vec![sender, receiver]);
    let (received, delivering, histogram) =
        std::mem::replace(&mut timed.results[1], (0, Duration::ZERO, None));
    assert_eq!(
        received, messages,
        "burst: {messages} sent, {received} received"
    );
    Measured {
        elapsed: delivering,
        messages,
        latency: histogram,
    }
}
