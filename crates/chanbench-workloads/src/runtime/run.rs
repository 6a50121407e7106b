//! How an async cell runs: its tasks meet at an [`AsyncGate`], and each stamps its own interval.

use std::{
    future::Future,
    hint::spin_loop,
    pin::Pin,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
        mpsc,
    },
    thread,
    time::{Duration, Instant},
};

use super::flavor::Flavor;
use crate::placement::{Role, Team};

/// One task of an async cell: spawned before the clock starts, it passes the gate and returns
/// its [`Stamp`]. Boxed once per task and run, as `tokio::spawn` boxes it anyway; the channel's
/// futures inside are the library's own, statically dispatched.
pub type Task = Pin<Box<dyn Future<Output = Stamp> + Send>>;

/// What one task or plain thread of an async cell did: its clock, and the messages it received.
#[derive(Debug, Clone, Copy)]
pub struct Stamp {
    /// When it passed the gate.
    pub start: Instant,
    /// When it finished.
    pub end: Instant,
    /// Messages it received.
    pub received: u64,
}

/// Releases the tasks and the plain thread of an async cell together: each counts itself in,
/// and the last one to arrive opens the gate, so no one is woken to start. Tasks wait by
/// yielding to their runtime (every task sharing a worker gets to arrive) and their thread's
/// core (a plain thread sharing it gets to arrive). A plain thread with a
/// core of its own spins (yielding its core after a while); one that shares a core with a
/// runtime thread yields at once, or it would hold that core for the whole spin while the tasks
/// it waits for cannot run (measured: up to milliseconds of CPU charged to each one-core bridge
/// run). It does not block: a parked thread would start its clock a kernel wake-up late.
#[derive(Debug)]
pub struct AsyncGate {
    arrived: AtomicUsize,
    count: usize,
    open: AtomicBool,
}

/// Spins of a plain thread at the gate before it yields its core.
const GATE_SPINS: u32 = 1 << 16;

impl AsyncGate {
    /// A gate for `count` tasks and threads.
    pub fn new(count: usize) -> Arc<Self> {
        Arc::new(Self {
            arrived: AtomicUsize::new(0),
            count,
            open: AtomicBool::new(false),
        })
    }

    fn arrive(&self) -> bool {
        let last = self.arrived.fetch_add(1, Ordering::AcqRel) + 1 == self.count;
        if last {
            self.open.store(true, Ordering::Release);
        }
        last
    }

    /// A task arrives; returns once every task and thread has.
    pub async fn task_wait(&self) {
        if self.arrive() {
            return;
        }
        while !self.open.load(Ordering::Acquire) {
            // The worker's core too: a plain thread sharing it must get to arrive. Yielding to
            // the runtime alone kept the core for the scheduler's whole slice (measured: up to
            // 0.5 us of CPU per message charged to kanal's one-core thread-to-task cost run).
            thread::yield_now();
            tokio::task::yield_now().await;
        }
    }

    /// A plain thread arrives; returns once every task and thread has. `own_core`: it has a
    /// core no runtime thread runs on, so it may spin.
    pub fn thread_wait(&self, own_core: bool) {
        if self.arrive() {
            return;
        }
        let mut spins = 0u32;
        while !self.open.load(Ordering::Acquire) {
            if own_core && spins < GATE_SPINS {
                spins += 1;
                spin_loop();
            } else {
                thread::yield_now();
            }
        }
    }

    /// A task that passes the gate, then runs `work` (which returns how many messages it
    /// received) on its own clock.
    pub fn task<F>(self: &Arc<Self>, work: F) -> Task
    where
        F: Future<Output = u64> + Send + 'static,
    {
        let gate = Arc::clone(self);
        Box::pin(async move {
            gate.task_wait().await;
            let start = Instant::now();
            let received = work.await;
            Stamp {
                start,
                end: Instant::now(),
                received,
            }
        })
    }

