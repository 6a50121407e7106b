//! The conformance suite must be able to fail: broken implementations are rejected by name.
//!
//! Each fixture is `std::sync::mpsc` with one deliberate defect. A correct control built the same
//! way passes every check, so a rejection is the defect's doing, not the harness's.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
        mpsc,
    },
    time::Duration,
};

use chanbench_core::{
    Bounded, Channel, Library, RecvError, RecvTimeoutError, Rendezvous, SendError, TryRecvError,
    TrySendError, Unbounded,
    conformance::{NamedCheck, run_checks, run_expecting},
    conformance_checks,
};

const FIXTURE: Library = Library {
    name: "test fixture",
    version: "0",
};

/// Correct: std's unbounded channel, unchanged. The control.
struct Control;

/// Reorders: whenever two messages are queued, the receiver hands out the second one first.
struct Reorders;

/// Loses: every 1000th message sent is silently dropped.
struct Loses;

/// Ignores capacity: `bounded(cap)` returns an unbounded channel.
struct IgnoresCapacity;

/// The receiving half of [`Reorders`]: a message held back while its successor goes first.
struct Swapping<T> {
    rx: mpsc::Receiver<T>,
    held: Mutex<Option<T>>,
}

impl<T> Swapping<T> {
    fn swap_with_next(&self, first: T) -> T {
        match self.rx.try_recv() {
            Ok(second) => {
                *self.held.lock().unwrap() = Some(first);
                second
            }
            Err(_) => first,
        }
    }

    fn take_held(&self) -> Option<T> {
        self.held.lock().unwrap().take()
    }
}

/// The sending half of [`Loses`]: counts sends across clones.
struct Leaky<T> {
    tx: mpsc::Sender<T>,
    sent: Arc<AtomicUsize>,
}

impl<T> Clone for Leaky<T> {
    fn clone(&self) -> Self {
        Self {
            tx: self.tx.clone(),
            sent: Arc::clone(&self.sent),
        }
    }
}

/// The operations [`Control`], [`Loses`] and [`IgnoresCapacity`] take unchanged from std.
macro_rules! std_receiving {
    () => {
        type RawReceiver<T: Send + 'static> = mpsc::Receiver<T>;
        fn recv<T: Send + 'static>(rx: &mpsc::Receiver<T>) -> Result<T, RecvError> {
            rx.recv().map_err(Into::into)
        }
        fn try_recv<T: Send + 'static>(rx: &mpsc::Receiver<T>) -> Result<T, TryRecvError> {
            rx.try_recv().map_err(Into::into)
        }
        fn recv_timeout<T: Send + 'static>(
            rx: &mpsc::Receiver<T>,
            timeout: Duration,
        ) -> Result<T, RecvTimeoutError> {
            rx.recv_timeout(timeout).map_err(Into::into)
        }
    };
}

macro_rules! std_sending {
    () => {
        type RawSender<T: Send + 'static> = mpsc::Sender<T>;
        fn send<T: Send + 'static>(tx: &mpsc::Sender<T>, msg: T) -> Result<(), SendError<T>> {
            tx.send(msg).map_err(Into::into)
        }
        fn try_send<T: Send + 'static>(
            tx: &mpsc::Sender<T>,
            msg: T,
        ) -> Result<(), TrySendError<T>> {
            tx.send(msg).map_err(|e| TrySendError::Disconnected(e.0))
        }
    };
}

impl Channel for Control {
    const ID: &'static str = "control";
    const NAME: &'static str = "control";
    const LIBRARY: Library = FIXTURE;
    std_sending!();
    std_receiving!();
}

impl Unbounded for Control {
    fn raw_unbounded<T: Send + 'static>() -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        mpsc::channel()
    }
}

impl Channel for Reorders {
    const ID: &'static str = "reorders";
    const NAME: &'static str = "reorders";
    const LIBRARY: Library = FIXTURE;
    std_sending!();
    type RawReceiver<T: Send + 'static> = Swapping<T>;

