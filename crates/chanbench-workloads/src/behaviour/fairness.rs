//! The `fairness` family: who gets what under saturation.
//!
//! - **consumers**: producers send a fixed number of messages into one channel that several
//!   consumers share; each consumer counts what it got.
//! - **producers**: producers send until the channel disconnects; one consumer takes a fixed
//!   number, counting each producer's, then drops its receiver. Bounded channels only: an
//!   unbounded one would queue what the consumer never takes.
//! - **sources**: one producer per source channel, each sending until disconnected (always
//!   ready); one thread's native select takes a fixed number, counting each source's.
//!
//! `async-fairness` runs the first two with tasks on a tokio runtime (no async select here).
//!
//! Producers time each send in the cost run (`RECORD`): the longest one is how long a producer
//! was kept waiting. The timed runs read no clocks.

use std::{
    hint::black_box,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Instant,
};

use chanbench_core::{
    Channel, Make, MultiConsumer, Select,
    asynchronous::{AsyncMultiConsumer, AsyncSender, MakeAsync},
    select,
};
use chanbench_schema::Shares;

use crate::{
    placement::{Role, Team},
    runtime::{self, AsyncGate, Flavor, Task},
    workload::{Measured, nanos, split},
};

/// A role's report: its count, and the longest send it timed.
type Counted = (Vec<u64>, u64);

/// What a fairness run measured, and the shares.
#[derive(Debug)]
pub struct Shared {
    /// The roles' time.
    pub measured: Measured,
    /// Messages per consumer, producer or source.
    pub shares: Shares,
}

/// Sends `msg` and, when `RECORD`, keeps the longest send in `longest`; false once disconnected.
#[inline]
fn timed_send<C: Channel, const RECORD: bool>(
    tx: &chanbench_core::Sender<C, usize>,
    msg: usize,
    longest: &mut u64,
) -> bool {
    if RECORD {
        let start = Instant::now();
        let ok = tx.send(msg).is_ok();
        *longest = (*longest).max(nanos(start.elapsed()));
        ok
    } else {
        tx.send(msg).is_ok()
    }
}

/// The producers' longest send, and the counts of the roles that count.
fn gathered(
    results: Vec<Counted>,
    counters: std::ops::Range<usize>,
    elapsed: std::time::Duration,
    messages: u64,
    record: bool,
) -> Shared {
    let longest = results.iter().map(|(_, l)| *l).max().unwrap_or(0);
    let counts: Vec<u64> = results[counters]
        .iter()
        .flat_map(|(c, _)| c.iter().copied())
        .collect();
    let received: u64 = counts.iter().sum();
    assert_eq!(
        received, messages,
        "fairness: {messages} expected, {received} counted"
    );
    Shared {
        measured: Measured {
            elapsed,
            messages,
            latency: None,
        },
        shares: Shares {
            counts,
            longest_send_ns: record.then_some(longest),
        },
    }
}

/// **consumers**: `producers` send `messages` between them; `consumers` share the receiver.
pub fn consumers<C: MultiConsumer, M: Make<C>, const RECORD: bool>(
    team: &Team,
    m: M,
    producers: usize,
    consumers: usize,
    messages: u64,
) -> Shared {
    let (tx, rx) = m.make::<usize>();
    let mut roles: Vec<Role<Counted>> = split(messages, producers)
        .into_iter()
        .map(|n| -> Role<Counted> {
            let tx = tx.clone();
            Box::new(move || {
                let mut longest = 0;
                for i in 0..n {
                    assert!(
                        timed_send::<C, RECORD>(&tx, i as usize, &mut longest),
                        "fairness: the consumers are gone"
                    );
                }
                (Vec::new(), longest)
            })
        })
        .collect();
    drop(tx);
    // The first consumer holds the receiver the channel was made with, the others its clones.
    let clones: Vec<_> = (1..consumers).map(|_| rx.clone()).collect();
    for rx in std::iter::once(rx).chain(clones) {
        roles.push(Box::new(move || {
            let mut got = 0u64;
            while let Ok(msg) = rx.recv() {
                black_box(msg);
                got += 1;
            }
            (vec![got], 0)
        }));
    }
    let timed = team.run(roles);
    gathered(
        timed.results,
        producers..producers + consumers,
        timed.elapsed,
        messages,
        RECORD,
    )
}

/// A producer that sends its id until the channel disconnects.
fn until_disconnected<C: Channel, const RECORD: bool>(
    tx: chanbench_core::Sender<C, usize>,
    id: usize,
) -> Role<Counted> {
    Box::new(move || {
        let mut longest = 0;
        while timed_send::<C, RECORD>(&tx, id, &mut longest) {}
        (Vec::new(), longest)
    })
}

/// **producers**: `producers` send their ids until disconnected; one consumer takes `messages`.
pub fn producers<C: Channel, M: Make<C>, const RECORD: bool>(
    team: &Team,
    m: M,
    producers: usize,
    messages: u64,
) -> Shared {
    let (tx, rx) = m.make::<usize>();
    let mut roles: Vec<Role<Counted>> = (0..producers)
        .map(|id| until_disconnected::<C, RECORD>(tx.clone(), id))
        .collect();
    drop(tx);
    roles.push(Box::new(move || {
        let mut counts = vec![0u64; producers];
        for _ in 0..messages {
            let id = rx.recv().expect("fairness: producers never stop first");
            counts[id] += 1;
        }
        drop(rx);
        (counts, 0)
    }));
    let timed = team.run(roles);
    gathered(
        timed.results,
        producers..producers + 1,
        timed.elapsed,
        messages,
        RECORD,
    )
}

