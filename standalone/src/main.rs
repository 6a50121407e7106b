//! The standalone calibration program: the loop a user writes to check one of chanbench's numbers.
//!
//! Two fresh threads pinned with `core_affinity` (the first two cores this process may use, or
//! the one), one sending `u64`s and one receiving them (`spsc`), or one sending and waiting for
//! each echo (`ping-pong`); for the async cells, two tasks on a tokio runtime built here. Nothing
//! else lives in the process: no chanbench crate, no counting allocator, no worker team, no rayon
//! pool, no other runtime. `cargo xtask validate` runs it as a fresh process per round, beside the
//! matrix's own routine, and reports matrix / standalone per cell.
//!
//! ```text
//! standalone-calibration <workload> <implementation> <capacity> <messages> [<runtime>]
//!   workload        spsc | ping-pong | async-spsc | async-ping-pong
//!   implementation  a chanbench implementation id (std-mpsc, crossbeam, tokio-mpsc, ...)
//!   capacity        a number, or `unbounded`
//!   messages        messages (ping-pong: round trips) in the timed run
//!   runtime         async only: current-thread | multi-thread
//! ```
//!
//! It prints one line, the timed run's length in nanoseconds. Every run starts with an untimed
//! warm-up of as many messages on the same threads (or tasks): a fresh thread's first messages
//! pay for its cold caches and heap, which a long-running program paid long ago. Runtimes are
//! built with every driver, as `#[tokio::main]` builds them. The threads
//! start together: they spin on a shared counter when each has a core of its own, and meet at a
//! `std::sync::Barrier` when they share one (spinning there would only hold back the other).
//!
//! Arguments are read by hand on purpose: the program depends on the libraries under test,
//! `core_affinity` and std, nothing else.

use std::{
    env,
    future::{Future, poll_fn},
    hint::{black_box, spin_loop},
    process::ExitCode,
    sync::{
        Barrier,
        atomic::{AtomicUsize, Ordering},
    },
    thread,
    time::{Duration, Instant},
};

/// Untimed messages (round trips) before the timed ones: as many as the timed run, as a
/// benchmark harness warms a routine up with the routine itself. A fresh process's heap is cold:
/// an unbounded channel's producer can run ahead by the whole run, and every page the warm-up
/// has not touched faults in during the timed run.
fn warm_up(messages: u64) -> u64 {
    messages.max(100)
}

/// The cores this process may use, as `core_affinity` reads them (the affinity mask).
fn cores() -> Vec<core_affinity::CoreId> {
    let cores = core_affinity::get_core_ids().unwrap_or_default();
    assert!(!cores.is_empty(), "no usable core in the affinity mask");
    cores
}

/// Pins the current thread to the `i`-th usable core, wrapping around.
fn pin(cores: &[core_affinity::CoreId], i: usize) {
    assert!(
        core_affinity::set_for_current(cores[i % cores.len()]),
        "cannot pin a thread to core {}",
        cores[i % cores.len()].id
    );
}

/// Two threads meeting before the timed part.
enum Start {
    Spin(AtomicUsize),
    Block(Barrier),
}

impl Start {
    fn new(own_cores: bool) -> Self {
        if own_cores {
            Start::Spin(AtomicUsize::new(0))
        } else {
            Start::Block(Barrier::new(2))
        }
    }

    /// Waits for the other thread; `round` counts this pair's meetings from 1.
    fn wait(&self, round: usize) {
        match self {
            Start::Spin(arrived) => {
                arrived.fetch_add(1, Ordering::AcqRel);
                while arrived.load(Ordering::Acquire) < 2 * round {
                    spin_loop();
                }
            }
            Start::Block(barrier) => {
                barrier.wait();
            }
        }
    }
}

/// A blocking channel of `u64`s, as a plain program uses it. `send` and `recv` are
/// `#[inline(always)]`: a user's loop calls the library directly, and this trait must not add a
/// call of its own (with `#[inline]`, kanal's were compiled out of line here, and its one-core
/// `spsc` read 9.5 ns/msg against 7.3 with the calls inlined).
trait Plain: Sized {
    type S: Send;
    type R: Send;
    fn make(capacity: Option<usize>) -> Option<(Self::S, Self::R)>;
    fn send(tx: &Self::S, v: u64);
    fn recv(rx: &Self::R) -> Option<u64>;
}