    fn recv<T: Send + 'static>(rx: &Swapping<T>) -> Result<T, RecvError> {
        match rx.take_held() {
            Some(msg) => Ok(msg),
            None => Ok(rx.swap_with_next(rx.rx.recv()?)),
        }
    }

    fn try_recv<T: Send + 'static>(rx: &Swapping<T>) -> Result<T, TryRecvError> {
        match rx.take_held() {
            Some(msg) => Ok(msg),
            None => Ok(rx.swap_with_next(rx.rx.try_recv()?)),
        }
    }

    fn recv_timeout<T: Send + 'static>(
        rx: &Swapping<T>,
        timeout: Duration,
    ) -> Result<T, RecvTimeoutError> {
        match rx.take_held() {
            Some(msg) => Ok(msg),
            None => Ok(rx.swap_with_next(rx.rx.recv_timeout(timeout)?)),
        }
    }
}

impl Unbounded for Reorders {
    fn raw_unbounded<T: Send + 'static>() -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        let (tx, rx) = mpsc::channel();
        (
            tx,
            Swapping {
                rx,
                held: Mutex::new(None),
            },
        )
    }
}

impl Channel for Loses {
    const ID: &'static str = "loses";
    const NAME: &'static str = "loses";
    const LIBRARY: Library = FIXTURE;
    type RawSender<T: Send + 'static> = Leaky<T>;
    std_receiving!();

    fn send<T: Send + 'static>(tx: &Leaky<T>, msg: T) -> Result<(), SendError<T>> {
        if tx.sent.fetch_add(1, Ordering::Relaxed) % 1000 == 999 {
            return Ok(()); // The defect: claim success, drop the message.
        }
        tx.tx.send(msg).map_err(Into::into)
    }

    fn try_send<T: Send + 'static>(tx: &Leaky<T>, msg: T) -> Result<(), TrySendError<T>> {
        Self::send(tx, msg).map_err(|e| TrySendError::Disconnected(e.into_inner().unwrap()))
    }
}

impl Unbounded for Loses {
    fn raw_unbounded<T: Send + 'static>() -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        let (tx, rx) = mpsc::channel();
        (
            Leaky {
                tx,
                sent: Arc::new(AtomicUsize::new(0)),
            },
            rx,
        )
    }
}

impl Channel for IgnoresCapacity {
    const ID: &'static str = "ignores-capacity";
    const NAME: &'static str = "ignores capacity";
    const LIBRARY: Library = FIXTURE;
    std_sending!();
    std_receiving!();
}

impl Bounded for IgnoresCapacity {
    fn raw_bounded<T: Send + 'static>(_cap: usize) -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        mpsc::channel() // The defect.
    }
}

impl Rendezvous for IgnoresCapacity {}

/// Runs `checks` and asserts that each of `expected` fails, and that some checks pass (a harness
/// that fails everything would reject every fixture too).
fn assert_rejected_by(checks: Vec<NamedCheck>, expected: &[&str]) {
    let total = checks.len();
    let failures = run_checks(checks);
    let failed: Vec<&str> = failures.iter().map(|f| f.check.as_str()).collect();
    eprintln!(
        "{} of {total} checks rejected the fixture: {failed:?}",
        failed.len()
    );
    for name in expected {
        assert!(
            failed.contains(name),
            "expected check {name} to fail; failures: {failures:#?}"
        );
    }
    assert!(
        failed.len() < total,
        "every check failed, the harness itself is suspect: {failures:#?}"
    );
}

#[test]
fn control_passes_every_check() {
    let checks = conformance_checks!(Control, flavors: [unbounded], extras: []);
    assert!(
        checks.len() >= 9,
        "expected the core checks, got {}",
        checks.len()
    );
    let failures = run_checks(checks);
    assert!(
        failures.is_empty(),
        "the correct control failed: {failures:#?}"
    );
}

#[test]
fn reordering_is_rejected() {
    assert_rejected_by(
        conformance_checks!(Reorders, flavors: [unbounded], extras: []),
        &[
            "unbounded::fifo_single_producer",
            "unbounded::mpsc_per_producer_fifo",
        ],
    );
}

