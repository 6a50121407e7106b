//! Plain two-thread loops beside the matrix: the instrument's own bias, measured. For the async
//! cells, plain two-task loops on a runtime built by hand (no team, no gate of ours).
//!
//! Each loop is the same job as a matrix cell (`spsc` and `ping-pong` of `u64`s), written the way
//! a careful user would write it without chanbench: two fresh threads pinned like the team's
//! first two roles, released together, timed by the threads themselves (from the producer's or
//! pinger's start to the last receive): no team, no job dispatch, no criterion.
//!
//! "Released together" matters more than it seems. A blocking channel's cross-core ping-pong is
//! metastable: while both sides find each other spinning a round trip takes well under a
//! microsecond, but once one side has parked, every round trip pays a kernel wake-up (tens of
//! microseconds on a VM whose idle vCPUs halt) and the pair stays in that regime. Released by a
//! `std::sync::Barrier`, the peer arrives a wake-up late, the first receive parks, and the whole
//! run is spent in the slow regime: 13-37 us per round trip for crossbeam here against 0.5-0.8
//! us with both threads released by a spinning gate. So the plain loops use the same kind of
//! [`StartGate`] as the team (spinning when each thread has a core, a barrier when they share
//! one); the gate itself was chosen by measurement (docs/methodology.md, "Only the work is timed").
//! `cargo xtask validate` runs each beside the matrix's own timed routine for the same cell,
//! interleaved in one process, and prints their ratio: anything the harness adds (dispatch, the
//! gate, the interval's ends, the worker threads) shows up there as a ratio away from 1.

use chanbench_schema::CellKey;
use std::{
    future::Future,
    hint::black_box,
    thread,
    time::{Duration, Instant},
};

use chanbench_core::{
    Channel, Make,
    asynchronous::{AsyncChannel, MakeAsync},
};

use crate::{
    placement::{Cores, StartGate},
    runtime::Flavor,
};

/// Runs a plain loop of `messages` messages (round trips) on `cores` and returns its time.
pub type PlainRunner = Box<dyn Fn(&Cores, u64) -> Duration>;

/// A matrix cell's plain twin.
pub struct Calibration {
    /// The cell it mirrors.
    pub key: CellKey,
    /// The plain loop.
    pub plain: PlainRunner,
}

/// Untimed messages (round trips) each plain run starts with, on the same threads: as many as
/// the timed run (as a harness warms a routine up with the routine itself). A fresh thread's
/// first messages pay for its empty allocator cache and cold stack, which the team's long-lived
/// workers paid long ago: measured without a warm-up, std-mpsc's and flume's unbounded `spsc`
/// (which allocate as they go) read 14-17% slower in the plain loop across cores. A warm-up of a
/// quarter of the run was not enough in a fresh process: an unbounded channel's producer can run
/// ahead by the whole run (on a current-thread runtime nothing stops it), and the heap pages the
/// warm-up had not touched faulted in during the timed run (futures' unbounded `async-spsc` of
/// 300,000 messages: 2,560 page faults, 47 ns/msg against 27 once the warm-up touched them).
fn warm_up(messages: u64) -> u64 {
    messages.max(100)
}

/// Sends `0..n` on `tx`, then drops it.
fn send_all<C: Channel>(tx: chanbench_core::Sender<C, u64>, n: u64) {
    for i in 0..n {
        tx.send(i).expect("plain spsc: the consumer is gone");
    }
}

/// Receives until every sender is gone; returns the count.
fn receive_all<C: Channel>(rx: chanbench_core::Receiver<C, u64>) -> u64 {
    let mut received = 0u64;
    while let Ok(msg) = rx.recv() {
        black_box(msg);
        received += 1;
    }
    received
}

