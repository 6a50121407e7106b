//! The async conformance suite: generic checks any [`AsyncChannel`] runs with one macro call, on
//! both of tokio's runtime flavours. An adapter's whole test file is:
//!
//! ```text
//! chanbench_core::async_conformance_tests!(chanbench_flume_async::FlumeAsync,
//!     flavors: [bounded, unbounded], extras: [zero_capacity, multi_consumer, bridge]);
//! ```
//!
//! A library with an acknowledged defect lists the failing check after the extras,
//! `known_failures: [recv_cancellation_loses_nothing]`: that test then passes only while the
//! check still fails, so the suite keeps showing the defect and notices its fix.
//!
//! `flavors` are the constructors (`bounded` runs the checks on `async_bounded(4)`, and with
//! `zero_capacity` again on `async_bounded(0)`); `extras` the remaining capabilities. Every check
//! runs once on a `current_thread` runtime and once on a `multi_thread` one (two workers), in
//! its own thread under the sync suite's watchdog, so a lost wake-up fails instead of hanging.
//! Listing a capability the type lacks does not compile; leaving out one it has fails the
//! generated `capabilities_match_type_system` test.
//!
//! Beyond the sync suite's ordering, loss and disconnection checks, this one checks
//! **cancellation safety**: a `recv` future dropped before it completes loses no message, whether
//! the message was queued before the future was polled or arrived while it waited (the
//! `tokio::select!` loop every async server has is exactly that drop).

use std::{
    future::{Future, poll_fn},
    pin::pin,
    task::Poll,
};

use crate::{
    RecvError, TryRecvError, TrySendError,
    asynchronous::{
        AsyncChannel, AsyncMultiConsumer, AsyncReceiver, Bridge, MakeAsync, ZeroCapacity,
    },
    conformance::{CONSUMERS, COUNT, PRODUCERS},
};

/// Messages per producer in the async MPMC check.
pub const MPMC_PER_PRODUCER: usize = if cfg!(miri) { 20 } else { 10_000 };
/// Receive futures dropped in the cancellation check.
pub const CANCELLATIONS: usize = if cfg!(miri) { 20 } else { 2_000 };

pub use crate::conformance::Runtime;
pub use crate::conformance::run_expecting;

/// Polls `fut` once with the task's waker and returns what it gave.
async fn poll_once<F: Future + Unpin>(fut: &mut F) -> Poll<F::Output> {
    poll_fn(|cx| Poll::Ready(std::pin::Pin::new(&mut *fut).poll(cx))).await
}

fn join<T>(r: Result<T, tokio::task::JoinError>, check: &str) -> T {
    match r {
        Ok(v) => v,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => panic!("{check}: a task was cancelled: {e}"),
    }
}

/// Core: one producer task's messages arrive in order, then the receiver sees the disconnection.
pub fn fifo_single_producer<C: AsyncChannel, M: MakeAsync<C>>(m: M, rt: Runtime) {
    rt.block_on(async move {
        let (mut tx, mut rx) = m.make::<usize>();
        let producer = tokio::spawn(async move {
            for i in 0..COUNT {
                tx.send(i)
                    .await
                    .expect("fifo_single_producer: send failed while the receiver lives");
            }
        });
        for i in 0..COUNT {
            assert_eq!(
                rx.recv().await,
                Ok(i),
                "fifo_single_producer: message {i} out of order or missing"
            );
        }
        join(producer.await, "fifo_single_producer");
        assert_eq!(
            rx.recv().await,
            Err(RecvError),
            "fifo_single_producer: no disconnection after the sender dropped"
        );
    });
}

/// Core: several producer tasks, each one's messages in its own order, none lost or repeated.
pub fn mpsc_per_producer_fifo<C: AsyncChannel, M: MakeAsync<C>>(m: M, rt: Runtime) {
    let per = COUNT / PRODUCERS;
    rt.block_on(async move {
        let (tx, mut rx) = m.make::<(usize, usize)>();
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|p| {
                let mut tx = tx.clone();
                tokio::spawn(async move {
                    for seq in 0..per {
                        tx.send((p, seq))
                            .await
                            .expect("mpsc_per_producer_fifo: send");
                    }
                })
            })
            .collect();
        drop(tx);
        let mut next = vec![0usize; PRODUCERS];
        while let Ok((p, seq)) = rx.recv().await {
            assert_eq!(
                seq, next[p],
                "mpsc_per_producer_fifo: producer {p} out of order"
            );
            next[p] += 1;
        }
        for h in producers {
            join(h.await, "mpsc_per_producer_fifo");
        }
        assert!(
            next.iter().all(|n| *n == per),
            "mpsc_per_producer_fifo: delivered {next:?}, expected {per} each"
        );
    });
}

