//! The conformance suite: generic checks any implementation runs with one macro call.
//!
//! Modelled on RustCrypto's `digest::new_test!` and `object_store`'s integration module: plain
//! generic functions, plus [`conformance_tests!`](crate::conformance_tests) to stamp out one
//! `#[test]` per check for a concrete implementation. An adapter's whole test file is:
//!
//! ```text
//! chanbench_core::conformance_tests!(chanbench_flume::Flume,
//!     flavors: [bounded, unbounded], extras: [multi_consumer, select, returns_unsent]);
//! ```
//!
//! `flavors` are the constructors the checks run through: `unbounded` runs the core checks on
//! `unbounded()`; `bounded` runs them, plus the capacity checks, on `bounded(4)` and again on
//! `bounded(0)` (rendezvous). `extras` are the remaining capabilities; their checks run under every
//! listed flavor. Listing a capability the type lacks does not compile; leaving out one it has
//! fails the generated `capabilities_match_type_system` test. So the list cannot drift from the
//! type.
//!
//! Every check runs in its own thread under a watchdog ([`run`]): an implementation that
//! deadlocks fails with a message instead of hanging `cargo test`. No check relies on sleeping or
//! on timing to pass; the only clocks are the watchdog, which only turns a hang into a failure,
//! and `recv_timeout`'s own deadline.

use std::{
    any::Any,
    fmt::Debug,
    panic::{self, AssertUnwindSafe},
    sync::{
        Arc,
        atomic::{AtomicU8, Ordering},
        mpsc,
    },
    thread,
    time::{Duration, Instant},
};

use crate::{
    Bounded, Channel, Make, MultiConsumer, Receiver, RecvError, RecvTimeoutError, ReturnsUnsent,
    Select, Sender, TryRecvError, TrySendError,
};

/// Messages per stream in the ordering checks (scaled down under Miri, like crossbeam's tests).
pub const COUNT: usize = if cfg!(miri) { 50 } else { 25_000 };
/// Messages per producer in the MPMC stress check.
pub const MPMC_PER_PRODUCER: usize = if cfg!(miri) { 20 } else { 100_000 };
/// Producers in the MPSC and MPMC checks.
pub const PRODUCERS: usize = 4;
/// Consumers in the MPMC check.
pub const CONSUMERS: usize = 4;
/// Messages per payload kind in the payload check (large payloads are 4 KiB each).
pub const PAYLOAD_COUNT: usize = if cfg!(miri) { 10 } else { 2_000 };
/// How long a check may run before the watchdog calls it hung. Generous: it only ever turns a
/// hang into a failure, it never decides a pass.
pub const HANG_LIMIT: Duration = Duration::from_secs(120);

/// A message tagged with its producer (or source) and its sequence number there.
type Tagged = (usize, usize);

// ---------------------------------------------------------------------------------------------
// Running checks.

/// Runs one check in its own thread under the [`HANG_LIMIT`] watchdog, re-raising its panic.
pub fn run(name: &str, check: impl FnOnce() + Send + 'static) {
    spawn_watched(name, check).join();
}

/// A check that failed, with its panic message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The check's path, e.g. `unbounded::fifo_single_producer`.
    pub check: String,
    /// What it reported.
    pub message: String,
}

/// A named check, as listed by [`conformance_checks!`](crate::conformance_checks).
pub type NamedCheck = (String, Box<dyn FnOnce() + Send>);

/// Runs every check, each under the watchdog, and returns the ones that failed. This is how the
/// suite is shown to reject broken implementations without failing the test run itself.
pub fn run_checks(checks: Vec<NamedCheck>) -> Vec<Failure> {
    checks
        .into_iter()
        .filter_map(|(name, check)| {
            panic::catch_unwind(AssertUnwindSafe(|| run(&name, check)))
                .err()
                .map(|payload| Failure {
                    check: name,
                    message: panic_message(&*payload),
                })
        })
        .collect()
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panicked with a non-string payload".to_owned()
    }
}

/// A thread whose end is awaited with a time limit, so a deadlock becomes a failure.
struct Watched<T> {
    name: String,
    done: mpsc::Receiver<thread::Result<T>>,
}