macro_rules! plain {
    ($name:ident, $s:ty, $r:ty, |$cap:ident| $make:expr, |$tx:ident, $v:ident| $send:expr, |$rx:ident| $recv:expr) => {
        struct $name;
        impl Plain for $name {
            type S = $s;
            type R = $r;
            fn make($cap: Option<usize>) -> Option<($s, $r)> {
                $make
            }
            #[inline(always)]
            fn send($tx: &$s, $v: u64) {
                $send.expect("the receiver is gone")
            }
            #[inline(always)]
            fn recv($rx: &$r) -> Option<u64> {
                $recv.ok()
            }
        }
    };
}

use std::sync::mpsc as std_mpsc;

plain!(
    StdMpsc,
    std_mpsc::Sender<u64>,
    std_mpsc::Receiver<u64>,
    |cap| cap.is_none().then(std_mpsc::channel),
    |tx, v| tx.send(v),
    |rx| rx.recv()
);
plain!(
    StdSync,
    std_mpsc::SyncSender<u64>,
    std_mpsc::Receiver<u64>,
    |cap| cap.map(std_mpsc::sync_channel),
    |tx, v| tx.send(v),
    |rx| rx.recv()
);
plain!(
    Crossbeam,
    crossbeam_channel::Sender<u64>,
    crossbeam_channel::Receiver<u64>,
    |cap| Some(cap.map_or_else(crossbeam_channel::unbounded, crossbeam_channel::bounded)),
    |tx, v| tx.send(v),
    |rx| rx.recv()
);
plain!(
    Flume,
    flume::Sender<u64>,
    flume::Receiver<u64>,
    |cap| Some(cap.map_or_else(flume::unbounded, flume::bounded)),
    |tx, v| tx.send(v),
    |rx| rx.recv()
);
plain!(
    Kanal,
    kanal::Sender<u64>,
    kanal::Receiver<u64>,
    |cap| Some(cap.map_or_else(kanal::unbounded, kanal::bounded)),
    |tx, v| tx.send(v),
    |rx| rx.recv()
);

plain!(
    Crossfire,
    crossfire::MTx<crossfire::mpmc::Array<u64>>,
    crossfire::MRx<crossfire::mpmc::Array<u64>>,
    |cap| cap.map(crossfire::mpmc::bounded_blocking),
    |tx, v| tx.send(v),
    |rx| rx.recv()
);
plain!(
    CrossfireUnbounded,
    crossfire::MTx<crossfire::mpmc::List<u64>>,
    crossfire::MRx<crossfire::mpmc::List<u64>>,
    |cap| cap.is_none().then(crossfire::mpmc::unbounded_blocking),
    |tx, v| tx.send(v),
    |rx| rx.recv()
);

/// `spsc`: the time from the producer's first timed send to the consumer's last receive.
fn spsc<C: Plain>(capacity: Option<usize>, messages: u64) -> Option<Duration> {
    let (warm_tx, warm_rx) = C::make(capacity)?;
    let (tx, rx) = C::make(capacity)?;
    let cores = cores();
    let warm = warm_up(messages);
    let start = Start::new(cores.len() >= 2);
    let (start, cores) = (&start, &cores);
    Some(thread::scope(|s| {
        let producer = s.spawn(move || {
            pin(cores, 0);
            start.wait(1);
            for i in 0..warm {
                C::send(&warm_tx, i);
            }
            drop(warm_tx);
            start.wait(2);
            let began = Instant::now();
            for i in 0..messages {
                C::send(&tx, i);
            }
            began
        });
        let consumer = s.spawn(move || {
            pin(cores, 1);
            start.wait(1);
            let mut received = 0;
            while let Some(v) = C::recv(&warm_rx) {
                black_box(v);
                received += 1;
            }
            // Its memory goes back to the allocator before the timed run needs memory.
            drop(warm_rx);
            start.wait(2);
            while let Some(v) = C::recv(&rx) {
                black_box(v);
                received += 1;
            }
            (Instant::now(), received)
        });
        let began = producer.join().expect("the producer panicked");
        let (ended, received) = consumer.join().expect("the consumer panicked");
        assert_eq!(received, warm + messages, "messages were lost");
        ended.duration_since(began)
    }))
}