/// One producer streaming `messages` `u64`s to one consumer: the time from the producer's start
/// to the consumer's last receive, after an untimed warm-up on the same threads.
pub fn plain_spsc<C: Channel, M: Make<C>>(cores: &Cores, m: M, messages: u64) -> Duration {
    let warm = warm_up(messages);
    let (warm_tx, warm_rx) = m.make::<u64>();
    let (tx, rx) = m.make::<u64>();
    let own_cores = cores.len() >= 2;
    let gates = &[StartGate::new(2, own_cores), StartGate::new(2, own_cores)];
    thread::scope(|s| {
        let producer = s.spawn(move || {
            cores.pin_current(0);
            gates[0].wait();
            send_all(warm_tx, warm);
            gates[1].wait();
            let start = Instant::now();
            send_all(tx, messages);
            start
        });
        let consumer = s.spawn(move || {
            cores.pin_current(1);
            gates[0].wait();
            let warmed = receive_all(warm_rx);
            gates[1].wait();
            let received = receive_all(rx);
            (Instant::now(), warmed + received)
        });
        let start = producer.join().expect("plain spsc: the producer panicked");
        let (end, received) = consumer.join().expect("plain spsc: the consumer panicked");
        let sent = warm + messages;
        assert_eq!(
            received, sent,
            "plain spsc: {sent} sent, {received} received"
        );
        end.saturating_duration_since(start)
    })
}

/// Round trips `0..n` through `ping` and `pong`.
fn ping<C: Channel>(
    tx: &chanbench_core::Sender<C, u64>,
    rx: &chanbench_core::Receiver<C, u64>,
    n: u64,
) {
    for i in 0..n {
        tx.send(i).expect("plain ping-pong: the ponger is gone");
        let back = rx.recv().expect("plain ping-pong: the ponger is gone");
        assert_eq!(back, i, "plain ping-pong: sent {i}, got {back} back");
    }
}

/// Echoes every message until the pinger hangs up.
fn pong<C: Channel>(rx: chanbench_core::Receiver<C, u64>, tx: chanbench_core::Sender<C, u64>) {
    while let Ok(msg) = rx.recv() {
        tx.send(msg).expect("plain ping-pong: the pinger is gone");
    }
}

/// `round_trips` round trips of a `u64` over two channels: the pinger's own time, after an
/// untimed warm-up on the same threads and channels.
pub fn plain_ping_pong<C: Channel, M: Make<C>>(cores: &Cores, m: M, round_trips: u64) -> Duration {
    let warm = warm_up(round_trips);
    let (ping_tx, ping_rx) = m.make::<u64>();
    let (pong_tx, pong_rx) = m.make::<u64>();
    let gate = &StartGate::new(2, cores.len() >= 2);
    thread::scope(|s| {
        let pinger = s.spawn(move || {
            cores.pin_current(0);
            gate.wait();
            ping(&ping_tx, &pong_rx, warm);
            let start = Instant::now();
            ping(&ping_tx, &pong_rx, round_trips);
            start.elapsed()
        });
        let ponger = s.spawn(move || {
            cores.pin_current(1);
            gate.wait();
            pong(ping_rx, pong_tx);
        });
        let elapsed = pinger.join().expect("plain ping-pong: the pinger panicked");
        ponger.join().expect("plain ping-pong: the ponger panicked");
        elapsed
    })
}

/// A runtime of `flavor` built by hand, the way a user would: with every driver, as
/// `#[tokio::main]` builds it (the matrix's runtimes have them too), and for `multi_thread` one
/// worker per allowed core, each pinned to the cores in turn.
fn plain_runtime(cores: &Cores, flavor: Flavor) -> tokio::runtime::Runtime {
    let mut builder = match flavor {
        Flavor::CurrentThread => tokio::runtime::Builder::new_current_thread(),
        Flavor::MultiThread => {
            let mut b = tokio::runtime::Builder::new_multi_thread();
            b.worker_threads(cores.len());
            let cores = cores.clone();
            let next = std::sync::atomic::AtomicUsize::new(0);
            b.on_thread_start(move || {
                cores.pin_current(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
            });
            b
        }
    };
    builder
        .enable_all()
        .build()
        .expect("plain calibration: cannot build a tokio runtime")
}

/// Runs `job` to completion on a fresh runtime of `flavor`: a `current_thread` runtime on a
/// fresh thread pinned to the first core, a `multi_thread` one from a plain thread that only
/// waits.
fn on_plain_runtime<T: Send + Unpin + 'static>(
    cores: &Cores,
    flavor: Flavor,
    job: impl Future<Output = T> + Send + 'static,
) -> T {
    let rt = plain_runtime(cores, flavor);
    match flavor {
        Flavor::CurrentThread => thread::scope(|s| {
            s.spawn(|| {
                cores.pin_current(0);
                rt.block_on(job)
            })
            .join()
            .expect("plain calibration: a task panicked")
        }),
        Flavor::MultiThread => rt
            .block_on(rt.spawn(job))
            .expect("plain calibration: a task panicked"),
    }
}