fn spawn_watched<T: Send + 'static>(
    name: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> Watched<T> {
    let (tx, done) = mpsc::sync_channel(1);
    thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            let result = panic::catch_unwind(AssertUnwindSafe(f));
            // The watcher may have given up already; then nobody needs the result.
            let _ = tx.send(result);
        })
        .expect("failed to spawn a conformance thread");
    Watched {
        name: name.to_owned(),
        done,
    }
}

impl<T> Watched<T> {
    fn join(self) -> T {
        match self.done.recv_timeout(HANG_LIMIT) {
            Ok(Ok(value)) => value,
            Ok(Err(payload)) => panic::resume_unwind(payload),
            Err(_) => panic!(
                "`{}` did not finish within {HANG_LIMIT:?}: a blocked send or recv was never woken",
                self.name
            ),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Payloads.

/// A message kind the payload check sends: built from its index, compared on arrival.
pub trait Payload: Send + PartialEq + Debug + 'static {
    /// The kind's name, for failure messages.
    const KIND: &'static str;
    /// The `i`-th message.
    fn make(i: usize) -> Self;
}

impl Payload for () {
    const KIND: &'static str = "zero-sized ()";
    fn make(_: usize) -> Self {}
}

impl Payload for u64 {
    const KIND: &'static str = "u64";
    fn make(i: usize) -> Self {
        i as u64
    }
}

impl Payload for Box<u64> {
    const KIND: &'static str = "Box<u64>";
    fn make(i: usize) -> Self {
        Box::new(i as u64)
    }
}

impl Payload for String {
    const KIND: &'static str = "String";
    fn make(i: usize) -> Self {
        format!("message number {i}")
    }
}

/// Bytes in [`Large`].
pub const LARGE_BYTES: usize = 4096;

/// A large inline array, moved by value through the channel.
#[derive(PartialEq, Eq)]
pub struct Large(pub [u8; LARGE_BYTES]);

impl Debug for Large {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Large([{}, {}, .. {}])",
            self.0[0],
            self.0[1],
            self.0[LARGE_BYTES - 1]
        )
    }
}

impl Payload for Large {
    const KIND: &'static str = "[u8; 4096]";
    fn make(i: usize) -> Self {
        let mut bytes = [0u8; LARGE_BYTES];
        for (j, b) in bytes.iter_mut().enumerate() {
            *b = (i.wrapping_mul(31).wrapping_add(j)) as u8;
        }
        Large(bytes)
    }
}

/// Counts how often each message is dropped, to prove every message is dropped exactly once.
struct DropTally {
    drops: Arc<[AtomicU8]>,
}

/// A message that records its drop in a [`DropTally`].
struct Counted {
    id: usize,
    drops: Arc<[AtomicU8]>,
}

impl DropTally {
    fn new(n: usize) -> Self {
        Self {
            drops: (0..n).map(|_| AtomicU8::new(0)).collect(),
        }
    }

    fn message(&self, id: usize) -> Counted {
        Counted {
            id,
            drops: Arc::clone(&self.drops),
        }
    }

    fn assert_each_dropped_once(&self, what: &str) {
        for (id, count) in self.drops.iter().enumerate() {
            let count = count.load(Ordering::SeqCst);
            assert_eq!(
                count, 1,
                "{what}: message {id} was dropped {count} times, expected exactly once"
            );
        }
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.drops[self.id].fetch_add(1, Ordering::SeqCst);
    }
}