/// `ping-pong`: the pinger's time for `round_trips` round trips.
fn ping_pong<C: Plain>(capacity: Option<usize>, round_trips: u64) -> Option<Duration> {
    let (ping_tx, ping_rx) = C::make(capacity)?;
    let (pong_tx, pong_rx) = C::make(capacity)?;
    let cores = cores();
    let warm = warm_up(round_trips);
    let start = Start::new(cores.len() >= 2);
    let (start, cores) = (&start, &cores);
    Some(thread::scope(|s| {
        let pinger = s.spawn(move || {
            pin(cores, 0);
            start.wait(1);
            let mut began = Instant::now();
            for i in 0..warm + round_trips {
                if i == warm {
                    began = Instant::now();
                }
                C::send(&ping_tx, i);
                assert_eq!(C::recv(&pong_rx), Some(i), "a round trip came back wrong");
            }
            began.elapsed()
        });
        s.spawn(move || {
            pin(cores, 1);
            start.wait(1);
            while let Some(v) = C::recv(&ping_rx) {
                C::send(&pong_tx, v);
            }
        });
        pinger.join().expect("the pinger panicked")
    }))
}

/// An async channel of `u64`s, as a plain tokio program uses it.
trait PlainAsync: 'static {
    type S: Send + 'static;
    type R: Send + 'static;
    fn make(capacity: Option<usize>) -> Option<(Self::S, Self::R)>;
    fn send(tx: &mut Self::S, v: u64) -> impl Future<Output = ()> + Send;
    fn recv(rx: &mut Self::R) -> impl Future<Output = Option<u64>> + Send;
}

struct TokioMpsc;
impl PlainAsync for TokioMpsc {
    type S = tokio::sync::mpsc::Sender<u64>;
    type R = tokio::sync::mpsc::Receiver<u64>;
    fn make(capacity: Option<usize>) -> Option<(Self::S, Self::R)> {
        capacity.map(tokio::sync::mpsc::channel)
    }
    async fn send(tx: &mut Self::S, v: u64) {
        tx.send(v).await.expect("the receiver is gone")
    }
    async fn recv(rx: &mut Self::R) -> Option<u64> {
        rx.recv().await
    }
}

struct TokioUnbounded;
impl PlainAsync for TokioUnbounded {
    type S = tokio::sync::mpsc::UnboundedSender<u64>;
    type R = tokio::sync::mpsc::UnboundedReceiver<u64>;
    fn make(capacity: Option<usize>) -> Option<(Self::S, Self::R)> {
        capacity
            .is_none()
            .then(tokio::sync::mpsc::unbounded_channel)
    }
    async fn send(tx: &mut Self::S, v: u64) {
        tx.send(v).expect("the receiver is gone")
    }
    async fn recv(rx: &mut Self::R) -> Option<u64> {
        rx.recv().await
    }
}

struct AsyncChannel;
impl PlainAsync for AsyncChannel {
    type S = async_channel::Sender<u64>;
    type R = async_channel::Receiver<u64>;
    fn make(capacity: Option<usize>) -> Option<(Self::S, Self::R)> {
        Some(capacity.map_or_else(async_channel::unbounded, async_channel::bounded))
    }
    async fn send(tx: &mut Self::S, v: u64) {
        tx.send(v).await.expect("the receiver is gone")
    }
    async fn recv(rx: &mut Self::R) -> Option<u64> {
        rx.recv().await.ok()
    }
}

struct FlumeAsync;
impl PlainAsync for FlumeAsync {
    type S = flume::Sender<u64>;
    type R = flume::Receiver<u64>;
    fn make(capacity: Option<usize>) -> Option<(Self::S, Self::R)> {
        Some(capacity.map_or_else(flume::unbounded, flume::bounded))
    }
    async fn send(tx: &mut Self::S, v: u64) {
        tx.send_async(v).await.expect("the receiver is gone")
    }
    async fn recv(rx: &mut Self::R) -> Option<u64> {
        rx.recv_async().await.ok()
    }
}