#[test]
fn losing_a_message_is_rejected() {
    assert_rejected_by(
        conformance_checks!(Loses, flavors: [unbounded], extras: []),
        &[
            "unbounded::fifo_single_producer",
            "unbounded::mpsc_per_producer_fifo",
        ],
    );
}

#[test]
fn ignoring_capacity_is_rejected() {
    assert_rejected_by(
        conformance_checks!(IgnoresCapacity, flavors: [bounded], extras: [rendezvous]),
        &[
            "bounded::capacity_try_send_full",
            "rendezvous::capacity_try_send_full",
            "rendezvous::rendezvous_handoff",
        ],
    );
}

#[test]
fn a_known_failure_must_fail() {
    // Listed as known and failing: the test passes. Listed as known and passing: it fails, and
    // asks for the entry to be removed.
    run_expecting("fails", true, || panic!("the defect"));
    let fixed = std::panic::catch_unwind(|| run_expecting("passes", true, || {}));
    let message = fixed.expect_err("a known failure that passes was accepted");
    let message = message
        .downcast_ref::<String>()
        .expect("a formatted panic message");
    assert!(message.contains("remove it from the list"), "{message}");
    // Not listed: a failure fails the test.
    assert!(std::panic::catch_unwind(|| run_expecting("fails", false, || panic!("no"))).is_err());
}

#[test]
fn capabilities_are_read_from_the_type_system() {
    let caps = chanbench_core::capabilities!(IgnoresCapacity);
    assert!(caps.bounded && caps.rendezvous && !caps.unbounded && !caps.multi_consumer);
    assert!(!caps.select);
    let caps = chanbench_core::capabilities!(Control);
    assert!(!caps.bounded && caps.unbounded && !caps.returns_unsent);
}

// ---------------------------------------------------------------------------------------------
// The async suite, on fixtures built over tokio's unbounded mpsc the same way.

mod asynchronous {
    use chanbench_core::{
        Library, RecvError, SendError, TryRecvError, TrySendError, async_conformance_checks,
        asynchronous::{AsyncChannel, AsyncUnbounded},
        conformance::run_checks,
    };
    use tokio::sync::mpsc;

    use super::{FIXTURE, assert_rejected_by};

    /// Correct: tokio's unbounded channel, unchanged. The control.
    struct AsyncControl;

    /// Loses a message when a `recv` future is dropped: it takes the message, then yields once
    /// before returning it, so a future dropped at that point drops the message with it.
    struct LosesOnCancel;

    /// Reorders: whenever two messages are queued, the receiver hands out the second one first.
    struct AsyncReorders;

    macro_rules! over_tokio {
        ($ty:ty, $rx:ty, $recv:expr, $try_recv:expr, $make_rx:expr) => {
            impl AsyncChannel for $ty {
                const ID: &'static str = "fixture";
                const NAME: &'static str = "fixture";
                const LIBRARY: Library = FIXTURE;
                type RawSender<T: Send + Unpin + 'static> = mpsc::UnboundedSender<T>;
                type RawReceiver<T: Send + Unpin + 'static> = $rx;

                fn send<T: Send + Unpin + 'static>(
                    tx: &mut Self::RawSender<T>,
                    msg: T,
                ) -> impl Future<Output = Result<(), SendError<T>>> + Send {
                    std::future::ready(tx.send(msg).map_err(|e| SendError::returned(e.0)))
                }

                fn try_send<T: Send + Unpin + 'static>(
                    tx: &mut Self::RawSender<T>,
                    msg: T,
                ) -> Result<(), TrySendError<T>> {
                    tx.send(msg).map_err(|e| TrySendError::Disconnected(e.0))
                }

                fn recv<T: Send + Unpin + 'static>(
                    rx: &mut Self::RawReceiver<T>,
                ) -> impl Future<Output = Result<T, RecvError>> + Send {
                    $recv(rx)
                }

