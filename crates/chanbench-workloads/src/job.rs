//! A described job's latency run (`cargo xtask choose`): the job's own producers and consumers,
//! its capacity and message, with each message stamped when it is made, just before its send
//! (the matrix's producers send [`Stamped`] like any payload), and its send-to-receipt latency
//! recorded by the consumer that gets it.
//!
//! The timed runs and the cost run send the job's plain message (`workload::mpsc`, `mpmc` and
//! their async twins); this run is separate, after the cost run, so the clock reads it adds (two
//! per message) are in neither the time nor the CPU per message. Its messages are 16 bytes larger
//! than the job's (the `Instant`). The producers go as fast as the channel lets them, so with a
//! bounded channel the latency includes the time a message waits in a full queue: latency under
//! saturation, not at a paced rate.

use std::{
    hint::black_box,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use chanbench_core::{
    Channel, Make, MultiConsumer, Receiver, Sender,
    asynchronous::{AsyncChannel, AsyncMultiConsumer, AsyncReceiver, MakeAsync},
};
use hdrhistogram::Histogram;

use crate::{
    async_workload,
    payload::Payload,
    placement::{Role, Team},
    runtime::{self, AsyncGate, Flavor, Task},
    workload::{self, Measured, latency_histogram, nanos},
};

/// A message with the moment it was made, just before its send.
pub struct Stamped<P> {
    made: Instant,
    payload: P,
}

/// The matrix's producers send it like any payload: `make` builds the job's message, then
/// stamps it.
impl<P: Payload> Payload for Stamped<P> {
    type Source = P::Source;
    fn label() -> String {
        format!("{}-stamped", P::label())
    }
    fn bytes() -> usize {
        P::bytes()
    }
    fn source() -> P::Source {
        P::source()
    }
    #[inline]
    fn make(source: &P::Source, i: u64) -> Self {
        let payload = P::make(source, i);
        Self {
            made: Instant::now(),
            payload,
        }
    }
}

impl<P> Stamped<P> {
    /// Records its latency into `h` and consumes it.
    fn arrived(self, h: &mut Histogram<u64>) {
        h.saturating_record(nanos(self.made.elapsed()));
        black_box(self.payload);
    }
}

/// What a role returns: messages received and, from a consumer, their latencies.
type Received = (u64, Option<Histogram<u64>>);

fn consumer<C: Channel, P: Payload>(rx: Receiver<C, Stamped<P>>) -> Role<Received> {
    Box::new(move || {
        let mut h = latency_histogram();
        let mut received = 0;
        while let Ok(msg) = rx.recv() {
            msg.arrived(&mut h);
            received += 1;
        }
        (received, Some(h))
    })
}

/// The consumers' histograms added into one.
fn added(histograms: impl IntoIterator<Item = Histogram<u64>>) -> Histogram<u64> {
    let mut all = latency_histogram();
    for h in histograms {
        all.add(h).expect("histograms of one shape add");
    }
    all
}

/// What a run measured, after checking that the `received` messages are all `messages`.
fn checked(received: u64, messages: u64, elapsed: Duration, latency: Histogram<u64>) -> Measured {
    assert_eq!(
        received, messages,
        "job latency: {messages} sent, {received} received"
    );
    Measured {
        elapsed,
        messages,
        latency: Some(latency),
    }
}

/// The threads' results merged and checked.
fn merged(results: Vec<Received>, elapsed: Duration, messages: u64) -> Measured {
    let received = results.iter().map(|(n, _)| n).sum();
    checked(
        received,
        messages,
        elapsed,
        added(results.into_iter().filter_map(|(_, h)| h)),
    )
}

/// The matrix's producer roles, sending stamped messages.
fn producers<C: Channel, P: Payload>(
    tx: Sender<C, Stamped<P>>,
    count: usize,
    messages: u64,
) -> Vec<Role<Received>> {
    workload::producers::<C, Stamped<P>>(tx, count, messages)
        .into_iter()
        .map(|role| -> Role<Received> { Box::new(move || (role(), None)) })
        .collect()
}

/// The latency run of a job with one consumer: `producers` threads into one.
pub fn latency_mpsc<C: Channel, M: Make<C>, P: Payload>(
    team: &Team,
    m: M,
    producer_count: usize,
    messages: u64,
) -> Measured {
    let (tx, rx) = m.make::<Stamped<P>>();
    let mut roles = producers::<C, P>(tx, producer_count, messages);
    roles.push(consumer::<C, P>(rx));
    let timed = team.run(roles);
    merged(timed.results, timed.elapsed, messages)
}

/// The latency run of a job with several consumers sharing one receiver.
pub fn latency_mpmc<C: MultiConsumer, M: Make<C>, P: Payload>(
    team: &Team,
    m: M,
    producer_count: usize,
    consumer_count: usize,
    messages: u64,
) -> Measured {
    let (tx, rx) = m.make::<Stamped<P>>();
    let mut roles = producers::<C, P>(tx, producer_count, messages);
    roles.extend((0..consumer_count).map(|_| consumer::<C, P>(rx.clone())));
    drop(rx);
    let timed = team.run(roles);
    merged(timed.results, timed.elapsed, messages)
}

/// The consumers' histograms of an async run, added by each consumer once, at its end.
type Shared = Arc<Mutex<Vec<Histogram<u64>>>>;

fn async_consumer<C: AsyncChannel, P: Payload>(
    gate: &Arc<AsyncGate>,
    mut rx: AsyncReceiver<C, Stamped<P>>,
    out: &Shared,
) -> Task {
    let out = Arc::clone(out);
    gate.task(async move {
        let mut h = latency_histogram();
        let mut received = 0;
        while let Ok(msg) = rx.recv().await {
            msg.arrived(&mut h);
            received += 1;
        }
        out.lock().expect("no consumer panicked holding it").push(h);
        received
    })
}

/// The tasks' results merged and checked.
fn async_merged(timed: runtime::AsyncTimed, out: Shared, messages: u64) -> Measured {
    let histograms = std::mem::take(&mut *out.lock().expect("the run is over"));
    checked(timed.received, messages, timed.elapsed, added(histograms))
}

/// The latency run of an async job with one consumer task.
pub fn async_latency_mpsc<C: AsyncChannel, M: MakeAsync<C>, P: Payload>(
    team: &Team,
    flavor: Flavor,
    m: M,
    producer_count: usize,
    messages: u64,
) -> Measured {
    let (tx, rx) = m.make::<Stamped<P>>();
    let gate = AsyncGate::new(producer_count + 1);
    let out = Shared::default();
    let mut tasks = async_workload::producers::<C, Stamped<P>>(&gate, tx, producer_count, messages);
    tasks.push(async_consumer::<C, P>(&gate, rx, &out));
    async_merged(runtime::run(team, flavor, tasks, None), out, messages)
}

/// The latency run of an async job with several consumer tasks (cloned receivers).
pub fn async_latency_mpmc<C: AsyncMultiConsumer, M: MakeAsync<C>, P: Payload>(
    team: &Team,
    flavor: Flavor,
    m: M,
    producer_count: usize,
    consumer_count: usize,
    messages: u64,
) -> Measured {
    let (tx, rx) = m.make::<Stamped<P>>();
    let gate = AsyncGate::new(producer_count + consumer_count);
    let out = Shared::default();
    let mut tasks = async_workload::producers::<C, Stamped<P>>(&gate, tx, producer_count, messages);
    for _ in 1..consumer_count {
        tasks.push(async_consumer::<C, P>(&gate, rx.clone(), &out));
    }
    tasks.push(async_consumer::<C, P>(&gate, rx, &out));
    async_merged(runtime::run(team, flavor, tasks, None), out, messages)
}