struct KanalAsync;
impl PlainAsync for KanalAsync {
    type S = kanal::AsyncSender<u64>;
    type R = kanal::AsyncReceiver<u64>;
    fn make(capacity: Option<usize>) -> Option<(Self::S, Self::R)> {
        Some(capacity.map_or_else(kanal::unbounded_async, kanal::bounded_async))
    }
    async fn send(tx: &mut Self::S, v: u64) {
        tx.send(v).await.expect("the receiver is gone")
    }
    async fn recv(rx: &mut Self::R) -> Option<u64> {
        rx.recv().await.ok()
    }
}

struct FuturesMpsc;
impl PlainAsync for FuturesMpsc {
    type S = futures_channel::mpsc::Sender<u64>;
    type R = futures_channel::mpsc::Receiver<u64>;
    fn make(capacity: Option<usize>) -> Option<(Self::S, Self::R)> {
        // futures' bounded channel holds its buffer plus one message per sender.
        capacity.map(|c| futures_channel::mpsc::channel(c.saturating_sub(1)))
    }
    async fn send(tx: &mut Self::S, v: u64) {
        poll_fn(|cx| tx.poll_ready(cx))
            .await
            .expect("the receiver is gone");
        tx.start_send(v).expect("the receiver is gone")
    }
    async fn recv(rx: &mut Self::R) -> Option<u64> {
        rx.recv().await.ok()
    }
}

struct FuturesUnbounded;
impl PlainAsync for FuturesUnbounded {
    type S = futures_channel::mpsc::UnboundedSender<u64>;
    type R = futures_channel::mpsc::UnboundedReceiver<u64>;
    fn make(capacity: Option<usize>) -> Option<(Self::S, Self::R)> {
        capacity.is_none().then(futures_channel::mpsc::unbounded)
    }
    async fn send(tx: &mut Self::S, v: u64) {
        tx.unbounded_send(v).expect("the receiver is gone")
    }
    async fn recv(rx: &mut Self::R) -> Option<u64> {
        rx.recv().await.ok()
    }
}

struct CrossfireAsync;
impl PlainAsync for CrossfireAsync {
    type S = crossfire::MAsyncTx<crossfire::mpmc::Array<u64>>;
    type R = crossfire::MAsyncRx<crossfire::mpmc::Array<u64>>;
    fn make(capacity: Option<usize>) -> Option<(Self::S, Self::R)> {
        capacity.map(crossfire::mpmc::bounded_async)
    }
    async fn send(tx: &mut Self::S, v: u64) {
        tx.send(v).await.expect("the receiver is gone")
    }
    async fn recv(rx: &mut Self::R) -> Option<u64> {
        rx.recv().await.ok()
    }
}

struct CrossfireAsyncUnbounded;
impl PlainAsync for CrossfireAsyncUnbounded {
    type S = crossfire::MTx<crossfire::mpmc::List<u64>>;
    type R = crossfire::MAsyncRx<crossfire::mpmc::List<u64>>;
    fn make(capacity: Option<usize>) -> Option<(Self::S, Self::R)> {
        capacity.is_none().then(crossfire::mpmc::unbounded_async)
    }
    async fn send(tx: &mut Self::S, v: u64) {
        tx.send(v).expect("the receiver is gone")
    }
    async fn recv(rx: &mut Self::R) -> Option<u64> {
        rx.recv().await.ok()
    }
}

struct Tachyonix;
impl PlainAsync for Tachyonix {
    type S = tachyonix::Sender<u64>;
    type R = tachyonix::Receiver<u64>;
    fn make(capacity: Option<usize>) -> Option<(Self::S, Self::R)> {
        capacity.map(tachyonix::channel)
    }
    async fn send(tx: &mut Self::S, v: u64) {
        tx.send(v).await.expect("the receiver is gone")
    }
    async fn recv(rx: &mut Self::R) -> Option<u64> {
        rx.recv().await.ok()
    }
}