/// Core: messages queued when the last sender drops are still delivered, then the end.
pub fn pending_delivered_after_senders_drop<C: AsyncChannel, M: MakeAsync<C>>(m: M, rt: Runtime) {
    let n = m.capacity().unwrap_or(8).min(8);
    rt.block_on(async move {
        let (mut tx, mut rx) = m.make::<usize>();
        for i in 0..n {
            tx.try_send(i)
                .expect("pending_delivered_after_senders_drop: try_send within capacity");
        }
        drop(tx);
        for i in 0..n {
            assert_eq!(
                rx.recv().await,
                Ok(i),
                "pending_delivered_after_senders_drop: queued message {i} lost"
            );
        }
        assert_eq!(
            rx.recv().await,
            Err(RecvError),
            "pending_delivered_after_senders_drop: no disconnection"
        );
    });
}

/// Core: a `recv` already waiting on an empty channel is woken when the last sender drops.
pub fn pending_recv_woken_by_disconnect<C: AsyncChannel, M: MakeAsync<C>>(m: M, rt: Runtime) {
    rt.block_on(async move {
        let (tx, mut rx) = m.make::<usize>();
        let mut fut = pin!(rx.recv());
        assert!(
            poll_once(&mut fut).await.is_pending(),
            "pending_recv_woken_by_disconnect: recv on an empty channel did not wait"
        );
        // Dropped from another task, so the waiting one must be woken to see it.
        join(
            tokio::spawn(async move { drop(tx) }).await,
            "pending_recv_woken_by_disconnect",
        );
        assert_eq!(
            fut.await,
            Err(RecvError),
            "pending_recv_woken_by_disconnect: the waiting recv saw no disconnection"
        );
    });
}

/// Core: after the receiver drops, sends fail.
pub fn send_after_receiver_drop_fails<C: AsyncChannel, M: MakeAsync<C>>(m: M, rt: Runtime) {
    rt.block_on(async move {
        let (mut tx, rx) = m.make::<usize>();
        drop(rx);
        assert!(
            tx.send(1).await.is_err(),
            "send_after_receiver_drop_fails: send succeeded"
        );
        assert!(
            matches!(tx.try_send(2), Err(TrySendError::Disconnected(2))),
            "send_after_receiver_drop_fails: try_send did not report the disconnection"
        );
    });
}