/// Starts [`PRODUCERS`] threads, producer `p` sending `(p, 0)`, `(p, 1)`, ... `(p, per_producer - 1)`.
/// Consumes `tx`, so the channel disconnects once they are done.
fn spawn_producers<C: Channel>(
    check: &'static str,
    tx: Sender<C, Tagged>,
    per_producer: usize,
) -> Vec<Watched<()>> {
    (0..PRODUCERS)
        .map(|p| {
            let tx = tx.clone();
            spawn_watched(&format!("producer {p}"), move || {
                for seq in 0..per_producer {
                    tx.send((p, seq))
                        .unwrap_or_else(|e| panic!("{check}: send failed: {e}"));
                }
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Core checks: every implementation, under every flavor it has.

/// One producer's messages arrive in the order sent, none lost or duplicated, then disconnection.
pub fn fifo_single_producer<C: Channel, M: Make<C>>(m: M) {
    let (tx, rx) = m.make::<u64>();
    let producer = spawn_watched("producer", move || {
        for i in 0..COUNT as u64 {
            tx.send(i)
                .expect("fifo_single_producer: send failed while the receiver was alive");
        }
    });
    let mut expected = 0u64;
    while let Ok(v) = rx.recv() {
        assert_eq!(
            v, expected,
            "fifo_single_producer: expected message {expected}, got {v}"
        );
        expected += 1;
    }
    producer.join();
    assert_eq!(
        expected, COUNT as u64,
        "fifo_single_producer: {COUNT} messages sent, {expected} received before disconnection"
    );
}

/// Several producers: each producer's messages arrive in its order, all of them exactly once.
pub fn mpsc_per_producer_fifo<C: Channel, M: Make<C>>(m: M) {
    let (tx, rx) = m.make::<Tagged>();
    let producers = spawn_producers("mpsc_per_producer_fifo", tx, COUNT);
    let mut next = [0usize; PRODUCERS];
    while let Ok((p, seq)) = rx.recv() {
        assert_eq!(
            seq, next[p],
            "mpsc_per_producer_fifo: producer {p} sent {} next, but {seq} arrived",
            next[p]
        );
        next[p] += 1;
    }
    producers.into_iter().for_each(Watched::join);
    for (p, n) in next.iter().enumerate() {
        assert_eq!(
            *n, COUNT,
            "mpsc_per_producer_fifo: producer {p} sent {COUNT}, {n} arrived"
        );
    }
}

/// Every payload kind (zero-sized, `u64`, `Box`, `String`, a 4 KiB array) arrives intact.
pub fn payload_kinds<C: Channel, M: Make<C>>(m: M) {
    fn one_kind<C: Channel, M: Make<C>, P: Payload>(m: M) {
        let (tx, rx) = m.make::<P>();
        let producer = spawn_watched(P::KIND, move || {
            for i in 0..PAYLOAD_COUNT {
                tx.send(P::make(i)).expect("payload_kinds: send failed");
            }
        });
        let mut i = 0;
        while let Ok(v) = rx.recv() {
            assert!(
                v == P::make(i),
                "payload_kinds: {} message {i} arrived as {v:?}",
                P::KIND
            );
            i += 1;
        }
        producer.join();
        assert_eq!(
            i,
            PAYLOAD_COUNT,
            "payload_kinds: {} sent {PAYLOAD_COUNT}, got {i}",
            P::KIND
        );
    }
    one_kind::<C, M, ()>(m);
    one_kind::<C, M, u64>(m);
    one_kind::<C, M, Box<u64>>(m);
    one_kind::<C, M, String>(m);
    one_kind::<C, M, Large>(m);
}

/// Messages queued when every sender drops are still delivered, then every receive method
/// reports disconnection (and does not block).
pub fn pending_delivered_after_senders_drop<C: Channel, M: Make<C>>(m: M) {
    let (tx, rx) = m.make::<u64>();
    let pending = m.capacity().unwrap_or(8).min(8) as u64;
    let tx2 = tx.clone();
    for i in 0..pending {
        tx.send(i)
            .expect("pending_delivered_after_senders_drop: send failed");
    }
    drop((tx, tx2));
    for i in 0..pending {
        assert_eq!(
            rx.recv(),
            Ok(i),
            "pending_delivered_after_senders_drop: queued message {i} was not delivered"
        );
    }
    assert_eq!(
        rx.recv(),
        Err(RecvError),
        "pending_delivered_after_senders_drop: recv"
    );
    assert_eq!(
        rx.try_recv(),
        Err(TryRecvError::Disconnected),
        "pending_delivered_after_senders_drop: try_recv"
    );
    assert_eq!(
        rx.recv_timeout(HANG_LIMIT * 2),
        Err(RecvTimeoutError::Disconnected),
        "pending_delivered_after_senders_drop: recv_timeout"
    );
}

/// Sending after every receiver dropped fails, `try_send` says disconnected (not full) and hands
/// the message back, and each failed message is dropped exactly once.
pub fn send_after_receiver_drop_fails<C: Channel, M: Make<C>>(m: M) {
    let tally = DropTally::new(2);
    let (tx, rx) = m.make::<Counted>();
    drop(rx);
    assert!(
        tx.send(tally.message(0)).is_err(),
        "send_after_receiver_drop_fails: send succeeded with no receiver"
    );
    match tx.try_send(tally.message(1)) {
        Err(TrySendError::Disconnected(msg)) => assert_eq!(msg.id, 1),
        Err(TrySendError::Full(_)) => {
            panic!("send_after_receiver_drop_fails: try_send said Full, expected Disconnected")
        }
        Ok(()) => panic!("send_after_receiver_drop_fails: try_send succeeded with no receiver"),
    }
    drop(tx);
    tally.assert_each_dropped_once("send_after_receiver_drop_fails");
}

/// A receiver blocked in `recv` is woken when the last sender drops.
pub fn blocked_receiver_woken_by_disconnect<C: Channel, M: Make<C>>(m: M) {
    let (tx, rx) = m.make::<u64>();
    let receiver = spawn_watched("blocked receiver", move || rx.recv());
    drop(tx);
    assert_eq!(
        receiver.join(),
        Err(RecvError),
        "blocked_receiver_woken_by_disconnect"
    );
}

/// `recv_timeout` on an empty, connected channel times out, no earlier than asked.
pub fn recv_timeout_times_out<C: Channel, M: Make<C>>(m: M) {
    let (_tx, rx) = m.make::<u64>();
    let timeout = Duration::from_millis(20);
    let start = Instant::now();
    assert_eq!(
        rx.recv_timeout(timeout),
        Err(RecvTimeoutError::Timeout),
        "recv_timeout_times_out"
    );
    let waited = start.elapsed();
    assert!(
        waited >= timeout,
        "recv_timeout_times_out: returned after {waited:?}, before {timeout:?}"
    );
    assert_eq!(
        rx.try_recv(),
        Err(TryRecvError::Empty),
        "recv_timeout_times_out: try_recv"
    );
}

/// `recv_timeout` with a long timeout returns as soon as a message arrives.
pub fn recv_timeout_returns_on_message<C: Channel, M: Make<C>>(m: M) {
    let (tx, rx) = m.make::<u64>();
    // The timeout exceeds the watchdog's limit: only the message arriving can end the wait in time.
    let receiver = spawn_watched("waiting receiver", move || rx.recv_timeout(HANG_LIMIT * 2));
    tx.send(42)
        .expect("recv_timeout_returns_on_message: send failed");
    assert_eq!(receiver.join(), Ok(42), "recv_timeout_returns_on_message");
}

/// Every message is dropped exactly once: received ones, ones still queued when the channel goes
/// away, and ones whose send failed.
pub fn drops_exactly_once<C: Channel, M: Make<C>>(m: M) {
    let n = if cfg!(miri) { 20 } else { 1_000 };
    let tally = DropTally::new(n);
    let (tx, rx) = m.make::<Counted>();
    let messages: Vec<Counted> = (0..n).map(|i| tally.message(i)).collect();
    let producer = spawn_watched("producer", move || {
        for msg in messages {
            // Once the receiver is gone sends fail; each failed message must still be dropped once.
            let _ = tx.send(msg);
        }
    });
    for _ in 0..n / 2 {
        rx.recv()
            .expect("drops_exactly_once: recv failed while the producer was running");
    }
    drop(rx);
    producer.join();
    tally.assert_each_dropped_once("drops_exactly_once");
}

// ---------------------------------------------------------------------------------------------
// Bounded checks: `bounded` flavors only.

/// `try_send` succeeds exactly `capacity` times on an empty channel, then reports `Full` and
/// hands the message back; one `recv` makes room for exactly one more. Capacity 0 is always full
/// while no receiver waits. Checked at the flavor's capacity and at 1, 2 and 64.
pub fn capacity_try_send_full<C: Bounded, M: Make<C>>(m: M) {
    let flavor_cap = m
        .capacity()
        .expect("capacity_try_send_full runs on bounded flavors");
    for cap in [flavor_cap, 1, 2, 64] {
        let (tx, rx) = crate::bounded::<C, usize>(cap);
        for i in 0..cap {
            assert!(
                tx.try_send(i).is_ok(),
                "capacity_try_send_full: try_send #{i} failed below capacity {cap}"
            );
        }
        match tx.try_send(cap) {
            Err(TrySendError::Full(v)) => {
                assert_eq!(v, cap, "capacity_try_send_full: wrong message")
            }
            other => panic!(
                "capacity_try_send_full: try_send at capacity {cap} gave {other:?}, expected Full"
            ),
        }
        if cap > 0 {
            assert_eq!(rx.recv(), Ok(0), "capacity_try_send_full: first message");
            assert!(
                tx.try_send(cap).is_ok(),
                "capacity_try_send_full: no room after one recv"
            );
            assert!(
                tx.try_send(cap + 1).is_err_and(|e| e.is_full()),
                "capacity_try_send_full: room for two after one recv at capacity {cap}"
            );
        }
    }
}

/// A sender blocked on a full channel is woken when the receiver drops, and its send fails.
pub fn blocked_sender_woken_by_disconnect<C: Bounded, M: Make<C>>(m: M) {
    let (tx, rx) = m.make::<u64>();
    for i in 0..m.capacity().unwrap_or(0) as u64 {
        tx.try_send(i)
            .expect("blocked_sender_woken_by_disconnect: filling to capacity failed");
    }
    let sender = spawn_watched("blocked sender", move || tx.send(99).is_err());
    drop(rx);
    assert!(
        sender.join(),
        "blocked_sender_woken_by_disconnect: send succeeded after receiver drop"
    );
}

/// Capacity 0: a `send` completes by handing the message to a waiting receiver, and nothing is
/// left buffered afterwards.
pub fn rendezvous_handoff<C: Bounded, M: Make<C>>(m: M) {
    assert_eq!(
        m.capacity(),
        Some(0),
        "rendezvous_handoff runs on the capacity-0 flavor"
    );
    let (tx, rx) = m.make::<u64>();
    assert!(
        tx.try_send(0).is_err_and(|e| e.is_full()),
        "rendezvous_handoff: buffered a message"
    );
    let receiver = spawn_watched("receiver", move || {
        let got = rx.recv();
        (got, rx)
    });
    tx.send(1)
        .expect("rendezvous_handoff: send failed with a receiver waiting");
    let (got, rx) = receiver.join();
    assert_eq!(
        got,
        Ok(1),
        "rendezvous_handoff: the receiver did not get the message"
    );
    assert!(
        tx.try_send(2).is_err_and(|e| e.is_full()),
        "rendezvous_handoff: buffered a message"
    );
    drop(rx);
}

// ---------------------------------------------------------------------------------------------
// Extras.

/// `multi_consumer`: 4 producers x 4 consumers: each message is received exactly once, and each
/// consumer sees each producer's messages in the order sent.
pub fn mpmc_no_loss_no_duplicates<C: MultiConsumer, M: Make<C>>(m: M) {
    let (tx, rx) = m.make::<Tagged>();
    let producers = spawn_producers("mpmc_no_loss_no_duplicates", tx, MPMC_PER_PRODUCER);
    let consumers: Vec<_> = (0..CONSUMERS)
        .map(|c| {
            let rx = rx.clone();
            spawn_watched(&format!("consumer {c}"), move || {
                let mut got = Vec::new();
                let mut last = [None::<usize>; PRODUCERS];
                while let Ok((p, seq)) = rx.recv() {
                    assert!(
                        last[p].is_none_or(|l| seq > l),
                        "mpmc_no_loss_no_duplicates: consumer {c} got producer {p}'s {seq} after {:?}",
                        last[p]
                    );
                    last[p] = Some(seq);
                    got.push((p, seq));
                }
                got
            })
        })
        .collect();
    drop(rx);
    producers.into_iter().for_each(Watched::join);
    let mut seen = vec![vec![0u8; MPMC_PER_PRODUCER]; PRODUCERS];
    for (p, seq) in consumers.into_iter().flat_map(Watched::join) {
        seen[p][seq] += 1;
    }
    for (p, counts) in seen.iter().enumerate() {
        for (seq, &n) in counts.iter().enumerate() {
            assert_eq!(
                n, 1,
                "mpmc_no_loss_no_duplicates: producer {p}'s message {seq} received {n} times"
            );
        }
    }
}

/// `multi_consumer`: every blocked clone of a receiver is woken when the last sender drops.
pub fn mpmc_blocked_receivers_woken_by_disconnect<C: MultiConsumer, M: Make<C>>(m: M) {
    let (tx, rx) = m.make::<u64>();
    let receivers: Vec<_> = (0..CONSUMERS)
        .map(|c| {
            let rx = rx.clone();
            spawn_watched(&format!("receiver {c}"), move || rx.recv())
        })
        .collect();
    drop((tx, rx));
    for (c, r) in receivers.into_iter().enumerate() {
        assert_eq!(
            r.join(),
            Err(RecvError),
            "mpmc_blocked_receivers_woken_by_disconnect: receiver {c}"
        );
    }
}

/// `select`: one thread selecting over 4 sources receives every message of each, in order, with
/// the right index, and sees each source's disconnection.
pub fn select_receives_from_every_source<C: Select, M: Make<C>>(m: M) {
    const SOURCES: usize = 4;
    let (mut receivers, producers): (Vec<Receiver<C, Tagged>>, Vec<_>) = (0..SOURCES)
        .map(|s| {
            let (tx, rx) = m.make::<Tagged>();
            let producer = spawn_watched(&format!("source {s}"), move || {
                for seq in 0..COUNT / 4 {
                    tx.send((s, seq))
                        .expect("select_receives_from_every_source: send failed");
                }
            });
            (rx, producer)
        })
        .unzip();
    // `sources[i]` is the source behind `receivers[i]`; both shrink as sources disconnect.
    let mut sources: Vec<usize> = (0..SOURCES).collect();
    let mut next = [0usize; SOURCES];
    while !receivers.is_empty() {
        let (i, got) = crate::select(&receivers);
        let source = sources[i];
        match got {
            Ok((s, seq)) => {
                assert_eq!(
                    s, source,
                    "select_receives_from_every_source: index {i} is source {source}, message from {s}"
                );
                assert_eq!(
                    seq, next[s],
                    "select_receives_from_every_source: source {s} out of order"
                );
                next[s] += 1;
            }
            Err(RecvError) => {
                receivers.remove(i);
                sources.remove(i);
            }
        }
    }
    producers.into_iter().for_each(Watched::join);
    for (s, n) in next.iter().enumerate() {
        assert_eq!(
            *n,
            COUNT / 4,
            "select_receives_from_every_source: source {s} delivered {n}"
        );
    }
}

/// `returns_unsent`: a `send` that fails because the receiver is gone returns the message.
pub fn unsent_message_returned<C: ReturnsUnsent, M: Make<C>>(m: M) {
    let (tx, rx) = m.make::<String>();
    drop(rx);
    let err = tx
        .send("kept".to_owned())
        .expect_err("unsent_message_returned: send succeeded");
    assert_eq!(
        err.into_inner().as_deref(),
        Some("kept"),
        "unsent_message_returned"
    );
}

// ---------------------------------------------------------------------------------------------
// The macros. One table (`__conformance_flavor!` and `__conformance_group!`) lists the checks;
// `$mode` decides whether they become `#[test]` functions (`tests`) or list entries (`(list v)`).

/// Stamps out one `#[test]` per conformance check for an implementation; see the
/// [module docs](crate::conformance). Needs the `conformance` feature of `chanbench-core`.
#[macro_export]
macro_rules! conformance_tests {
    ($chan:ty, flavors: [$($flavor:ident),* $(,)?], extras: $extras:tt $(,)?) => {
        mod conformance {
            #[allow(unused_imports)]
            use super::*;
            $( $crate::__conformance_flavor!(tests; $chan; $flavor; $extras); )*

            #[test]
            fn capabilities_match_type_system() {
                let listed = $crate::__conformance_listed!([$($flavor),*], $extras);
                let actual = $crate::capabilities!($chan);
                assert_eq!(
                    listed, actual,
                    "the capabilities listed in conformance_tests! differ from the traits {} implements",
                    stringify!($chan)
                );
            }
        }
    };
}

/// The same checks as [`conformance_tests!`](crate::conformance_tests), as a list of
/// `(name, check)` for [`run_checks`](crate::conformance::run_checks).
#[macro_export]
macro_rules! conformance_checks {
    ($chan:ty, flavors: [$($flavor:ident),* $(,)?], extras: $extras:tt $(,)?) => {{
        let mut checks: ::std::vec::Vec<$crate::conformance::NamedCheck> = ::std::vec::Vec::new();
        $( $crate::__conformance_flavor!((list checks); $chan; $flavor; $extras); )*
        checks
    }};
}

#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_listed {
    ([$($flavor:ident),*], [$($extra:ident),* $(,)?]) => {{
        let mut caps = $crate::Capabilities::default();
        $( caps.$flavor = true; )*
        $( caps.$extra = true; )*
        caps
    }};
}

#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_flavor {
    ($mode:tt; $chan:ty; unbounded; $extras:tt) => {
        $crate::__conformance_module!($mode; unbounded; $chan; $crate::Unbound;
            [core]; $extras);
    };
    ($mode:tt; $chan:ty; bounded; $extras:tt) => {
        $crate::__conformance_module!($mode; bounded; $chan; $crate::Cap(4);
            [core, bounded]; $extras);
        $crate::__conformance_module!($mode; rendezvous; $chan; $crate::Cap(0);
            [core, bounded, rendezvous]; $extras);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_module {
    (tests; $module:ident; $chan:ty; $make:expr; [$($group:ident),*]; [$($extra:ident),* $(,)?]) => {
        mod $module {
            #[allow(unused_imports)]
            use super::*;
            $( $crate::__conformance_group!(tests; ""; $chan; $make; $group); )*
            $( $crate::__conformance_group!(tests; ""; $chan; $make; $extra); )*
        }
    };
    ((list $v:ident); $module:ident; $chan:ty; $make:expr; [$($group:ident),*]; [$($extra:ident),* $(,)?]) => {
        $( $crate::__conformance_group!((list $v); stringify!($module); $chan; $make; $group); )*
        $( $crate::__conformance_group!((list $v); stringify!($module); $chan; $make; $extra); )*
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_group {
    ($mode:tt; $prefix:expr; $chan:ty; $make:expr; core) => {
        $crate::__conformance_stamp!($mode; $prefix; $chan; $make;
            fifo_single_producer, mpsc_per_producer_fifo, payload_kinds,
            pending_delivered_after_senders_drop, send_after_receiver_drop_fails,
            blocked_receiver_woken_by_disconnect, recv_timeout_times_out,
            recv_timeout_returns_on_message, drops_exactly_once);
    };
    ($mode:tt; $prefix:expr; $chan:ty; $make:expr; bounded) => {
        $crate::__conformance_stamp!($mode; $prefix; $chan; $make;
            capacity_try_send_full, blocked_sender_woken_by_disconnect);
    };
    ($mode:tt; $prefix:expr; $chan:ty; $make:expr; rendezvous) => {
        $crate::__conformance_stamp!($mode; $prefix; $chan; $make; rendezvous_handoff);
    };
    ($mode:tt; $prefix:expr; $chan:ty; $make:expr; multi_consumer) => {
        $crate::__conformance_stamp!($mode; $prefix; $chan; $make;
            mpmc_no_loss_no_duplicates, mpmc_blocked_receivers_woken_by_disconnect);
    };
    ($mode:tt; $prefix:expr; $chan:ty; $make:expr; select) => {
        $crate::__conformance_stamp!($mode; $prefix; $chan; $make; select_receives_from_every_source);
    };
    ($mode:tt; $prefix:expr; $chan:ty; $make:expr; returns_unsent) => {
        $crate::__conformance_stamp!($mode; $prefix; $chan; $make; unsent_message_returned);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_stamp {
    (tests; $prefix:expr; $chan:ty; $make:expr; $($check:ident),*) => {$(
        #[test]
        fn $check() {
            $crate::conformance::run(
                concat!(module_path!(), "::", stringify!($check)),
                || $crate::conformance::$check::<$chan, _>($make),
            );
        }
    )*};
    ((list $v:ident); $prefix:expr; $chan:ty; $make:expr; $($check:ident),*) => {$(
        $v.push((
            ::std::format!("{}::{}", $prefix, stringify!($check)),
            ::std::boxed::Box::new(|| $crate::conformance::$check::<$chan, _>($make)),
        ));
    )*};
}