/// The two tokio runtime flavours.
#[derive(Clone, Copy, PartialEq)]
enum Runtime {
    CurrentThread,
    MultiThread,
}

/// Runs `job` on a fresh runtime of `flavour`: `current_thread` on a thread pinned to the first
/// core, `multi_thread` with one worker per usable core, pinned in turn, driven from a thread
/// that only waits.
fn on_runtime<T: Send + 'static>(
    flavour: Runtime,
    job: impl Future<Output = T> + Send + 'static,
) -> T {
    let cores = cores();
    match flavour {
        Runtime::CurrentThread => {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("cannot build a tokio runtime");
            thread::scope(|s| {
                s.spawn(|| {
                    pin(&cores, 0);
                    rt.block_on(job)
                })
                .join()
                .expect("a task panicked")
            })
        }
        Runtime::MultiThread => {
            let next = AtomicUsize::new(0);
            let pinned = cores.clone();
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .worker_threads(cores.len())
                .on_thread_start(move || pin(&pinned, next.fetch_add(1, Ordering::Relaxed)))
                .build()
                .expect("cannot build a tokio runtime");
            rt.block_on(rt.spawn(job)).expect("a task panicked")
        }
    }
}

/// `async-spsc`: a producer task and a consumer task; the time from the producer's first timed
/// send to the consumer's last receive.
fn async_spsc<C: PlainAsync>(
    flavour: Runtime,
    capacity: Option<usize>,
    messages: u64,
) -> Option<Duration> {
    let (mut warm_tx, mut warm_rx) = C::make(capacity)?;
    let (mut tx, mut rx) = C::make(capacity)?;
    let warm = warm_up(messages);
    Some(on_runtime(flavour, async move {
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(2));
        let meet = barrier.clone();
        let producer = tokio::spawn(async move {
            for i in 0..warm {
                C::send(&mut warm_tx, i).await;
            }
            drop(warm_tx);
            meet.wait().await;
            let began = Instant::now();
            for i in 0..messages {
                C::send(&mut tx, i).await;
            }
            began
        });
        let consumer = tokio::spawn(async move {
            let mut received = 0;
            while let Some(v) = C::recv(&mut warm_rx).await {
                black_box(v);
                received += 1;
            }
            drop(warm_rx);
            barrier.wait().await;
            while let Some(v) = C::recv(&mut rx).await {
                black_box(v);
                received += 1;
            }
            (Instant::now(), received)
        });
        let began = producer.await.expect("the producer panicked");
        let (ended, received) = consumer.await.expect("the consumer panicked");
        assert_eq!(received, warm + messages, "messages were lost");
        ended.duration_since(began)
    }))
}

/// `async-ping-pong`: the pinger task's time for `round_trips` round trips.
fn async_ping_pong<C: PlainAsync>(
    flavour: Runtime,
    capacity: Option<usize>,
    round_trips: u64,
) -> Option<Duration> {
    let (mut ping_tx, mut ping_rx) = C::make(capacity)?;
    let (mut pong_tx, mut pong_rx) = C::make(capacity)?;
    let warm = warm_up(round_trips);
    Some(on_runtime(flavour, async move {
        let ponger = tokio::spawn(async move {
            while let Some(v) = C::recv(&mut ping_rx).await {
                C::send(&mut pong_tx, v).await;
            }
        });
        let pinger = tokio::spawn(async move {
            let mut began = Instant::now();
            for i in 0..warm + round_trips {
                if i == warm {
                    began = Instant::now();
                }
                C::send(&mut ping_tx, i).await;
                let back = C::recv(&mut pong_rx).await;
                assert_eq!(back, Some(i), "a round trip came back wrong");
            }
            began.elapsed()
        });
        let elapsed = pinger.await.expect("the pinger panicked");
        ponger.await.expect("the ponger panicked");
        elapsed
    }))
}