/// Core, cancellation safety: `recv` futures dropped before they complete, thousands of times
/// while a producer task sends, lose no message and reorder none; and a message that arrives
/// while a `recv` future waits is still there after that future is dropped unpolled.
pub fn recv_cancellation_loses_nothing<C: AsyncChannel, M: MakeAsync<C>>(m: M, rt: Runtime) {
    rt.block_on(async move {
        // A message is waiting every time: each receive is polled once and, if it does not
        // complete (a runtime's cooperative budget may make it yield), dropped. Where a sender
        // cannot queue a message without a receiver (capacity 0), the concurrent part below
        // does this job.
        if m.capacity() != Some(0) {
            let (mut tx, mut rx) = m.make::<usize>();
            let mut got = Vec::new();
            let mut dropped = 0usize;
            for i in 0..CANCELLATIONS {
                tx.try_send(i)
                    .expect("recv_cancellation_loses_nothing: try_send with room");
                // The receive future is dropped at the end of this block, done or not.
                let polled = {
                    let mut fut = Box::pin(rx.recv());
                    poll_once(&mut fut).await
                };
                match polled {
                    Poll::Ready(Ok(m)) => got.push(m),
                    Poll::Ready(Err(RecvError)) => {
                        panic!("recv_cancellation_loses_nothing: disconnected early")
                    }
                    Poll::Pending => dropped += 1,
                }
                // A dropped receive that left its message queued: take it now, in order.
                while let Ok(m) = rx.try_recv() {
                    got.push(m);
                }
            }
            let expected: Vec<usize> = (0..CANCELLATIONS).collect();
            assert!(
                got == expected,
                "recv_cancellation_loses_nothing: with a message waiting at every poll, after \
                 {dropped} dropped recv futures, received {} of {CANCELLATIONS} messages",
                got.len()
            );
        }

        // Concurrently with a producer task.
        let (mut tx, mut rx) = m.make::<usize>();
        let producer = tokio::spawn(async move {
            for i in 0..CANCELLATIONS {
                tx.send(i)
                    .await
                    .expect("recv_cancellation_loses_nothing: send");
                if i % 3 == 0 {
                    tokio::task::yield_now().await;
                }
            }
        });
        let mut got = Vec::new();
        let mut dropped = 0usize;
        // While the producer sends (and for a bounded number of rounds), every receive is polled
        // once and abandoned if it is not ready: the `select!` case, another branch won.
        let mut rounds = 0usize;
        while !producer.is_finished() && rounds < 1_000 * CANCELLATIONS {
            rounds += 1;
            let mut fut = Box::pin(rx.recv());
            match poll_once(&mut fut).await {
                Poll::Ready(Ok(m)) => got.push(m),
                Poll::Ready(Err(RecvError)) => break,
                Poll::Pending => {
                    drop(fut);
                    dropped += 1;
                    tokio::task::yield_now().await;
                }
            }
        }
        join(producer.await, "recv_cancellation_loses_nothing");
        // Then the rest, each receive awaited to its end.
        while let Ok(m) = rx.recv().await {
            got.push(m);
        }
        let expected: Vec<usize> = (0..CANCELLATIONS).collect();
        if got != expected {
            let missing = expected.iter().find(|i| !got.contains(i));
            panic!(
                "recv_cancellation_loses_nothing: after {dropped} dropped recv futures, received \
                 {} of {CANCELLATIONS} messages (first missing: {missing:?}; in order: {})",
                got.len(),
                got.windows(2).all(|w| w[0] < w[1])
            );
        }

        // A message arriving while a recv waits, the recv then dropped without another poll.
        let (mut tx, mut rx) = m.make::<usize>();
        let sent = {
            let mut fut = Box::pin(rx.recv());
            assert!(
                poll_once(&mut fut).await.is_pending(),
                "recv_cancellation_loses_nothing: recv on an empty channel did not wait"
            );
            let sent = tx.try_send(7).is_ok();
            drop(fut);
            sent
        };
        drop(tx);
        if sent {
            assert_eq!(
                rx.recv().await,
                Ok(7),
                "recv_cancellation_loses_nothing: a message sent to a waiting recv was lost when \
                 that recv was dropped"
            );
        }
    });
}

/// Bounded: `try_send` fails with the message back once `capacity` messages wait, and succeeds
/// again after a receive.
pub fn capacity_try_send_full<C: AsyncChannel, M: MakeAsync<C>>(m: M, rt: Runtime) {
    let cap = m.capacity().expect("a bounded flavor");
    rt.block_on(async move {
        let (mut tx, mut rx) = m.make::<usize>();
        for i in 0..cap {
            assert!(
                tx.try_send(i).is_ok(),
                "capacity_try_send_full: message {i} of a capacity of {cap} refused"
            );
        }
        match tx.try_send(cap) {
            Err(TrySendError::Full(back)) => assert_eq!(back, cap, "capacity_try_send_full"),
            Ok(()) => panic!("capacity_try_send_full: a send past a capacity of {cap} succeeded"),
            Err(TrySendError::Disconnected(_)) => {
                panic!("capacity_try_send_full: a send past the capacity reported a disconnection")
            }
        }
        assert_eq!(rx.recv().await, Ok(0), "capacity_try_send_full: first out");
        assert!(
            tx.try_send(cap).is_ok(),
            "capacity_try_send_full: no room after a receive"
        );
    });
}

/// Zero capacity: with nobody receiving, `try_send` is `Full`; a waiting receiver takes the
/// message from a sending task.
pub fn rendezvous_handoff<C: ZeroCapacity, M: MakeAsync<C>>(m: M, rt: Runtime) {
    rt.block_on(async move {
        let (mut tx, mut rx) = m.make::<usize>();
        assert!(
            matches!(tx.try_send(1), Err(TrySendError::Full(1))),
            "rendezvous_handoff: try_send with nobody receiving did not report full"
        );
        let producer = tokio::spawn(async move { tx.send(2).await.is_ok() });
        assert_eq!(rx.recv().await, Ok(2), "rendezvous_handoff: the handoff");
        assert!(
            join(producer.await, "rendezvous_handoff"),
            "rendezvous_handoff: send failed"
        );
    });
}

