//! Deliberately faulty implementations for the tests: one whose `recv` never returns and one
//! whose `send` panics (xtask's fault tolerance), each with a single cell (`spsc`, unbounded,
//! u64), so a test pays one watchdog timeout, not dozens; and two the behaviour families must
//! catch, registered like any implementation: [`Leaks`] one allocation per message (`memory`),
//! [`Unfair`] serving its first receiver only (`fairness`). Registered only when
//! `CHANBENCH_FAULT_FIXTURES=1`; `benches/tests/behaviour.rs` runs the last two directly.

use std::{
    hint::black_box,
    sync::{Arc, Condvar, Mutex, mpsc},
    thread,
    time::Duration,
};

use chanbench_core::{
    Bounded, Channel, Library, MultiConsumer, RecvError, RecvTimeoutError, SendError, TryRecvError,
    TrySendError, Unbound, Unbounded,
};
use chanbench_schema::{Capacity, Params, Workload};
use chanbench_workloads::{
    matrix::{Cell, Matrix},
    payload::Payload,
    register_impl, workload,
};

const FIXTURE: Library = Library {
    name: "test fixture",
    version: "0",
};

/// `recv` blocks forever: a deadlocking implementation.
pub struct Hangs;

/// `send` panics: a crashing implementation.
pub struct Panics;

macro_rules! fixture {
    ($ty:ident, $id:literal, send: |$tx:ident, $msg:ident| $send:expr, recv: |$rx:ident| $recv:expr) => {
        impl Channel for $ty {
            const ID: &'static str = $id;
            const NAME: &'static str = $id;
            const LIBRARY: Library = FIXTURE;
            type RawSender<T: Send + 'static> = mpsc::Sender<T>;
            type RawReceiver<T: Send + 'static> = mpsc::Receiver<T>;
            fn send<T: Send + 'static>($tx: &mpsc::Sender<T>, $msg: T) -> Result<(), SendError<T>> {
                $send
            }
            fn try_send<T: Send + 'static>(
                tx: &mpsc::Sender<T>,
                msg: T,
            ) -> Result<(), TrySendError<T>> {
                Self::send(tx, msg).map_err(|_| TrySendError::Disconnected(unreachable_message()))
            }
            fn recv<T: Send + 'static>($rx: &mpsc::Receiver<T>) -> Result<T, RecvError> {
                $recv
            }
            fn try_recv<T: Send + 'static>(rx: &mpsc::Receiver<T>) -> Result<T, TryRecvError> {
                rx.try_recv().map_err(Into::into)
            }
            fn recv_timeout<T: Send + 'static>(
                rx: &mpsc::Receiver<T>,
                t: Duration,
            ) -> Result<T, RecvTimeoutError> {
                rx.recv_timeout(t).map_err(Into::into)
            }
        }
        impl Unbounded for $ty {
            fn raw_unbounded<T: Send + 'static>() -> (mpsc::Sender<T>, mpsc::Receiver<T>) {
                mpsc::channel()
            }
        }
    };
}

fn unreachable_message<T>() -> T {
    panic!("fixture: try_send is not used by the workloads")
}

fixture!(Hangs, "fixture-hangs",
    send: |tx, msg| tx.send(msg).map_err(Into::into),
    recv: |_rx| loop { thread::park() });
fixture!(Panics, "fixture-panics",
    send: |_tx, _msg| panic!("fixture-panics: deliberate panic in send"),
    recv: |rx| rx.recv().map_err(Into::into));

/// Bytes [`Leaks`] leaks per message sent.
pub const LEAKED_PER_MESSAGE: usize = 64;

/// std's channel, but every `send` leaks one allocation of [`LEAKED_PER_MESSAGE`] bytes.
pub struct Leaks;

fixture!(Leaks, "fixture-leaks",
    send: |tx, msg| {
        black_box(Box::leak(Box::new([0u8; LEAKED_PER_MESSAGE])));
        tx.send(msg).map_err(Into::into)
    },
    recv: |rx| rx.recv().map_err(Into::into));

/// crossbeam's channel, but a cloned receiver gets nothing while the first one lives: it always
/// serves one consumer first.
pub struct Unfair;

/// Whether the first receiver of an [`Unfair`] channel is gone.
#[derive(Debug, Default)]
pub struct FirstGone {
    gone: Mutex<bool>,
    wake: Condvar,
}

/// [`Unfair`]'s receiver.
pub struct UnfairReceiver<T> {
    rx: crossbeam_channel::Receiver<T>,
    first: Arc<FirstGone>,
    is_first: bool,
}

