//! Deliberately faulty implementations for xtask's fault-tolerance tests: one whose `recv` never
//! returns, one whose `send` panics. Registered only when `CHANBENCH_FAULT_FIXTURES=1`, each with
//! a single cell (`spsc`, unbounded, u64), so a test pays one watchdog timeout, not dozens.

use std::{sync::mpsc, thread, time::Duration};

use chanbench_core::{
    Channel, Library, RecvError, RecvTimeoutError, SendError, TryRecvError, TrySendError, Unbound,
    Unbounded,
};
use chanbench_schema::{Capacity, Params, Workload};
use chanbench_workloads::{
    matrix::{Cell, Matrix},
    payload::Payload,
    workload,
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
            type RawSender<T: Send> = mpsc::Sender<T>;
            type RawReceiver<T: Send> = mpsc::Receiver<T>;
            fn send<T: Send>($tx: &mpsc::Sender<T>, $msg: T) -> Result<(), SendError<T>> {
                $send
            }
            fn try_send<T: Send>(tx: &mpsc::Sender<T>, msg: T) -> Result<(), TrySendError<T>> {
                Self::send(tx, msg).map_err(|_| TrySendError::Disconnected(unreachable_message()))
            }
            fn recv<T: Send>($rx: &mpsc::Receiver<T>) -> Result<T, RecvError> {
                $recv
            }
            fn try_recv<T: Send>(rx: &mpsc::Receiver<T>) -> Result<T, TryRecvError> {
                rx.try_recv().map_err(Into::into)
            }
            fn recv_timeout<T: Send>(
                rx: &mpsc::Receiver<T>,
                t: Duration,
            ) -> Result<T, RecvTimeoutError> {
                rx.recv_timeout(t).map_err(Into::into)
            }
        }
        impl Unbounded for $ty {
            fn raw_unbounded<T: Send>() -> (mpsc::Sender<T>, mpsc::Receiver<T>) {
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

/// Adds the two fixture cells when `CHANBENCH_FAULT_FIXTURES=1`.
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
}