/// **sources**: one producer per source channel, sending until disconnected; native select takes
/// `messages`.
pub fn sources<C: Select, M: Make<C>, const RECORD: bool>(
    team: &Team,
    m: M,
    sources: usize,
    messages: u64,
) -> Shared {
    let (senders, receivers): (Vec<_>, Vec<_>) = (0..sources).map(|_| m.make::<usize>()).unzip();
    let mut roles: Vec<Role<Counted>> = senders
        .into_iter()
        .enumerate()
        .map(|(id, tx)| until_disconnected::<C, RECORD>(tx, id))
        .collect();
    roles.push(Box::new(move || {
        let mut counts = vec![0u64; sources];
        for _ in 0..messages {
            let (index, got) = select(&receivers);
            let id = got.expect("fairness: sources never stop first");
            assert_eq!(id, index, "fairness: a source's message came from another");
            counts[index] += 1;
        }
        drop(receivers);
        (counts, 0)
    }));
    let timed = team.run(roles);
    gathered(
        timed.results,
        sources..sources + 1,
        timed.elapsed,
        messages,
        RECORD,
    )
}

/// What the tasks of an async fairness run report: each counting role's count in its slot, and
/// the longest send.
#[derive(Debug, Default)]
struct Tally {
    counts: Mutex<Vec<u64>>,
    longest: AtomicU64,
}

impl Tally {
    fn new(roles: usize) -> Arc<Self> {
        Arc::new(Self {
            counts: Mutex::new(vec![0; roles]),
            longest: AtomicU64::new(0),
        })
    }

    fn shared(&self, timed: runtime::AsyncTimed, messages: u64, record: bool) -> Shared {
        let counts = std::mem::take(&mut *self.counts.lock().expect("the run is over"));
        let received: u64 = counts.iter().sum();
        assert_eq!(
            received, messages,
            "async fairness: {messages} expected, {received} counted"
        );
        Shared {
            measured: Measured {
                elapsed: timed.elapsed,
                messages,
                latency: None,
            },
            shares: Shares {
                counts,
                longest_send_ns: record.then(|| self.longest.load(Ordering::Relaxed)),
            },
        }
    }
}

/// Sends `msg` from a task and, when `RECORD`, keeps the longest send in `tally`; false once
/// disconnected.
async fn task_send<C: chanbench_core::asynchronous::AsyncChannel, const RECORD: bool>(
    tx: &mut AsyncSender<C, usize>,
    msg: usize,
    tally: &Tally,
) -> bool {
    if RECORD {
        let start = Instant::now();
        let ok = tx.send(msg).await.is_ok();
        tally
            .longest
            .fetch_max(nanos(start.elapsed()), Ordering::Relaxed);
        ok
    } else {
        tx.send(msg).await.is_ok()
    }
}

/// **consumers**, with tasks on `flavor`'s runtime.
pub fn task_consumers<C: AsyncMultiConsumer, M: MakeAsync<C>, const RECORD: bool>(
    team: &Team,
    flavor: Flavor,
    m: M,
    producers: usize,
    consumers: usize,
    messages: u64,
) -> Shared {
    let (tx, rx) = m.make::<usize>();
    let gate = AsyncGate::new(producers + consumers);
    let tally = Tally::new(consumers);
    let mut tasks: Vec<Task> = split(messages, producers)
        .into_iter()
        .map(|n| {
            let (mut tx, tally) = (tx.clone(), Arc::clone(&tally));
            gate.task(async move {
                for i in 0..n {
                    let sent = task_send::<C, RECORD>(&mut tx, i as usize, &tally).await;
                    assert!(sent, "async fairness: the consumers are gone");
                }
                0
            })
        })
        .collect();
    drop(tx);
    let clones: Vec<_> = (1..consumers).map(|_| rx.clone()).collect();
    for (slot, mut rx) in std::iter::once(rx).chain(clones).enumerate() {
        let tally = Arc::clone(&tally);
        tasks.push(gate.task(async move {
            let mut got = 0u64;
            while let Ok(msg) = rx.recv().await {
                black_box(msg);
                got += 1;
            }
            tally.counts.lock().expect("no task panicked holding it")[slot] = got;
            got
        }));
    }
    let timed = runtime::run(team, flavor, tasks, None);
    tally.shared(timed, messages, RECORD)
}

/// **producers**, with tasks on `flavor`'s runtime.
pub fn task_producers<
    C: chanbench_core::asynchronous::AsyncChannel,
    M: MakeAsync<C>,
    const RECORD: bool,
>(
    team: &Team,
    flavor: Flavor,
    m: M,
    producers: usize,
    messages: u64,
) -> Shared {
    let (tx, mut rx) = m.make::<usize>();
    let gate = AsyncGate::new(producers + 1);
    let tally = Tally::new(producers);
    let mut tasks: Vec<Task> = (0..producers)
        .map(|id| {
            let (mut tx, tally) = (tx.clone(), Arc::clone(&tally));
            gate.task(async move {
                while task_send::<C, RECORD>(&mut tx, id, &tally).await {}
                0
            })
        })
        .collect();
    drop(tx);
    let consumer_tally = Arc::clone(&tally);
    tasks.push(gate.task(async move {
        let mut counts = vec![0u64; producers];
        for _ in 0..messages {
            let id = rx
                .recv()
                .await
                .expect("async fairness: producers never stop first");
            counts[id] += 1;
        }
        drop(rx);
        *consumer_tally
            .counts
            .lock()
            .expect("no task panicked holding it") = counts;
        messages
    }));
    let timed = runtime::run(team, flavor, tasks, None);
    tally.shared(timed, messages, RECORD)
}