impl<T> UnfairReceiver<T> {
    /// Blocks a cloned receiver while the first one lives.
    fn wait_turn(&self) {
        if self.is_first {
            return;
        }
        let mut gone = self
            .first
            .gone
            .lock()
            .expect("no receiver panics holding it");
        while !*gone {
            gone = self
                .first
                .wake
                .wait(gone)
                .expect("no receiver panics holding it");
        }
    }
}

impl<T> Drop for UnfairReceiver<T> {
    fn drop(&mut self) {
        if self.is_first {
            *self
                .first
                .gone
                .lock()
                .expect("no receiver panics holding it") = true;
            self.first.wake.notify_all();
        }
    }
}

fn unfair<T>(
    (tx, rx): (crossbeam_channel::Sender<T>, crossbeam_channel::Receiver<T>),
) -> (crossbeam_channel::Sender<T>, UnfairReceiver<T>) {
    let first = Arc::new(FirstGone::default());
    (
        tx,
        UnfairReceiver {
            rx,
            first,
            is_first: true,
        },
    )
}

impl Channel for Unfair {
    const ID: &'static str = "fixture-unfair";
    const NAME: &'static str = "fixture-unfair";
    const LIBRARY: Library = FIXTURE;
    type RawSender<T: Send + 'static> = crossbeam_channel::Sender<T>;
    type RawReceiver<T: Send + 'static> = UnfairReceiver<T>;
    fn send<T: Send + 'static>(tx: &Self::RawSender<T>, msg: T) -> Result<(), SendError<T>> {
        tx.send(msg)
            .map_err(|e| SendError::returned(e.into_inner()))
    }
    fn try_send<T: Send + 'static>(tx: &Self::RawSender<T>, msg: T) -> Result<(), TrySendError<T>> {
        tx.try_send(msg).map_err(|e| match e {
            crossbeam_channel::TrySendError::Full(m) => TrySendError::Full(m),
            crossbeam_channel::TrySendError::Disconnected(m) => TrySendError::Disconnected(m),
        })
    }
    fn recv<T: Send + 'static>(rx: &Self::RawReceiver<T>) -> Result<T, RecvError> {
        rx.wait_turn();
        rx.rx.recv().map_err(|_| RecvError)
    }
    fn try_recv<T: Send + 'static>(rx: &Self::RawReceiver<T>) -> Result<T, TryRecvError> {
        rx.wait_turn();
        rx.rx.try_recv().map_err(|e| match e {
            crossbeam_channel::TryRecvError::Empty => TryRecvError::Empty,
            crossbeam_channel::TryRecvError::Disconnected => TryRecvError::Disconnected,
        })
    }
    fn recv_timeout<T: Send + 'static>(
        rx: &Self::RawReceiver<T>,
        t: Duration,
    ) -> Result<T, RecvTimeoutError> {
        rx.wait_turn();
        rx.rx.recv_timeout(t).map_err(|e| match e {
            crossbeam_channel::RecvTimeoutError::Timeout => RecvTimeoutError::Timeout,
            crossbeam_channel::RecvTimeoutError::Disconnected => RecvTimeoutError::Disconnected,
        })
    }
}

impl Bounded for Unfair {
    fn raw_bounded<T: Send + 'static>(cap: usize) -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        unfair(crossbeam_channel::bounded(cap))
    }
}

impl chanbench_core::Rendezvous for Unfair {}

impl Unbounded for Unfair {
    fn raw_unbounded<T: Send + 'static>() -> (Self::RawSender<T>, Self::RawReceiver<T>) {
        unfair(crossbeam_channel::unbounded())
    }
}

impl MultiConsumer for Unfair {
    fn clone_receiver<T: Send + 'static>(rx: &Self::RawReceiver<T>) -> Self::RawReceiver<T> {
        UnfairReceiver {
            rx: rx.rx.clone(),
            first: Arc::clone(&rx.first),
            is_first: false,
        }
    }
}

/// Adds the fixtures' cells when `CHANBENCH_FAULT_FIXTURES=1`.
pub fn add_cells_if_enabled(matrix: &mut Matrix) {
    if std::env::var("CHANBENCH_FAULT_FIXTURES").as_deref() != Ok("1") {
        return;
    }
    let cell = |implementation: &'static str, run| {
        let params = Params::new(Capacity::Unbounded, u64::describe(), 2);
        Cell::new(Workload::Spsc, implementation, params, &[], run)
    };
    matrix.add(cell(
        Hangs::ID,
        Box::new(|team, _, n| workload::spsc::<Hangs, Unbound, u64>(team, Unbound, n)),
    ));
    matrix.add(cell(
        Panics::ID,
        Box::new(|team, _, n| workload::spsc::<Panics, Unbound, u64>(team, Unbound, n)),
    ));
    register_impl!(&mut *matrix, Leaks);
    register_impl!(&mut *matrix, Unfair);
}