/// The sync implementations, by chanbench id.
fn sync_run(workload: &str, id: &str, capacity: Option<usize>, n: u64) -> Option<Duration> {
    fn go<C: Plain>(workload: &str, capacity: Option<usize>, n: u64) -> Option<Duration> {
        match workload {
            "spsc" => spsc::<C>(capacity, n),
            _ => ping_pong::<C>(capacity, n),
        }
    }
    match id {
        "std-mpsc" => go::<StdMpsc>(workload, capacity, n),
        "std-sync" => go::<StdSync>(workload, capacity, n),
        "crossbeam" => go::<Crossbeam>(workload, capacity, n),
        "flume" => go::<Flume>(workload, capacity, n),
        "kanal" => go::<Kanal>(workload, capacity, n),
        "crossfire" => go::<Crossfire>(workload, capacity, n),
        "crossfire-unbounded" => go::<CrossfireUnbounded>(workload, capacity, n),
        _ => None,
    }
}

/// The async implementations, by chanbench id.
fn async_run(
    workload: &str,
    id: &str,
    flavour: Runtime,
    capacity: Option<usize>,
    n: u64,
) -> Option<Duration> {
    fn go<C: PlainAsync>(
        workload: &str,
        flavour: Runtime,
        capacity: Option<usize>,
        n: u64,
    ) -> Option<Duration> {
        match workload {
            "async-spsc" => async_spsc::<C>(flavour, capacity, n),
            _ => async_ping_pong::<C>(flavour, capacity, n),
        }
    }
    match id {
        "tokio-mpsc" => go::<TokioMpsc>(workload, flavour, capacity, n),
        "tokio-unbounded" => go::<TokioUnbounded>(workload, flavour, capacity, n),
        "async-channel" => go::<AsyncChannel>(workload, flavour, capacity, n),
        "flume" => go::<FlumeAsync>(workload, flavour, capacity, n),
        "kanal" => go::<KanalAsync>(workload, flavour, capacity, n),
        "futures-mpsc" => go::<FuturesMpsc>(workload, flavour, capacity, n),
        "futures-unbounded" => go::<FuturesUnbounded>(workload, flavour, capacity, n),
        "crossfire" => go::<CrossfireAsync>(workload, flavour, capacity, n),
        "crossfire-unbounded" => go::<CrossfireAsyncUnbounded>(workload, flavour, capacity, n),
        "tachyonix" => go::<Tachyonix>(workload, flavour, capacity, n),
        _ => None,
    }
}

const USAGE: &str = "usage: standalone-calibration <spsc|ping-pong|async-spsc|async-ping-pong> \
                     <implementation> <capacity|unbounded> <messages> [current-thread|multi-thread]";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let fail = |why: String| {
        eprintln!("standalone-calibration: {why}\n{USAGE}");
        ExitCode::from(2)
    };
    let [workload, id, capacity, messages, rest @ ..] = args.as_slice() else {
        return fail(format!("expected 4 or 5 arguments, found {}", args.len()));
    };
    let capacity = match capacity.as_str() {
        "unbounded" => None,
        n => match n.parse::<usize>() {
            Ok(n) if n >= 1 => Some(n),
            _ => {
                return fail(format!(
                    "capacity: expected a number from 1 or `unbounded`, found {n:?}"
                ));
            }
        },
    };
    let Ok(messages) = messages.parse::<u64>() else {
        return fail(format!(
            "messages: expected a whole number, found {messages:?}"
        ));
    };
    let elapsed = match (workload.as_str(), rest) {
        ("spsc" | "ping-pong", []) => sync_run(workload, id, capacity, messages),
        ("async-spsc" | "async-ping-pong", [runtime]) => {
            let flavour = match runtime.as_str() {
                "current-thread" => Runtime::CurrentThread,
                "multi-thread" => Runtime::MultiThread,
                other => {
                    return fail(format!(
                        "runtime: expected current-thread or multi-thread, found {other:?}"
                    ));
                }
            };
            async_run(workload, id, flavour, capacity, messages)
        }
        _ => {
            return fail(format!(
                "workload {workload:?} with {} more argument(s)",
                rest.len()
            ));
        }
    };
    match elapsed {
        Some(elapsed) => {
            println!("{}", elapsed.as_nanos());
            ExitCode::SUCCESS
        }
        None => fail(format!(
            "{id} has no {workload} cell with capacity {}",
            capacity.map_or("unbounded".to_owned(), |c| c.to_string())
        )),
    }
}