    /// A plain thread's role that passes the gate, then runs `work` on its own clock.
    pub fn thread(self: &Arc<Self>, work: impl FnOnce() -> u64 + Send + 'static) -> ThreadRole {
        let gate = Arc::clone(self);
        Box::new(move |own_core| {
            gate.thread_wait(own_core);
            let start = Instant::now();
            let received = work();
            Stamp {
                start,
                end: Instant::now(),
                received,
            }
        })
    }
}

/// A bridge's plain thread: given whether it has a core of its own, it passes the gate, works
/// and returns its [`Stamp`].
pub type ThreadRole = Box<dyn FnOnce(bool) -> Stamp + Send>;

/// What [`run`] measured: from the first start to the last end, and the messages received.
#[derive(Debug, Clone, Copy)]
pub struct AsyncTimed {
    /// The interval.
    pub elapsed: Duration,
    /// Messages every task and thread received, summed.
    pub received: u64,
}

/// Runs `tasks` on `flavor`'s runtime of `team`, and `thread` (a bridge's plain side) on the
/// team's worker after the runtime's threads; every one of them must pass the same gate.
///
/// # Panics
///
/// If a task or the thread panics (the panic is re-raised here).
pub fn run(
    team: &Team,
    flavor: Flavor,
    tasks: Vec<Task>,
    thread: Option<ThreadRole>,
) -> AsyncTimed {
    let runtimes = team.runtimes();
    let cores = runtimes.cores();
    let slot = flavor.threads(cores);
    let count = tasks.len() + usize::from(thread.is_some());
    // The plain thread runs on the team's worker `slot`: its own core unless a runtime thread
    // is pinned there too.
    let own_core = (0..slot).all(|i| cores.for_role(i) != cores.for_role(slot));
    let thread = thread.map(|t| -> Role<Stamp> { Box::new(move || t(own_core)) });
    let stamps: Vec<Stamp> = match flavor {
        Flavor::CurrentThread => {
            let rt = Arc::clone(&runtimes.current);
            let driver: Role<Vec<Stamp>> = Box::new(move || {
                rt.block_on(async move {
                    let handles: Vec<_> = tasks.into_iter().map(tokio::spawn).collect();
                    let mut stamps = Vec::with_capacity(handles.len());
                    for handle in handles {
                        match handle.await {
                            Ok(stamp) => stamps.push(stamp),
                            Err(e) => std::panic::resume_unwind(e.into_panic()),
                        }
                    }
                    stamps
                })
            });
            let mut roles = vec![driver];
            roles.extend(thread.map(|t| -> Role<Vec<Stamp>> { Box::new(move || vec![t()]) }));
            assert_eq!(slot, 1, "current_thread runs its tasks on one thread");
            team.run_from(0, roles)
                .results
                .into_iter()
                .flatten()
                .collect()
        }
        Flavor::MultiThread => {
            let (tx, rx) = mpsc::channel();
            let handles: Vec<_> = tasks
                .into_iter()
                .map(|task| {
                    let tx = tx.clone();
                    runtimes.multi.spawn(async move {
                        let _ = tx.send(task.await);
                    })
                })
                .collect();
            drop(tx);
            let mut stamps = match thread {
                Some(t) => team.run_from(slot, vec![t]).results,
                None => Vec::new(),
            };
            stamps.extend(rx.iter());
            if stamps.len() < count {
                // A task panicked: its sender is gone without a stamp. Re-raise its panic.
                for handle in handles {
                    if let Err(e) = runtimes.multi.block_on(handle) {
                        std::panic::resume_unwind(e.into_panic());
                    }
                }
            }
            stamps
        }
    };
    assert_eq!(stamps.len(), count, "every task and thread reports once");
    let first = stamps
        .iter()
        .map(|s| s.start)
        .min()
        .expect("at least one task");
    let last = stamps
        .iter()
        .map(|s| s.end)
        .max()
        .expect("at least one task");
    AsyncTimed {
        elapsed: last - first,
        received: stamps.iter().map(|s| s.received).sum(),
    }
}