/// One producer task streaming `messages` `u64`s to one consumer task on a runtime built by
/// hand: the time from the producer's start to the consumer's last receive, after an untimed
/// warm-up on the same tasks. The tasks meet at a `tokio::sync::Barrier` between the two.
pub fn plain_async_spsc<C: AsyncChannel, M: MakeAsync<C>>(
    cores: &Cores,
    flavor: Flavor,
    m: M,
    messages: u64,
) -> Duration {
    let warm = warm_up(messages);
    on_plain_runtime(cores, flavor, async move {
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(2));
        let (mut warm_tx, mut warm_rx) = m.make::<u64>();
        let (mut tx, mut rx) = m.make::<u64>();
        let b = barrier.clone();
        let producer = tokio::spawn(async move {
            for i in 0..warm {
                warm_tx
                    .send(i)
                    .await
                    .expect("plain async spsc: the consumer is gone");
            }
            drop(warm_tx);
            b.wait().await;
            let start = Instant::now();
            for i in 0..messages {
                tx.send(i)
                    .await
                    .expect("plain async spsc: the consumer is gone");
            }
            start
        });
        let consumer = tokio::spawn(async move {
            let mut received = 0u64;
            while let Ok(msg) = warm_rx.recv().await {
                black_box(msg);
                received += 1;
            }
            // Its memory goes back to the allocator before the timed run needs memory.
            drop(warm_rx);
            barrier.wait().await;
            while let Ok(msg) = rx.recv().await {
                black_box(msg);
                received += 1;
            }
            (Instant::now(), received)
        });
        let start = producer
            .await
            .expect("plain async spsc: the producer panicked");
        let (end, received) = consumer
            .await
            .expect("plain async spsc: the consumer panicked");
        assert_eq!(
            received,
            warm + messages,
            "plain async spsc: {} sent, {received} received",
            warm + messages
        );
        end.saturating_duration_since(start)
    })
}

/// `round_trips` round trips of a `u64` between two tasks on a runtime built by hand: the
/// pinger's own time, after an untimed warm-up on the same tasks and channels.
pub fn plain_async_ping_pong<C: AsyncChannel, M: MakeAsync<C>>(
    cores: &Cores,
    flavor: Flavor,
    m: M,
    round_trips: u64,
) -> Duration {
    let warm = warm_up(round_trips);
    on_plain_runtime(cores, flavor, async move {
        let (mut ping_tx, mut ping_rx) = m.make::<u64>();
        let (mut pong_tx, mut pong_rx) = m.make::<u64>();
        let ponger = tokio::spawn(async move {
            while let Ok(msg) = ping_rx.recv().await {
                pong_tx
                    .send(msg)
                    .await
                    .expect("plain async ping-pong: the pinger is gone");
            }
        });
        let pinger = tokio::spawn(async move {
            let mut start = Instant::now();
            for i in 0..warm + round_trips {
                if i == warm {
                    start = Instant::now();
                }
                ping_tx
                    .send(i)
                    .await
                    .expect("plain async ping-pong: the ponger is gone");
                let back = pong_rx
                    .recv()
                    .await
                    .expect("plain async ping-pong: the ponger is gone");
                assert_eq!(back, i, "plain async ping-pong: sent {i}, got {back} back");
            }
            start.elapsed()
        });
        let elapsed = pinger
            .await
            .expect("plain async ping-pong: the pinger panicked");
        ponger
            .await
            .expect("plain async ping-pong: the ponger panicked");
        elapsed
    })
}