/// Multi-consumer: several producer tasks and consumer tasks; every message delivered exactly
/// once, each consumer's share of one producer in that producer's order.
pub fn mpmc_no_loss_no_duplicates<C: AsyncMultiConsumer, M: MakeAsync<C>>(m: M, rt: Runtime) {
    rt.block_on(async move {
        let (tx, rx) = m.make::<(usize, usize)>();
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|p| {
                let mut tx = tx.clone();
                tokio::spawn(async move {
                    for seq in 0..MPMC_PER_PRODUCER {
                        tx.send((p, seq)).await.expect("mpmc_no_loss_no_duplicates: send");
                    }
                })
            })
            .collect();
        drop(tx);
        let consumers: Vec<_> = (0..CONSUMERS)
            .map(|_| {
                let mut rx: AsyncReceiver<C, (usize, usize)> = rx.clone();
                tokio::spawn(async move {
                    let mut got = Vec::new();
                    while let Ok(m) = rx.recv().await {
                        got.push(m);
                    }
                    got
                })
            })
            .collect();
        drop(rx);
        for h in producers {
            join(h.await, "mpmc_no_loss_no_duplicates");
        }
        let mut seen = vec![vec![0u8; MPMC_PER_PRODUCER]; PRODUCERS];
        for h in consumers {
            let got = join(h.await, "mpmc_no_loss_no_duplicates");
            let mut last = [None; PRODUCERS];
            for (p, seq) in got {
                assert!(
                    last[p].is_none_or(|l| l < seq),
                    "mpmc_no_loss_no_duplicates: a consumer got producer {p}'s messages out of order"
                );
                last[p] = Some(seq);
                seen[p][seq] += 1;
            }
        }
        for (p, counts) in seen.iter().enumerate() {
            if let Some(seq) = counts.iter().position(|c| *c != 1) {
                panic!(
                    "mpmc_no_loss_no_duplicates: producer {p}'s message {seq} delivered {} times",
                    counts[seq]
                );
            }
        }
    });
}

/// Bridge, thread to task: a plain thread's blocking sends arrive in order at a task.
pub fn bridge_thread_to_task<C: Bridge, M: MakeAsync<C>>(m: M, rt: Runtime) {
    let (mut tx, mut rx) = m.make::<usize>();
    let thread = std::thread::spawn(move || {
        for i in 0..COUNT {
            tx.blocking_send(i)
                .expect("bridge_thread_to_task: blocking_send");
        }
    });
    rt.block_on(async move {
        for i in 0..COUNT {
            assert_eq!(rx.recv().await, Ok(i), "bridge_thread_to_task: message {i}");
        }
        assert_eq!(
            rx.recv().await,
            Err(RecvError),
            "bridge_thread_to_task: no disconnection"
        );
    });
    thread.join().expect("bridge_thread_to_task: the thread");
}

/// Bridge, task to thread: a task's sends arrive in order at a plain thread's blocking receives.
pub fn bridge_task_to_thread<C: Bridge, M: MakeAsync<C>>(m: M, rt: Runtime) {
    let (mut tx, mut rx) = m.make::<usize>();
    let thread = std::thread::spawn(move || {
        for i in 0..COUNT {
            assert_eq!(
                rx.blocking_recv(),
                Ok(i),
                "bridge_task_to_thread: message {i}"
            );
        }
        assert_eq!(
            rx.blocking_recv(),
            Err(RecvError),
            "bridge_task_to_thread: no disconnection"
        );
    });
    rt.block_on(async move {
        for i in 0..COUNT {
            tx.send(i).await.expect("bridge_task_to_thread: send");
        }
    });
    thread.join().expect("bridge_task_to_thread: the thread");
}