                fn try_recv<T: Send + Unpin + 'static>(
                    rx: &mut Self::RawReceiver<T>,
                ) -> Result<T, TryRecvError> {
                    $try_recv(rx)
                }
            }

            impl AsyncUnbounded for $ty {
                fn raw_unbounded<T: Send + Unpin + 'static>()
                -> (Self::RawSender<T>, Self::RawReceiver<T>) {
                    let (tx, rx) = mpsc::unbounded_channel();
                    (tx, $make_rx(rx))
                }
            }
        };
    }

    fn try_recv_error(e: mpsc::error::TryRecvError) -> TryRecvError {
        match e {
            mpsc::error::TryRecvError::Empty => TryRecvError::Empty,
            mpsc::error::TryRecvError::Disconnected => TryRecvError::Disconnected,
        }
    }

    async fn plain<T>(rx: &mut mpsc::UnboundedReceiver<T>) -> Result<T, RecvError> {
        rx.recv().await.ok_or(RecvError)
    }

    async fn take_then_yield<T>(rx: &mut mpsc::UnboundedReceiver<T>) -> Result<T, RecvError> {
        let got = rx.recv().await.ok_or(RecvError);
        tokio::task::yield_now().await; // The defect: a drop here loses `got`.
        got
    }

    /// The receiver and a message held back.
    type Holding<T> = (mpsc::UnboundedReceiver<T>, Option<T>);

    async fn swapping<T>(rx: &mut Holding<T>) -> Result<T, RecvError> {
        if let Some(held) = rx.1.take() {
            return Ok(held);
        }
        let first = rx.0.recv().await.ok_or(RecvError)?;
        match rx.0.try_recv() {
            // The defect: the second message overtakes the first.
            Ok(second) => {
                rx.1 = Some(first);
                Ok(second)
            }
            Err(_) => Ok(first),
        }
    }

    fn swapping_try<T>(rx: &mut Holding<T>) -> Result<T, TryRecvError> {
        match rx.1.take() {
            Some(held) => Ok(held),
            None => rx.0.try_recv().map_err(try_recv_error),
        }
    }

    over_tokio!(
        AsyncControl,
        mpsc::UnboundedReceiver<T>,
        plain,
        |rx: &mut mpsc::UnboundedReceiver<T>| rx.try_recv().map_err(try_recv_error),
        |rx| rx
    );
    over_tokio!(
        LosesOnCancel,
        mpsc::UnboundedReceiver<T>,
        take_then_yield,
        |rx: &mut mpsc::UnboundedReceiver<T>| rx.try_recv().map_err(try_recv_error),
        |rx| rx
    );
    over_tokio!(AsyncReorders, Holding<T>, swapping, swapping_try, |rx| (
        rx, None
    ));

    #[test]
    fn the_async_control_passes_every_check_on_both_runtimes() {
        let checks = async_conformance_checks!(AsyncControl, flavors: [unbounded], extras: []);
        assert_eq!(checks.len(), 14, "7 core checks on each runtime flavour");
        let failures = run_checks(checks);
        assert!(
            failures.is_empty(),
            "the correct control failed: {failures:#?}"
        );
    }

    #[test]
    fn losing_a_message_to_a_dropped_recv_is_rejected_by_the_cancellation_check_alone() {
        let checks = async_conformance_checks!(LosesOnCancel, flavors: [unbounded], extras: []);
        let failures = run_checks(checks);
        let failed: Vec<&str> = failures.iter().map(|f| f.check.as_str()).collect();
        assert_eq!(
            failed,
            [
                "CurrentThread::unbounded::recv_cancellation_loses_nothing",
                "MultiThread::unbounded::recv_cancellation_loses_nothing"
            ],
            "{failures:#?}"
        );
        assert!(
            failures[0].message.contains("dropped recv futures"),
            "{failures:#?}"
        );
    }

    #[test]
    fn reordering_is_rejected_by_the_async_fifo_checks() {
        assert_rejected_by(
            async_conformance_checks!(AsyncReorders, flavors: [unbounded], extras: []),
            &[
                "CurrentThread::unbounded::fifo_single_producer",
                "MultiThread::unbounded::fifo_single_producer",
            ],
        );
    }

    #[test]
    fn async_capabilities_are_read_from_the_type_system() {
        let caps = chanbench_core::async_capabilities!(AsyncControl);
        assert!(caps.unbounded && !caps.bounded && !caps.multi_consumer && !caps.bridge);
    }
}