/// Core: `try_recv` on an empty channel is `Empty`, on an empty disconnected one `Disconnected`.
pub fn try_recv_empty_then_disconnected<C: AsyncChannel, M: MakeAsync<C>>(m: M, rt: Runtime) {
    rt.block_on(async move {
        let (tx, mut rx) = m.make::<usize>();
        assert_eq!(
            rx.try_recv(),
            Err(TryRecvError::Empty),
            "try_recv_empty_then_disconnected: empty"
        );
        drop(tx);
        assert_eq!(
            rx.try_recv(),
            Err(TryRecvError::Disconnected),
            "try_recv_empty_then_disconnected: disconnected"
        );
    });
}

// ---------------------------------------------------------------------------------------------
// The macros, shaped like the sync suite's: one table of checks, stamped as `#[test]`s or listed.

/// Stamps out one `#[test]` per async conformance check and runtime flavour; see the
/// [module docs](crate::async_conformance). Needs the `async-conformance` feature.
#[macro_export]
macro_rules! async_conformance_tests {
    ($chan:ty, flavors: $flavors:tt, extras: $extras:tt $(,)?) => {
        $crate::async_conformance_tests!($chan, flavors: $flavors, extras: $extras, known_failures: []);
    };
    ($chan:ty, flavors: [$($flavor:ident),* $(,)?], extras: $extras:tt, known_failures: $known:tt $(,)?) => {
        mod async_conformance {
            #[allow(unused_imports)]
            use super::*;
            mod current_thread {
                #[allow(unused_imports)]
                use super::*;
                $( $crate::__async_flavor!((tests $known); CurrentThread; $chan; $flavor; $extras); )*
            }
            mod multi_thread {
                #[allow(unused_imports)]
                use super::*;
                $( $crate::__async_flavor!((tests $known); MultiThread; $chan; $flavor; $extras); )*
            }

            #[test]
            fn known_failures_match_the_type() {
                assert_eq!(
                    $crate::__async_known_names!($known),
                    <$chan as $crate::asynchronous::AsyncChannel>::KNOWN_FAILURES,
                    "known_failures in async_conformance_tests! differ from {}'s KNOWN_FAILURES",
                    stringify!($chan)
                );
            }

            #[test]
            fn capabilities_match_type_system() {
                let listed = $crate::__async_listed!([$($flavor),*], $extras);
                let actual = $crate::async_capabilities!($chan);
                assert_eq!(
                    listed, actual,
                    "the capabilities listed in async_conformance_tests! differ from the traits {} implements",
                    stringify!($chan)
                );
            }
        }
    };
}

/// The same checks as [`async_conformance_tests!`](crate::async_conformance_tests), on both
/// runtime flavours, as a list of `(name, check)` for
/// [`run_checks`](crate::conformance::run_checks).
#[macro_export]
macro_rules! async_conformance_checks {
    ($chan:ty, flavors: [$($flavor:ident),* $(,)?], extras: $extras:tt $(,)?) => {{
        let mut checks: ::std::vec::Vec<$crate::conformance::NamedCheck> = ::std::vec::Vec::new();
        $( $crate::__async_flavor!((list checks); CurrentThread; $chan; $flavor; $extras); )*
        $( $crate::__async_flavor!((list checks); MultiThread; $chan; $flavor; $extras); )*
        checks
    }};
}

#[doc(hidden)]
#[macro_export]
macro_rules! __async_known_names {
    ([$($known:ident),* $(,)?]) => {
        &[$(stringify!($known)),*] as &[&str]
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __async_is_known {
    ([$($known:ident),* $(,)?], $check:ident) => {
        [$(stringify!($known)),*].contains(&stringify!($check))
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __async_listed {
    ([$($flavor:ident),*], [$($extra:ident),* $(,)?]) => {{
        let mut listed = $crate::asynchronous::AsyncCapabilities::default();
        $( listed.$flavor = true; )*
        $( listed.$extra = true; )*
        listed
    }};
}

#[doc(hidden)]
#[macro_export]
macro_rules! __async_flavor {
    ($mode:tt; $rt:ident; $chan:ty; unbounded; [$($extra:ident),*]) => {
        $crate::__async_module!($mode; $rt; unbounded; $chan; $crate::Unbound; [core]; [$($extra),*]);
    };
    ($mode:tt; $rt:ident; $chan:ty; bounded; [$($extra:ident),*]) => {
        $crate::__async_module!($mode; $rt; bounded; $chan; $crate::Cap(4); [core, bounded]; [$($extra),*]);
        $crate::__async_zero!($mode; $rt; $chan; [$($extra),*]; [$($extra),*]);
    };
}

/// With `zero_capacity` among the extras (the first list, searched), the checks again on
/// `async_bounded(0)` with every extra (the second list).
#[doc(hidden)]
#[macro_export]
macro_rules! __async_zero {
    ($mode:tt; $rt:ident; $chan:ty; []; $all:tt) => {};
    ($mode:tt; $rt:ident; $chan:ty; [zero_capacity $(, $rest:ident)*]; [$($extra:ident),*]) => {
        $crate::__async_module!($mode; $rt; rendezvous; $chan; $crate::Cap(0);
            [core, rendezvous]; [$($extra),*]);
    };
    ($mode:tt; $rt:ident; $chan:ty; [$first:ident $(, $rest:ident)*]; $all:tt) => {
        $crate::__async_zero!($mode; $rt; $chan; [$($rest),*]; $all);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __async_module {
    ((tests $known:tt); $rt:ident; $module:ident; $chan:ty; $make:expr; [$($group:ident),*]; [$($extra:ident),*]) => {
        mod $module {
            #[allow(unused_imports)]
            use super::*;
            $( $crate::__async_group!((tests $known); ""; $rt; $chan; $make; $group); )*
            $( $crate::__async_group!((tests $known); ""; $rt; $chan; $make; $extra); )*
        }
    };
    ((list $v:ident); $rt:ident; $module:ident; $chan:ty; $make:expr; [$($group:ident),*]; [$($extra:ident),*]) => {
        $( $crate::__async_group!((list $v); concat!(stringify!($rt), "::", stringify!($module)); $rt; $chan; $make; $group); )*
        $( $crate::__async_group!((list $v); concat!(stringify!($rt), "::", stringify!($module)); $rt; $chan; $make; $extra); )*
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __async_group {
    ($mode:tt; $prefix:expr; $rt:ident; $chan:ty; $make:expr; core) => {
        $crate::__async_stamp!($mode; $prefix; $rt; $chan; $make;
            fifo_single_producer, mpsc_per_producer_fifo, pending_delivered_after_senders_drop,
            pending_recv_woken_by_disconnect, send_after_receiver_drop_fails,
            recv_cancellation_loses_nothing, try_recv_empty_then_disconnected);
    };
    ($mode:tt; $prefix:expr; $rt:ident; $chan:ty; $make:expr; bounded) => {
        $crate::__async_stamp!($mode; $prefix; $rt; $chan; $make; capacity_try_send_full);
    };
    ($mode:tt; $prefix:expr; $rt:ident; $chan:ty; $make:expr; rendezvous) => {
        $crate::__async_stamp!($mode; $prefix; $rt; $chan; $make; rendezvous_handoff);
    };
    // Listed beside `bounded`, it adds the rendezvous flavor (above) and no check of its own.
    ($mode:tt; $prefix:expr; $rt:ident; $chan:ty; $make:expr; zero_capacity) => {};
    ($mode:tt; $prefix:expr; $rt:ident; $chan:ty; $make:expr; multi_consumer) => {
        $crate::__async_stamp!($mode; $prefix; $rt; $chan; $make; mpmc_no_loss_no_duplicates);
    };
    ($mode:tt; $prefix:expr; $rt:ident; $chan:ty; $make:expr; bridge) => {
        $crate::__async_stamp!($mode; $prefix; $rt; $chan; $make;
            bridge_thread_to_task, bridge_task_to_thread);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __async_stamp {
    ((tests $known:tt); $prefix:expr; $rt:ident; $chan:ty; $make:expr; $($check:ident),*) => {$(
        #[test]
        fn $check() {
            $crate::async_conformance::run_expecting(
                concat!(module_path!(), "::", stringify!($check)),
                $crate::__async_is_known!($known, $check),
                || $crate::async_conformance::$check::<$chan, _>(
                    $make,
                    $crate::async_conformance::Runtime::$rt,
                ),
            );
        }
    )*};
    ((list $v:ident); $prefix:expr; $rt:ident; $chan:ty; $make:expr; $($check:ident),*) => {$(
        $v.push((
            ::std::format!("{}::{}", $prefix, stringify!($check)),
            ::std::boxed::Box::new(|| $crate::async_conformance::$check::<$chan, _>(
                $make,
                $crate::async_conformance::Runtime::$rt,
            )),
        ));
    )*};
}