// ---------------------------------------------------------------------------------------------
// The ring checks, on a ring built over a locked `VecDeque`: a correct control, and one that
// overwrites the oldest unread message when full (as ringbuf's `push_overwrite` does on purpose).

mod ring {
    use std::{
        collections::VecDeque,
        sync::{Arc, Mutex},
    };

    use chanbench_core::{conformance::run_checks, ring_conformance_checks, shapes::ring::Ring};

    use super::{FIXTURE, assert_rejected_by};

    type Shared<T> = Arc<Mutex<(VecDeque<T>, usize)>>;

    fn shared<T>(capacity: usize) -> (Shared<T>, Shared<T>) {
        let ring = Arc::new(Mutex::new((VecDeque::with_capacity(capacity), capacity)));
        (ring.clone(), ring)
    }

    fn pop<T>(ring: &mut Shared<T>) -> Option<T> {
        ring.lock().unwrap().0.pop_front()
    }

    struct Control;
    impl Ring for Control {
        const ID: &'static str = "control-ring";
        const NAME: &'static str = "control ring";
        const LIBRARY: chanbench_core::Library = FIXTURE;
        type RawProducer<T: Send + 'static> = Shared<T>;
        type RawConsumer<T: Send + 'static> = Shared<T>;
        fn raw_ring<T: Send + 'static>(capacity: usize) -> (Shared<T>, Shared<T>) {
            shared(capacity)
        }
        fn push<T: Send + 'static>(p: &mut Shared<T>, msg: T) -> Result<(), T> {
            let mut ring = p.lock().unwrap();
            if ring.0.len() == ring.1 {
                return Err(msg);
            }
            ring.0.push_back(msg);
            Ok(())
        }
        fn pop<T: Send + 'static>(c: &mut Shared<T>) -> Option<T> {
            pop(c)
        }
    }

    struct Overwrites;
    impl Ring for Overwrites {
        const ID: &'static str = "overwrites";
        const NAME: &'static str = "overwrites unread";
        const LIBRARY: chanbench_core::Library = FIXTURE;
        type RawProducer<T: Send + 'static> = Shared<T>;
        type RawConsumer<T: Send + 'static> = Shared<T>;
        fn raw_ring<T: Send + 'static>(capacity: usize) -> (Shared<T>, Shared<T>) {
            shared(capacity)
        }
        fn push<T: Send + 'static>(p: &mut Shared<T>, msg: T) -> Result<(), T> {
            let mut ring = p.lock().unwrap();
            if ring.0.len() == ring.1 {
                ring.0.pop_front(); // The defect: the oldest unread message is lost.
            }
            ring.0.push_back(msg);
            Ok(())
        }
        fn pop<T: Send + 'static>(c: &mut Shared<T>) -> Option<T> {
            pop(c)
        }
    }

    #[test]
    fn the_control_ring_passes_every_check() {
        let checks = ring_conformance_checks!(Control);
        assert_eq!(checks.len(), 4);
        let failures = run_checks(checks);
        assert!(failures.is_empty(), "{failures:#?}");
    }

    #[test]
    fn a_ring_that_overwrites_an_unread_slot_is_rejected() {
        assert_rejected_by(
            ring_conformance_checks!(Overwrites),
            &[
                "ring_full_hands_back_and_keeps_the_unread",
                "ring_two_threads_in_order",
            ],
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The oneshot checks: a correct control over tokio's oneshot, and one whose oneshots all share
// one queue (a slot reused before it is spent), so a spent receiver gives a second message.

mod oneshot {
    use std::{
        any::Any,
        sync::{Arc, Mutex, mpsc},
    };

    use chanbench_core::{
        RecvError, TryRecvError, conformance::run_checks, oneshot_conformance_checks,
        shapes::oneshot::Oneshot,
    };

    use super::{FIXTURE, assert_rejected_by};

    struct Control;
    impl Oneshot for Control {
        const ID: &'static str = "control-oneshot";
        const NAME: &'static str = "control oneshot";
        const LIBRARY: chanbench_core::Library = FIXTURE;
        type RawSender<T: Send + Unpin + 'static> = tokio::sync::oneshot::Sender<T>;
        type RawReceiver<T: Send + Unpin + 'static> = tokio::sync::oneshot::Receiver<T>;
        fn raw_oneshot<T: Send + Unpin + 'static>() -> (Self::RawSender<T>, Self::RawReceiver<T>) {
            tokio::sync::oneshot::channel()
        }
        fn send<T: Send + Unpin + 'static>(tx: Self::RawSender<T>, msg: T) -> Result<(), T> {
            tx.send(msg)
        }
        async fn recv<T: Send + Unpin + 'static>(rx: Self::RawReceiver<T>) -> Result<T, RecvError> {
            rx.await.map_err(|_| RecvError)
        }
        fn try_recv<T: Send + Unpin + 'static>(
            rx: &mut Self::RawReceiver<T>,
        ) -> Result<T, TryRecvError> {
            rx.try_recv().map_err(|e| match e {
                tokio::sync::oneshot::error::TryRecvError::Empty => TryRecvError::Empty,
                tokio::sync::oneshot::error::TryRecvError::Closed => TryRecvError::Disconnected,
            })
        }
    }

    /// One queue per message type, shared by every oneshot of that type.
    type Shared<T> = (mpsc::Sender<T>, Arc<Mutex<mpsc::Receiver<T>>>);
    static POOL: Mutex<Vec<Box<dyn Any + Send>>> = Mutex::new(Vec::new());

    fn shared<T: Send + 'static>() -> Shared<T> {
        let mut pool = POOL.lock().unwrap();
        if let Some((tx, rx)) = pool.iter().find_map(|e| e.downcast_ref::<Shared<T>>()) {
            return (tx.clone(), rx.clone());
        }
        let (tx, rx) = mpsc::channel();
        let rx = Arc::new(Mutex::new(rx));
        pool.push(Box::new((tx.clone(), rx.clone())));
        (tx, rx)
    }

    struct Reuses;
    impl Oneshot for Reuses {
        const ID: &'static str = "reuses";
        const NAME: &'static str = "reuses its slot";
        const LIBRARY: chanbench_core::Library = FIXTURE;
        type RawSender<T: Send + Unpin + 'static> = mpsc::Sender<T>;
        type RawReceiver<T: Send + Unpin + 'static> = Arc<Mutex<mpsc::Receiver<T>>>;
        fn raw_oneshot<T: Send + Unpin + 'static>() -> (Self::RawSender<T>, Self::RawReceiver<T>) {
            shared() // The defect: every oneshot of a type is one queue.
        }
        fn send<T: Send + Unpin + 'static>(tx: Self::RawSender<T>, msg: T) -> Result<(), T> {
            tx.send(msg).map_err(|e| e.0)
        }
        async fn recv<T: Send + Unpin + 'static>(rx: Self::RawReceiver<T>) -> Result<T, RecvError> {
            loop {
                let next = rx.lock().unwrap().try_recv();
                match next {
                    Ok(v) => return Ok(v),
                    Err(mpsc::TryRecvError::Disconnected) => return Err(RecvError),
                    Err(mpsc::TryRecvError::Empty) => tokio::task::yield_now().await,
                }
            }
        }
        fn try_recv<T: Send + Unpin + 'static>(
            rx: &mut Self::RawReceiver<T>,
        ) -> Result<T, TryRecvError> {
            rx.lock().unwrap().try_recv().map_err(|e| match e {
                mpsc::TryRecvError::Empty => TryRecvError::Empty,
                mpsc::TryRecvError::Disconnected => TryRecvError::Disconnected,
            })
        }
    }

    #[test]
    fn the_control_oneshot_passes_every_check() {
        let checks = oneshot_conformance_checks!(Control);
        assert_eq!(checks.len(), 8);
        let failures = run_checks(checks);
        assert!(failures.is_empty(), "{failures:#?}");
    }

    #[test]
    fn a_oneshot_that_delivers_twice_is_rejected() {
        // Its receivers never see their sender go (the shared queue outlives it), so the
        // disconnection check would only hang until the watchdog: it is left out here.
        let checks = oneshot_conformance_checks!(Reuses)
            .into_iter()
            .filter(|(name, _)| !name.ends_with("oneshot_disconnection"))
            .collect();
        assert_rejected_by(
            checks,
            &[
                "CurrentThread::oneshot_delivers_exactly_once",
                "MultiThread::oneshot_delivers_exactly_once",
            ],
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The broadcast checks: a correct control over tokio's broadcast, and one whose later
// subscribers are left out (each gets a channel of its own that nobody sends on).

mod broadcast {
    use chanbench_core::{
        SendError, TrySendError, broadcast_conformance_checks,
        conformance::run_checks,
        shapes::broadcast::{Broadcast, BroadcastRecvError, Lagging},
    };
    use tokio::sync::broadcast;

    use super::{FIXTURE, assert_rejected_by};

    fn recv_error(e: broadcast::error::RecvError) -> BroadcastRecvError {
        match e {
            broadcast::error::RecvError::Closed => BroadcastRecvError::Closed,
            broadcast::error::RecvError::Lagged(n) => BroadcastRecvError::Lagged(n),
        }
    }

    macro_rules! over_tokio {
        ($name:ident, $id:literal, |$tx:ident| $subscribe:expr) => {
            struct $name;
            impl Broadcast for $name {
                const ID: &'static str = $id;
                const NAME: &'static str = $id;
                const LIBRARY: chanbench_core::Library = FIXTURE;
                const LAGGING: Lagging = Lagging::DropsOldest;
                type RawSender<T: Clone + Send + Sync + Unpin + 'static> = broadcast::Sender<T>;
                type RawReceiver<T: Clone + Send + Sync + Unpin + 'static> = broadcast::Receiver<T>;
                fn raw_broadcast<T: Clone + Send + Sync + Unpin + 'static>(
                    capacity: usize,
                ) -> (broadcast::Sender<T>, broadcast::Receiver<T>) {
                    broadcast::channel(capacity)
                }
                fn subscribe<T: Clone + Send + Sync + Unpin + 'static>(
                    $tx: &broadcast::Sender<T>,
                ) -> broadcast::Receiver<T> {
                    $subscribe
                }
                async fn send<T: Clone + Send + Sync + Unpin + 'static>(
                    tx: &broadcast::Sender<T>,
                    msg: T,
                ) -> Result<(), SendError<T>> {
                    tx.send(msg).map(drop).map_err(|e| SendError::returned(e.0))
                }
                fn try_send<T: Clone + Send + Sync + Unpin + 'static>(
                    tx: &broadcast::Sender<T>,
                    msg: T,
                ) -> Result<(), TrySendError<T>> {
                    tx.send(msg)
                        .map(drop)
                        .map_err(|e| TrySendError::Disconnected(e.0))
                }
                async fn recv<T: Clone + Send + Sync + Unpin + 'static>(
                    rx: &mut broadcast::Receiver<T>,
                ) -> Result<T, BroadcastRecvError> {
                    rx.recv().await.map_err(recv_error)
                }
            }
        };
    }

    over_tokio!(Control, "control-broadcast", |tx| tx.subscribe());
    // The defect: a later subscriber's channel is its own, and its sender is dropped at once.
    over_tokio!(SkipsASubscriber, "skips-a-subscriber", |_tx| {
        broadcast::channel(1).1
    });

    #[test]
    fn the_control_broadcast_passes_every_check() {
        let checks = broadcast_conformance_checks!(Control);
        assert_eq!(checks.len(), 8);
        let failures = run_checks(checks);
        assert!(failures.is_empty(), "{failures:#?}");
    }

    #[test]
    fn a_broadcast_that_skips_a_subscriber_is_rejected() {
        assert_rejected_by(
            broadcast_conformance_checks!(SkipsASubscriber),
            &[
                "CurrentThread::broadcast_every_subscriber_gets_every_message",
                "MultiThread::broadcast_subscriber_tasks_account_for_every_message",
                "MultiThread::broadcast_late_subscriber_starts_at_its_subscription",
            ],
        );
    }
}
